package io.ublksnap.ffi;

import io.ublksnap.ffi.c.__kernel_timespec;
import io.ublksnap.ffi.c.io_uring;
import io.ublksnap.ffi.c.io_uring_cq;
import io.ublksnap.ffi.c.io_uring_buf;
import io.ublksnap.ffi.c.io_uring_buf_reg;
import io.ublksnap.ffi.c.io_uring_cqe;
import io.ublksnap.ffi.c.io_uring_params;
import io.ublksnap.ffi.c.io_uring_probe;
import io.ublksnap.ffi.c.io_uring_probe_op;
import io.ublksnap.ffi.c.io_uring_rsrc_register;
import io.ublksnap.ffi.c.io_uring_rsrc_update2;
import io.ublksnap.ffi.c.io_uring_sq;
import io.ublksnap.ffi.c.io_uring_sqe;
import io.ublksnap.ffi.c.iovec;
import io.ublksnap.ffi.c.liburing_h;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;

import static io.ublksnap.ffi.c.io_uring_h.*;

/**
 * One io_uring instance, set up by liburing ({@code io_uring_queue_init_params}) and driven from Java.
 *
 * <h2>How it works</h2>
 * After setup, the addresses of the kernel's SQ head, CQ head/tail, the SQE array and the CQE array are read once
 * from liburing's {@code struct io_uring} and wrapped as memory segments. {@code prep*} methods write a complete SQE
 * (every field, so no union member of an earlier use survives) straight into the mapped SQE array and advance
 * liburing's {@code sq.sqe_tail}; nothing crosses into C per SQE. {@link #submit()} is one downcall to
 * {@code io_uring_submit}, which publishes {@code sqe_tail} as the kernel's SQ tail (the SQ index array is set up 1:1
 * by liburing) and enters the kernel. {@link #reap(CompletionHandler)} reads CQEs from the mapped CQ ring in Java:
 * the CQ tail is read with acquire ordering (CQE contents written by the kernel are visible after it), and the head is
 * advanced with release ordering after each CQE's fields have been read, which hands the slot back to the kernel.
 * The SQ head is read with acquire ordering before reusing SQE slots.
 *
 * <h2>Ownership and threading</h2>
 * An instance is owned by one thread: all {@code prep*}, {@code submit*}, {@code reap} and registration calls must
 * come from it (with {@code IORING_SETUP_SINGLE_ISSUER} the kernel enforces this for submission, and the owner is the
 * thread that built the ring). The SQE prepared last can be amended with {@link #sqeFlags(int)} and
 * {@link #sqeBufIndex(int)} until the next {@code prep*}. {@link #close()} releases the ring, its mappings and all
 * memory this object allocated; afterwards every segment obtained from it is inaccessible. Memory that SQEs point at
 * (buffers, iovecs) belongs to the caller and must stay valid until the matching completion.
 *
 * <h2>Allocation</h2>
 * {@code prep*}, {@code submit}, {@code submitAndWait} and {@code reap} do not allocate. Timeouts take their
 * {@code __kernel_timespec} from a per-slot area owned by the ring (the kernel copies it during submission).
 * Registration and setup calls allocate transient native memory.
 *
 * <h2>A full SQ, and linked chains</h2>
 * If a {@code prep*} finds the SQ full it submits what is queued to make room; if the kernel then still accepts
 * nothing, the ring is unusable and an {@link UncheckedIOException} wrapping a {@link NativeException} is thrown.
 * The kernel links SQEs ({@code IOSQE_IO_LINK}, {@code IOSQE_IO_HARDLINK}) only within one submission: a chain split
 * across two would run its tail without waiting for its head. So a chain is never submitted in the middle: a caller
 * about to prepare a chain of {@code n} entries calls {@link #reserve(int) reserve(n)} first, which submits what is
 * queued if fewer than {@code n} slots are free; and should a {@code prep*} still find the SQ full while the entries
 * before it are linked to it, it submits only what precedes that open chain. A chain longer than the SQ cannot be
 * prepared ({@link #reserve(int)} refuses it before anything is written).
 * {@code IORING_SETUP_SQPOLL} and {@code IORING_SETUP_IOPOLL} are not supported.
 */
@SuppressWarnings("restricted")
public final class IoUring implements AutoCloseable {

    // The hot paths (SQE fill, CQE reap, the SQ tail as nextSqe moves it, the ublk descriptors and commands) access
    // the mapped memory through these exact var handles, constants the JIT can inline, not MemorySegment.get/set,
    // which reads the handle from the layout on every access: C1 alone (the emulated guest's JIT) does not inline
    // that one, and it costs some 1.7x as much (host, C1: 95 against 55 ns per SQE filled); with C2 both compile to
    // the same stores. Call sites must match their types exactly (MemorySegment, long, then the value's own type,
    // results cast to it): a mismatch throws WrongMethodTypeException when the line first runs.
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();
    static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle().withInvokeExactBehavior();
    static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle().withInvokeExactBehavior();

    // SQE field offsets (struct io_uring_sqe); see io_uring_sqe for the C layout.
    private static final long SQE_OPCODE = io_uring_sqe.opcode$offset();
    private static final long SQE_FLAGS = io_uring_sqe.flags$offset();
    private static final long SQE_IOPRIO = io_uring_sqe.ioprio$offset();
    private static final long SQE_FD = io_uring_sqe.fd$offset();
    private static final long SQE_OFF = io_uring_sqe.off$offset();
    private static final long SQE_ADDR = io_uring_sqe.addr$offset();
    private static final long SQE_LEN = io_uring_sqe.len$offset();
    private static final long SQE_OP_FLAGS = io_uring_sqe.rw_flags$offset();
    private static final long SQE_USER_DATA = io_uring_sqe.user_data$offset();
    private static final long SQE_BUF_INDEX = io_uring_sqe.buf_index$offset();
    private static final long SQE_PERSONALITY = io_uring_sqe.personality$offset();
    private static final long SQE_FILE_INDEX = io_uring_sqe.file_index$offset();
    private static final long SQE_ADDR3 = io_uring_sqe.addr3$offset();
    private static final long SQE_PAD2 = io_uring_sqe.__pad2$offset();
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    static {
        checkSqeLayout();
    }
    /** Start of the URING_CMD payload: 16 bytes in a 64-byte SQE, 80 bytes with SQE128. */
    public static final long SQE_CMD = io_uring_sqe.cmd$offset();

    private static final long CQE_USER_DATA = io_uring_cqe.user_data$offset();
    private static final long CQE_RES = io_uring_cqe.res$offset();
    private static final long CQE_FLAGS = io_uring_cqe.flags$offset();

    private static final long SQE_HEAD = io_uring.sq$offset() + io_uring_sq.sqe_head$offset();
    private static final long SQE_TAIL = io_uring.sq$offset() + io_uring_sq.sqe_tail$offset();
    private static final int LINKED = IOSQE_IO_LINK | IOSQE_IO_HARDLINK;
    private static final long TIMESPEC_SIZE = __kernel_timespec.sizeof();

    private final Arena arena;
    private final MemorySegment ring;
    /**
     * The same struct as {@link #ring}, in the global scope: the calls made for every request (submit, wait) pass
     * it, so that each skips acquiring and releasing the shared arena's session (two atomic updates per call).
     * The arena still owns the memory; {@link #open} keeps those calls from reaching a closed ring.
     */
    private final MemorySegment ringForCalls;
    private final int ringFd;
    private final int setupFlags;
    private final int features;

    private final int sqEntries;
    private long enters; // io_uring_enter calls (owner thread)
    private final int sqMask;
    private final int sqeShift;
    private final MemorySegment sqHead;
    private final MemorySegment sqes;

    private final int cqEntries;
    private final int cqMask;
    private final int cqeShift;
    private final MemorySegment cqHead;
    private final MemorySegment cqTail;
    private final MemorySegment cqes;

    /** One __kernel_timespec per SQ slot, for TIMEOUT/LINK_TIMEOUT. */
    private final MemorySegment timespecs;
    /** Scratch for io_uring_submit_and_wait_timeout: a cqe pointer and a timespec. */
    private final MemorySegment waitCqePtr;
    private final MemorySegment waitTimespec;

    /** Mirror of liburing's sq.sqe_tail (written through on every prep). */
    private int sqeTail;
    /** Last SQ head read from the kernel; refreshed only when the ring looks full. */
    private int sqHeadCache;
    /** Byte offset of the SQE prepared last, or -1. */
    private long lastSqe = -1;
    private byte[] opcodeSupport;
    private boolean closed;

    private IoUring(Arena arena, MemorySegment ring, MemorySegment params) {
        this.arena = arena;
        this.ring = ring;
        this.ringForCalls = MemorySegment.ofAddress(ring.address()).reinterpret(ring.byteSize());
        this.ringFd = io_uring.ring_fd(ring);
        this.setupFlags = io_uring.flags(ring);
        this.features = io_uring_params.features(params);

        MemorySegment sq = io_uring.sq(ring);
        this.sqEntries = kernelInt(io_uring_sq.kring_entries(sq));
        this.sqMask = kernelInt(io_uring_sq.kring_mask(sq));
        this.sqeShift = (setupFlags & IORING_SETUP_SQE128) != 0 ? 7 : 6;
        this.sqHead = word(io_uring_sq.khead(sq));
        this.sqes = io_uring_sq.sqes(sq).reinterpret((long) sqEntries << sqeShift, arena, null);
        this.sqeTail = io_uring_sq.sqe_tail(sq);
        this.sqHeadCache = (int) INT.getAcquire(sqHead, 0L);

        MemorySegment cq = io_uring.cq(ring);
        this.cqEntries = kernelInt(io_uring_cq.kring_entries(cq));
        this.cqMask = kernelInt(io_uring_cq.kring_mask(cq));
        this.cqeShift = (setupFlags & IORING_SETUP_CQE32) != 0 ? 5 : 4;
        this.cqHead = word(io_uring_cq.khead(cq));
        this.cqTail = word(io_uring_cq.ktail(cq));
        this.cqes = io_uring_cq.cqes(cq).reinterpret((long) cqEntries << cqeShift, arena, null);

        this.timespecs = arena.allocate(TIMESPEC_SIZE * sqEntries, 8);
        this.waitCqePtr = arena.allocate(ValueLayout.ADDRESS);
        this.waitTimespec = __kernel_timespec.allocate(arena);
    }

    /** The ring for a call into liburing; fails once the ring is closed. */
    private MemorySegment open() {
        if (closed) {
            throw new IllegalStateException("io_uring " + ringFd + " is closed");
        }
        return ringForCalls;
    }

    private MemorySegment word(MemorySegment pointer) {
        return pointer.reinterpret(Integer.BYTES, arena, null);
    }

    private static int kernelInt(MemorySegment pointer) {
        return pointer.reinterpret(Integer.BYTES).get(ValueLayout.JAVA_INT, 0);
    }

    /** A ring with {@code entries} SQ slots and default setup (SUBMIT_ALL where supported). */
    public static IoUring open(int entries) throws NativeException {
        return builder(entries).build();
    }

    /** Starts describing a ring with {@code entries} SQ slots (rounded up to a power of two by the kernel). */
    public static Builder builder(int entries) {
        return new Builder().entries(entries);
    }

    /** Starts describing a ring of {@link Builder#DEFAULT_ENTRIES} SQ slots; see {@link Builder#entries(int)}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Setup options. Flags given to {@link #require(int)} must be honoured or {@link #build()} fails; flags given to
     * {@link #prefer(int)} are dropped one by one (highest bit first, so DEFER_TASKRUN goes before SINGLE_ISSUER) while
     * the kernel answers {@code EINVAL}. {@link IoUring#setupFlags()} tells what was granted.
     */
    public static final class Builder {
        /** SQ size when {@link #entries(int)} is not called. */
        public static final int DEFAULT_ENTRIES = 64;

        private int entries = DEFAULT_ENTRIES;
        private int cqEntries;
        private int required;
        private int preferred = IORING_SETUP_SUBMIT_ALL;

        private Builder() {
        }

        /** Number of SQ slots (rounded up to a power of two by the kernel, at most 32768). */
        public Builder entries(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("entries must be positive: " + n);
            }
            this.entries = n;
            return this;
        }

        /** 128-byte SQEs: needed for ublk control commands (80-byte command area). */
        public Builder sqe128() {
            required |= IORING_SETUP_SQE128;
            return this;
        }

        /** 32-byte CQEs. */
        public Builder cqe32() {
            required |= IORING_SETUP_CQE32;
            return this;
        }

        /** A CQ of {@code n} entries instead of twice the SQ size ({@code IORING_SETUP_CQSIZE}). */
        public Builder cqEntries(int n) {
            this.cqEntries = n;
            required |= IORING_SETUP_CQSIZE;
            return this;
        }

        /** Setup flags that must be granted. */
        public Builder require(int setupFlags) {
            required |= setupFlags;
            return this;
        }

        /** Setup flags to use if the kernel supports them, e.g. SINGLE_ISSUER | COOP_TASKRUN | DEFER_TASKRUN. */
        public Builder prefer(int setupFlags) {
            preferred |= setupFlags;
            return this;
        }

        /** Replaces the default preferred flags (SUBMIT_ALL) with {@code setupFlags}. */
        public Builder preferOnly(int setupFlags) {
            preferred = setupFlags;
            return this;
        }

        /** Creates the ring; the calling thread becomes its owner. */
        public IoUring build() throws NativeException {
            int unsupported = (required | preferred) & (IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL);
            if (unsupported != 0) {
                throw new IllegalArgumentException("SQPOLL/IOPOLL rings are not supported by IoUring");
            }
            int optional = preferred & ~required;
            Arena arena = Arena.ofShared();
            try {
                MemorySegment ring = io_uring.allocate(arena);
                MemorySegment params = io_uring_params.allocate(arena);
                while (true) {
                    params.fill((byte) 0);
                    io_uring_params.flags(params, required | optional);
                    io_uring_params.cq_entries(params, cqEntries);
                    int r = liburing_h.io_uring_queue_init_params(entries, ring, params);
                    if (r == 0) {
                        try {
                            return new IoUring(arena, ring, params);
                        } catch (RuntimeException | Error e) {
                            liburing_h.io_uring_queue_exit(ring);
                            throw e;
                        }
                    }
                    if (r == -Errno.EINVAL && optional != 0) {
                        optional &= ~Integer.highestOneBit(optional);
                        continue;
                    }
                    throw NativeException.fromResult("io_uring_queue_init_params", r);
                }
            } catch (NativeException | RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- properties

    /** The ring's file descriptor. */
    public int fd() {
        return ringFd;
    }

    /** Setup flags in effect ({@code IORING_SETUP_*}). */
    public int setupFlags() {
        return setupFlags;
    }

    /** {@code IORING_FEAT_*} flags reported by the kernel. */
    public int features() {
        return features;
    }

    /** Number of SQ slots. */
    public int sqEntries() {
        return sqEntries;
    }

    /** Number of CQ slots. */
    public int cqEntries() {
        return cqEntries;
    }

    /** 64, or 128 with {@code IORING_SETUP_SQE128}. */
    public int sqeSize() {
        return 1 << sqeShift;
    }

    /** 16, or 32 with {@code IORING_SETUP_CQE32}. */
    public int cqeSize() {
        return 1 << cqeShift;
    }

    /** Size of the URING_CMD payload area at {@link #SQE_CMD}: 16, or 80 with SQE128. */
    public int cmdAreaSize() {
        return sqeSize() - (int) SQE_CMD;
    }

    /**
     * The mapped SQE array. Offsets returned by {@link #prepUringCmd} and {@link #lastSqeOffset()} index into it;
     * writing there is meant for filling command payloads of an SQE just prepared.
     */
    public MemorySegment sqes() {
        return sqes;
    }

    /** Byte offset in {@link #sqes()} of the SQE prepared last, or -1 before the first. */
    public long lastSqeOffset() {
        return lastSqe;
    }

    /** liburing's {@code struct io_uring} for this ring (for direct liburing calls by this package). */
    MemorySegment ringStruct() {
        return ring;
    }

    /** SQEs prepared and not yet consumed by the kernel. */
    public int sqPending() {
        return sqeTail - (int) INT.getAcquire(sqHead, 0L);
    }

    /** Free SQ slots. */
    public int sqSpaceLeft() {
        return sqEntries - sqPending();
    }

    /** Completions waiting in the CQ. */
    public int cqReady() {
        return (int) INT.getAcquire(cqTail, 0L) - (int) INT.get(cqHead, 0L);
    }

    // ---------------------------------------------------------------- SQE preparation

    /**
     * Makes sure the next {@code n} {@code prep*} calls find room without submitting, so that a chain of {@code n}
     * linked entries prepared right after this call reaches the kernel in one submission. Submits what is queued if
     * fewer than {@code n} slots are free (entries already linked to the next one stay queued, see the class
     * comment).
     *
     * @throws IllegalArgumentException if {@code n} is larger than the SQ
     */
    public void reserve(int n) {
        if (n < 1 || n > sqEntries) {
            throw new IllegalArgumentException("cannot reserve " + n + " entries in an SQ of " + sqEntries);
        }
        if (sqEntries - (sqeTail - sqHeadCache) < n) {
            sqHeadCache = (int) INT.getAcquire(sqHead, 0L);
            if (sqEntries - (sqeTail - sqHeadCache) < n) {
                makeRoom(n);
            }
        }
    }

    /** Claims the next SQ slot, submitting first if the SQ is full; returns its byte offset in {@link #sqes}. */
    private long nextSqe() {
        int tail = sqeTail;
        if (tail - sqHeadCache >= sqEntries) {
            sqHeadCache = (int) INT.getAcquire(sqHead, 0L);
            if (tail - sqHeadCache >= sqEntries) {
                makeRoom(1);
            }
        }
        long offset = (long) (tail & sqMask) << sqeShift;
        sqeTail = tail + 1;
        INT.set(ring, SQE_TAIL, sqeTail);
        lastSqe = offset;
        return offset;
    }

    /**
     * Submits to free {@code n} slots. The entries at the end of the queue that carry a link flag belong to a chain
     * whose next entry is yet to be prepared: those stay queued, and only what precedes them is submitted (liburing
     * publishes up to {@code sq.sqe_tail}, so the tail is pulled back to the chain's start for that one submission).
     */
    private void makeRoom(int n) {
        int flushed = ring.get(ValueLayout.JAVA_INT, SQE_HEAD); // liburing: prepared entries from here are unpublished
        int chainStart = sqeTail;
        while (chainStart - flushed > 0 && (sqeFlagsAt(chainStart - 1) & LINKED) != 0) {
            chainStart--;
        }
        if (sqeTail - chainStart + n > sqEntries) {
            throw new IllegalStateException("a linked chain of " + (sqeTail - chainStart + n)
                    + " entries does not fit in an SQ of " + sqEntries);
        }
        ring.set(ValueLayout.JAVA_INT, SQE_TAIL, chainStart);
        try {
            submit();
        } catch (NativeException e) {
            throw new UncheckedIOException(e);
        } finally {
            ring.set(ValueLayout.JAVA_INT, SQE_TAIL, sqeTail);
        }
        sqHeadCache = (int) INT.getAcquire(sqHead, 0L);
        if (sqEntries - (sqeTail - sqHeadCache) < n) {
            throw new UncheckedIOException(new NativeException("io_uring_submit", null, Errno.EBUSY,
                    "io_uring_submit: submission queue full and the kernel accepted no entry"));
        }
    }

    private int sqeFlagsAt(int index) {
        return (byte) BYTE.get(sqes, ((long) (index & sqMask) << sqeShift) + SQE_FLAGS);
    }

    /**
     * Writes every field of the 64-byte SQE at {@code o}, as eight 8-byte stores in the order the kernel's
     * struct has them (opcode, flags, ioprio, fd | off | addr | len, rw_flags | user_data | buf_index,
     * personality, file_index | addr3 | pad2); {@link #checkSqeLayout} holds the offsets to that order.
     */
    private void fill(long o, int opcode, int fd, long off, long addr, int len, int opFlags, long userData) {
        MemorySegment s = sqes;
        LONG.set(s, o, LITTLE ? (opcode & 0xFFL) | ((long) fd << 32)
                : ((opcode & 0xFFL) << 56) | (fd & 0xFFFF_FFFFL));
        LONG.set(s, o + SQE_OFF, off);
        LONG.set(s, o + SQE_ADDR, addr);
        LONG.set(s, o + SQE_LEN, LITTLE ? (len & 0xFFFF_FFFFL) | ((long) opFlags << 32)
                : ((long) len << 32) | (opFlags & 0xFFFF_FFFFL));
        LONG.set(s, o + SQE_USER_DATA, userData);
        LONG.set(s, o + SQE_BUF_INDEX, 0L);
        LONG.set(s, o + SQE_ADDR3, 0L);
        LONG.set(s, o + SQE_PAD2, 0L);
    }

    /** The SQE offsets {@link #fill} packs its 8-byte stores by; fails the class's start if a binding differs. */
    private static void checkSqeLayout() {
        long[] offsets = {SQE_OPCODE, SQE_FLAGS, SQE_IOPRIO, SQE_FD, SQE_OFF, SQE_ADDR, SQE_LEN, SQE_OP_FLAGS,
                SQE_USER_DATA, SQE_BUF_INDEX, SQE_PERSONALITY, SQE_FILE_INDEX, SQE_ADDR3, SQE_PAD2};
        long[] expected = {0, 1, 2, 4, 8, 16, 24, 28, 32, 40, 42, 44, 48, 56};
        if (!Arrays.equals(offsets, expected) || io_uring_sqe.sizeof() != 64) {
            throw new IllegalStateException("io_uring_sqe (" + io_uring_sqe.sizeof() + " bytes, offsets "
                    + Arrays.toString(offsets) + ") is not the kernel's (64 bytes, offsets " + Arrays.toString(expected) + ")");
        }
    }

    /** ORs {@code IOSQE_*} flags (FIXED_FILE, IO_LINK, ASYNC, ...) into the SQE prepared last. */
    public void sqeFlags(int iosqeFlags) {
        long o = requireLast();
        byte old = (byte) BYTE.get(sqes, o + SQE_FLAGS);
        BYTE.set(sqes, o + SQE_FLAGS, (byte) (old | iosqeFlags));
    }

    /** Sets {@code buf_index} of the SQE prepared last (e.g. with {@code IORING_URING_CMD_FIXED}). */
    public void sqeBufIndex(int bufIndex) {
        SHORT.set(sqes, requireLast() + SQE_BUF_INDEX, (short) bufIndex);
    }

    private long requireLast() {
        if (lastSqe < 0) {
            throw new IllegalStateException("no SQE prepared yet");
        }
        return lastSqe;
    }

    /** {@code IORING_OP_NOP}: completes with res 0; useful to round-trip user data or wake the ring. */
    public void prepNop(long userData) {
        fill(nextSqe(), IORING_OP_NOP, -1, 0, 0, 0, 0, userData);
    }

    /** {@code IORING_OP_READ} of {@code len} bytes at {@code offset} into native address {@code addr}. */
    public void prepRead(int fd, long addr, int len, long offset, long userData) {
        fill(nextSqe(), IORING_OP_READ, fd, offset, addr, len, 0, userData);
    }

    /** {@code IORING_OP_READ} with {@code RWF_*} flags. */
    public void prepRead(int fd, long addr, int len, long offset, int rwFlags, long userData) {
        fill(nextSqe(), IORING_OP_READ, fd, offset, addr, len, rwFlags, userData);
    }

    /** {@code IORING_OP_READ} filling all of {@code buf}. */
    public void prepRead(int fd, MemorySegment buf, long offset, long userData) {
        fill(nextSqe(), IORING_OP_READ, fd, offset, buf.address(), length(buf), 0, userData);
    }

    /** {@code IORING_OP_WRITE} of {@code len} bytes at native address {@code addr} to {@code offset}. */
    public void prepWrite(int fd, long addr, int len, long offset, long userData) {
        fill(nextSqe(), IORING_OP_WRITE, fd, offset, addr, len, 0, userData);
    }

    /** {@code IORING_OP_WRITE} with {@code RWF_*} flags, e.g. {@code RWF_DSYNC} for FUA semantics. */
    public void prepWrite(int fd, long addr, int len, long offset, int rwFlags, long userData) {
        fill(nextSqe(), IORING_OP_WRITE, fd, offset, addr, len, rwFlags, userData);
    }

    /** {@code IORING_OP_WRITE} of all of {@code buf}. */
    public void prepWrite(int fd, MemorySegment buf, long offset, long userData) {
        fill(nextSqe(), IORING_OP_WRITE, fd, offset, buf.address(), length(buf), 0, userData);
    }

    /**
     * {@code IORING_OP_READ_FIXED}: {@code [addr, addr+len)} must lie inside registered buffer {@code bufIndex}.
     */
    public void prepReadFixed(int fd, long addr, int len, long offset, int bufIndex, long userData) {
        long o = nextSqe();
        fill(o, IORING_OP_READ_FIXED, fd, offset, addr, len, 0, userData);
        SHORT.set(sqes, o + SQE_BUF_INDEX, (short) bufIndex);
    }

    /** {@code IORING_OP_WRITE_FIXED} from inside registered buffer {@code bufIndex}, with {@code RWF_*} flags. */
    public void prepWriteFixed(int fd, long addr, int len, long offset, int bufIndex, int rwFlags, long userData) {
        long o = nextSqe();
        fill(o, IORING_OP_WRITE_FIXED, fd, offset, addr, len, rwFlags, userData);
        SHORT.set(sqes, o + SQE_BUF_INDEX, (short) bufIndex);
    }

    /** {@code IORING_OP_WRITE_FIXED} without flags. */
    public void prepWriteFixed(int fd, long addr, int len, long offset, int bufIndex, long userData) {
        prepWriteFixed(fd, addr, len, offset, bufIndex, 0, userData);
    }

    /** {@code IORING_OP_FSYNC}; {@code fsyncFlags} 0 for fsync, {@code IORING_FSYNC_DATASYNC} for fdatasync. */
    public void prepFsync(int fd, int fsyncFlags, long userData) {
        fill(nextSqe(), IORING_OP_FSYNC, fd, 0, 0, 0, fsyncFlags, userData);
    }

    /** {@code IORING_OP_FALLOCATE} with {@code FALLOC_FL_*} {@code mode}. */
    public void prepFallocate(int fd, int mode, long offset, long length, long userData) {
        fill(nextSqe(), IORING_OP_FALLOCATE, fd, offset, length, mode, 0, userData);
    }

    /**
     * {@code IORING_OP_POLL_ADD} for {@code POLL*} events; completes with the ready mask. {@code pollFlags} may be
     * {@code IORING_POLL_ADD_MULTI} for a multishot poll (each CQE then has {@code IORING_CQE_F_MORE}).
     */
    public void prepPollAdd(int fd, int pollMask, int pollFlags, long userData) {
        fill(nextSqe(), IORING_OP_POLL_ADD, fd, 0, 0, pollFlags, pollMask, userData);
    }

    /**
     * {@code IORING_OP_TIMEOUT}: completes with {@code -ETIME} after {@code nanos}, or with 0 once {@code count}
     * other completions have arrived ({@code count} 0: pure timer). {@code flags}: {@code IORING_TIMEOUT_*}.
     */
    public void prepTimeout(long nanos, int count, int flags, long userData) {
        long o = nextSqe();
        fill(o, IORING_OP_TIMEOUT, -1, Integer.toUnsignedLong(count), timespec(o, nanos), 1, flags, userData);
    }

    /**
     * {@code IORING_OP_LINK_TIMEOUT}: must directly follow an SQE marked {@code IOSQE_IO_LINK}; cancels it
     * (its CQE gets {@code -ECANCELED}) if it has not completed within {@code nanos}.
     */
    public void prepLinkTimeout(long nanos, int flags, long userData) {
        long o = nextSqe();
        fill(o, IORING_OP_LINK_TIMEOUT, -1, 0, timespec(o, nanos), 1, flags, userData);
    }

    private long timespec(long sqeOffset, long nanos) {
        long slot = (sqeOffset >>> sqeShift) * TIMESPEC_SIZE;
        timespecs.set(ValueLayout.JAVA_LONG, slot, nanos / 1_000_000_000L);
        timespecs.set(ValueLayout.JAVA_LONG, slot + 8, nanos % 1_000_000_000L);
        return timespecs.address() + slot;
    }

    /** {@code IORING_OP_ASYNC_CANCEL} of the request(s) with {@code targetUserData}; {@code IORING_ASYNC_CANCEL_*}. */
    public void prepCancel(long targetUserData, int cancelFlags, long userData) {
        fill(nextSqe(), IORING_OP_ASYNC_CANCEL, -1, 0, targetUserData, 0, cancelFlags, userData);
    }

    /**
     * {@code IORING_OP_URING_CMD} on {@code fd} with {@code cmd_op} at SQE byte 8, all other fields zero. Returns the
     * byte offset in {@link #sqes()} of the zeroed command payload ({@link #cmdAreaSize()} bytes at SQE byte 48),
     * which the caller fills before the next prep or submit.
     */
    public long prepUringCmd(int fd, int cmdOp, long userData) {
        return prepUringCmd(fd, cmdOp, 0, 0, 0, userData);
    }

    /**
     * As {@link #prepUringCmd(int, int, long)}, with the SQE's {@code addr}, {@code len} and {@code uring_cmd_flags}
     * (e.g. {@code IORING_URING_CMD_MULTISHOT}) set: commands that point the driver at an array in user memory.
     */
    public long prepUringCmd(int fd, int cmdOp, long addr, int len, int uringCmdFlags, long userData) {
        long o = nextSqe();
        fill(o, IORING_OP_URING_CMD, fd, Integer.toUnsignedLong(cmdOp), addr, len, uringCmdFlags, userData);
        if (sqeShift == 7) {
            for (long i = 64; i < 128; i += 8) {
                LONG.set(sqes, o + i, 0L);
            }
        }
        return o + SQE_CMD;
    }

    private static int length(MemorySegment buf) {
        long n = buf.byteSize();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer larger than 2 GiB: " + n);
        }
        return (int) n;
    }

    // ---------------------------------------------------------------- submission and completion

    /**
     * How many times this ring has entered the kernel (io_uring_enter) so far: every wait, and every submit with
     * something to submit (liburing enters for nothing else on a ring without SQPOLL). Owner thread only.
     */
    public long enters() {
        return enters;
    }

    /** Submits all prepared SQEs; returns how many the kernel consumed. */
    public int submit() throws NativeException {
        MemorySegment ringArg = open();
        if (sqPending() > 0) {
            enters++;
        }
        int r = liburing_h.io_uring_submit(ringArg);
        if (r < 0) {
            throw NativeException.fromResult("io_uring_submit", r);
        }
        return r;
    }

    /**
     * Submits all prepared SQEs and waits until at least {@code minComplete} completions are in the CQ (they may
     * include ones that were already there). Interrupted waits ({@code EINTR}) are retried. Returns the number
     * submitted.
     */
    public int submitAndWait(int minComplete) throws NativeException {
        MemorySegment ringArg = open();
        while (true) {
            enters++;
            int r = liburing_h.io_uring_submit_and_wait(ringArg, minComplete);
            if (r >= 0) {
                return r;
            }
            if (r != -Errno.EINTR) {
                throw NativeException.fromResult("io_uring_submit_and_wait", r);
            }
        }
    }

    /**
     * As {@link #submitAndWait(int)}, giving up after {@code timeout}; returns whether {@code minComplete}
     * completions are ready (false: timed out or interrupted). Needs
     * {@code IORING_FEAT_EXT_ARG} (Linux 5.11+), otherwise liburing would queue an internal timeout SQE.
     */
    public boolean submitAndWait(int minComplete, Duration timeout) throws NativeException {
        if ((features & IORING_FEAT_EXT_ARG) == 0) {
            throw new UnsupportedOperationException("waiting with a timeout needs IORING_FEAT_EXT_ARG");
        }
        enters++;
        __kernel_timespec.tv_sec(waitTimespec, timeout.getSeconds());
        __kernel_timespec.tv_nsec(waitTimespec, timeout.getNano());
        int r = liburing_h.io_uring_submit_and_wait_timeout(ring, waitCqePtr, minComplete, waitTimespec,
                MemorySegment.NULL);
        // liburing returns the submit count, 0, -ETIME or -EINTR depending on what happened first; what matters
        // is whether the completions are there.
        if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR) {
            throw NativeException.fromResult("io_uring_submit_and_wait_timeout", r);
        }
        return cqReady() >= minComplete;
    }

    /**
     * Enters the kernel only to run pending task work and flush overflowed completions; needed before {@code reap}
     * on rings with {@code IORING_SETUP_DEFER_TASKRUN} when not waiting.
     */
    public void getEvents() throws NativeException {
        int r = liburing_h.io_uring_get_events(open());
        if (r < 0 && r != -Errno.EINTR) {
            throw NativeException.fromResult("io_uring_get_events", r);
        }
    }

    /** Delivers every completion now in the CQ to {@code handler}; returns how many. */
    public int reap(CompletionHandler handler) {
        return reap(handler, Integer.MAX_VALUE);
    }

    /** Delivers at most {@code max} completions to {@code handler}; returns how many. */
    public int reap(CompletionHandler handler, int max) {
        MemorySegment c = cqes;
        int head = (int) INT.get(cqHead, 0L); // only this thread writes the head
        int tail = (int) INT.getAcquire(cqTail, 0L);    // CQEs up to tail are fully written
        int n = 0;
        while (head != tail && n < max) {
            long o = (long) (head & cqMask) << cqeShift;
            long userData = (long) LONG.get(c, o + CQE_USER_DATA);
            int res = (int) INT.get(c, o + CQE_RES);
            int flags = (int) INT.get(c, o + CQE_FLAGS);
            head++;
            INT.setRelease(cqHead, 0L, head);               // slot read: give it back to the kernel
            n++;
            handler.complete(userData, res, flags);
        }
        return n;
    }

    // ---------------------------------------------------------------- registered resources

    /** Registers {@code buffers} as fixed buffers 0..n-1 (for READ_FIXED/WRITE_FIXED); they stay pinned. */
    public void registerBuffers(MemorySegment... buffers) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment iov = iovecs(tmp, buffers);
            check("io_uring_register_buffers", liburing_h.io_uring_register_buffers(ring, iov, buffers.length));
        }
    }

    /**
     * Registers a sparse table of {@code slots} empty fixed-buffer slots ({@code IORING_REGISTER_BUFFERS2} with
     * {@code IORING_RSRC_REGISTER_SPARSE}, Linux 5.19+), to be filled by {@link #updateBuffers} or by the kernel
     * (ublk {@code UBLK_F_AUTO_BUF_REG}, zero-copy {@code REGISTER_IO_BUF}).
     */
    public void registerBuffersSparse(int slots) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = io_uring_rsrc_register.allocate(tmp);
            io_uring_rsrc_register.nr(reg, slots);
            io_uring_rsrc_register.flags(reg, IORING_RSRC_REGISTER_SPARSE);
            check("io_uring_register(IORING_REGISTER_BUFFERS2)", liburing_h.io_uring_register(ringFd,
                    IORING_REGISTER_BUFFERS2, reg, (int) io_uring_rsrc_register.sizeof()));
        }
    }

    /** Replaces fixed-buffer slots {@code offset..offset+n-1} with {@code buffers}. */
    public void updateBuffers(int offset, MemorySegment... buffers) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment iov = iovecs(tmp, buffers);
            MemorySegment up = io_uring_rsrc_update2.allocate(tmp);
            io_uring_rsrc_update2.offset(up, offset);
            io_uring_rsrc_update2.data(up, iov.address());
            io_uring_rsrc_update2.nr(up, buffers.length);
            check("io_uring_register(IORING_REGISTER_BUFFERS_UPDATE)", liburing_h.io_uring_register(ringFd,
                    IORING_REGISTER_BUFFERS_UPDATE, up, (int) io_uring_rsrc_update2.sizeof()));
        }
    }

    /**
     * Registers a provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19+) of {@code entries} (a power of
     * two) {@code struct io_uring_buf} in {@code ringMemory} (page-aligned, zeroed, {@code entries * 16} bytes, kept
     * until the ring is unregistered or closed) as buffer group {@code bgid}; {@code flags}: {@code IOU_PBUF_RING_INC}
     * or 0. Buffers are added by writing an entry and then advancing the tail ({@link #bufferRingAdd}).
     */
    public void registerBufferRing(MemorySegment ringMemory, int entries, int bgid, int flags) throws NativeException {
        if (Integer.bitCount(entries) != 1 || ringMemory.byteSize() < (long) entries * io_uring_buf.sizeof()) {
            throw new IllegalArgumentException("a buffer ring of " + entries + " entries in " + ringMemory.byteSize() + " bytes");
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = io_uring_buf_reg.allocate(tmp);
            io_uring_buf_reg.ring_addr(reg, ringMemory.address());
            io_uring_buf_reg.ring_entries(reg, entries);
            io_uring_buf_reg.bgid(reg, (short) bgid);
            io_uring_buf_reg.flags(reg, (short) flags);
            check("io_uring_register(IORING_REGISTER_PBUF_RING)", liburing_h.io_uring_register(ringFd,
                    IORING_REGISTER_PBUF_RING, reg, 1));
        }
    }

    /** Unregisters buffer group {@code bgid}'s ring ({@code IORING_UNREGISTER_PBUF_RING}); its memory is the caller's again. */
    public void unregisterBufferRing(int bgid) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = io_uring_buf_reg.allocate(tmp);
            io_uring_buf_reg.bgid(reg, (short) bgid);
            check("io_uring_register(IORING_UNREGISTER_PBUF_RING)", liburing_h.io_uring_register(ringFd,
                    IORING_UNREGISTER_PBUF_RING, reg, 1));
        }
    }

    private static final long BUF_RING_TAIL = io_uring_buf.resv$offset();

    /**
     * Adds {@code buffer} with ID {@code bid} to a buffer ring of {@code entries} registered with
     * {@link #registerBufferRing}: writes the entry at the tail, then publishes it by advancing the tail (a release
     * store, as liburing's {@code io_uring_buf_ring_advance}).
     */
    public static void bufferRingAdd(MemorySegment ringMemory, int entries, MemorySegment buffer, int bid) {
        int tail = Short.toUnsignedInt((short) SHORT.getAcquire(ringMemory, BUF_RING_TAIL));
        MemorySegment e = io_uring_buf.asSlice(ringMemory, tail & (entries - 1));
        io_uring_buf.addr(e, buffer.address());
        io_uring_buf.len(e, (int) buffer.byteSize());
        io_uring_buf.bid(e, (short) bid);
        SHORT.setRelease(ringMemory, BUF_RING_TAIL, (short) (tail + 1));
    }

    /** The tail of a buffer ring (its entries published since it was registered, modulo 2^16). */
    public static int bufferRingTail(MemorySegment ringMemory) {
        return Short.toUnsignedInt((short) SHORT.getAcquire(ringMemory, BUF_RING_TAIL));
    }

    /** Drops all fixed buffers. */
    public void unregisterBuffers() throws NativeException {
        check("io_uring_unregister_buffers", liburing_h.io_uring_unregister_buffers(ring));
    }

    private static MemorySegment iovecs(Arena tmp, MemorySegment[] buffers) {
        MemorySegment iov = iovec.allocateArray(Math.max(1, buffers.length), tmp);
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment v = iovec.asSlice(iov, i);
            iovec.iov_base(v, buffers[i]);
            iovec.iov_len(v, buffers[i].byteSize());
        }
        return iov;
    }

    /** Registers {@code fds} as fixed files 0..n-1 (use with {@code IOSQE_FIXED_FILE} and the index as fd). */
    public void registerFiles(int... fds) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment arr = tmp.allocateFrom(ValueLayout.JAVA_INT, fds);
            check("io_uring_register_files", liburing_h.io_uring_register_files(ring, arr, fds.length));
        }
    }

    /** Registers a table of {@code slots} empty fixed-file slots. */
    public void registerFilesSparse(int slots) throws NativeException {
        check("io_uring_register_files_sparse", liburing_h.io_uring_register_files_sparse(ring, slots));
    }

    /** Sets fixed-file slots from {@code offset}; an fd of -1 empties a slot. Returns the number updated. */
    public int updateFiles(int offset, int... fds) throws NativeException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment arr = tmp.allocateFrom(ValueLayout.JAVA_INT, fds);
            return check("io_uring_register_files_update",
                    liburing_h.io_uring_register_files_update(ring, offset, arr, fds.length));
        }
    }

    /** Drops all fixed files. */
    public void unregisterFiles() throws NativeException {
        check("io_uring_unregister_files", liburing_h.io_uring_unregister_files(ring));
    }

    /** True if the kernel implements opcode {@code op} ({@code IORING_REGISTER_PROBE}, asked once). */
    public boolean supportsOpcode(int op) throws NativeException {
        if (opcodeSupport == null) {
            opcodeSupport = probeOpcodes();
        }
        return op >= 0 && op < opcodeSupport.length && opcodeSupport[op] != 0;
    }

    private byte[] probeOpcodes() throws NativeException {
        int maxOps = 256;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment probe = tmp.allocate(io_uring_probe.sizeof() + maxOps * io_uring_probe_op.sizeof(), 8);
            check("io_uring_register(IORING_REGISTER_PROBE)",
                    liburing_h.io_uring_register(ringFd, IORING_REGISTER_PROBE, probe, maxOps));
            int n = Byte.toUnsignedInt(io_uring_probe.ops_len(probe));
            byte[] supported = new byte[n];
            for (int i = 0; i < n; i++) {
                MemorySegment op = io_uring_probe.ops(probe, i);
                if ((io_uring_probe_op.flags(op) & IO_URING_OP_SUPPORTED) != 0) {
                    supported[Byte.toUnsignedInt(io_uring_probe_op.op(op))] = 1;
                }
            }
            return supported;
        }
    }

    private static int check(String call, int r) throws NativeException {
        if (r < 0) {
            throw NativeException.fromResult(call, r);
        }
        return r;
    }

    /**
     * Tears the ring down ({@code io_uring_queue_exit}: requests still in flight are cancelled by the kernel) and
     * frees everything this object allocated. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        liburing_h.io_uring_queue_exit(ring);
        arena.close();
    }
}
