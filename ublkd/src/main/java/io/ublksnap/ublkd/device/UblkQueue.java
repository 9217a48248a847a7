package io.ublksnap.ublkd.device;

import io.ublksnap.engine.BlockRequest;
import io.ublksnap.engine.Target;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.ffi.IoUring;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.NativeMemory;
import io.ublksnap.ffi.UblkCmdEncoding;
import io.ublksnap.ffi.UblkIo;
import io.ublksnap.ffi.c.io_uring_h;
import io.ublksnap.ublkd.io.KernelBuffer;
import io.ublksnap.ublkd.io.RingLoop;
import io.ublksnap.ublkd.io.SegmentBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * One ublk queue: a thread, its io_uring, and the queue's tags. Every tag is armed with FETCH_REQ;
 * when the kernel hands a request over, it goes to the device's current {@link Target} with this
 * queue as its {@link io.ublksnap.engine.io.IoQueue}, so the backing I/O it causes is submitted on
 * this same ring and completes on this thread; the answer goes back with COMMIT_AND_FETCH_REQ,
 * which re-arms the tag. The ring batches everything: commits, fetches and backing I/O of one loop
 * turn go to the kernel in one submit.
 *
 * <p>Copy mode (Linux 6.12): each tag has a buffer in an anonymous mapping, registered as the
 * ring's fixed buffer of the same index, which the driver copies request data to and from.
 * Zero copy (UBLK_F_AUTO_BUF_REG, Linux 6.16+): the driver registers the request's own pages at
 * the tag's index of a sparse buffer table, and backing I/O uses them directly.
 */
final class UblkQueue extends RingLoop {
    static final long KIND_UBLK = 3L << KIND_SHIFT;

    private final UblkDevice device;
    private final int qid;
    private final int depth;
    private final int maxIoBytes;
    private final boolean zeroCopy;
    private final boolean pinBuffers;
    private final UblkCmdEncoding encoding;
    private final Arena arena = Arena.ofShared();
    private MemorySegment descriptors;
    private SegmentBuffer[] tagBuffers;
    /** The slice of each tag's buffer handed out last, reused while requests keep their size. */
    private IoBuffer[] lastSlice;
    private final BlockRequest[] requests;
    private int liveTags;
    /** Requests handed to the engine and not yet committed. */
    private int inService;
    private final BlockRequest.Completion completion = this::completed;

    UblkQueue(UblkDevice device, int qid, int depth, int maxIoBytes, boolean zeroCopy, boolean pinBuffers,
              UblkCmdEncoding encoding) {
        super("ublk" + device.devId() + "q" + qid, Math.min(4096, Math.max(64, depth * 4)));
        this.device = device;
        this.qid = qid;
        this.depth = depth;
        this.maxIoBytes = maxIoBytes;
        this.zeroCopy = zeroCopy;
        this.pinBuffers = pinBuffers;
        this.encoding = encoding;
        this.requests = new BlockRequest[depth];
        for (int t = 0; t < depth; t++) {
            requests[t] = new BlockRequest().attach(t);
        }
    }

    void start() throws NativeException {
        startThread();
    }

    @Override
    protected IoUring createRing() throws NativeException {
        // Completions of uring_cmd for ublk are delivered by task work: cooperative task running suits it.
        return IoUring.builder().entries(Math.min(4096, Math.max(64, depth * 4)))
                .prefer(io_uring_h.IORING_SETUP_SINGLE_ISSUER | io_uring_h.IORING_SETUP_COOP_TASKRUN
                        | io_uring_h.IORING_SETUP_DEFER_TASKRUN)
                .build();
    }

    @Override
    protected void onStart() throws NativeException {
        descriptors = UblkIo.mmapDescriptors(arena, device.charFd(), qid, depth);
        tagBuffers = new SegmentBuffer[depth];
        lastSlice = new IoBuffer[depth];
        if (zeroCopy) {
            ring.registerBuffersSparse(depth);
        } else {
            MemorySegment area = NativeMemory.mapAnonymous(arena, (long) depth * maxIoBytes, true);
            MemorySegment[] slices = new MemorySegment[depth];
            for (int t = 0; t < depth; t++) {
                slices[t] = area.asSlice((long) t * maxIoBytes, maxIoBytes);
            }
            boolean fixed = pinBuffers;
            if (fixed) {
                try {
                    ring.registerBuffers(slices);
                } catch (NativeException e) {
                    fixed = false; // e.g. RLIMIT_MEMLOCK: plain READ/WRITE work as well, a little slower
                    System.err.println("ublkd: " + name() + ": fixed buffers unavailable (" + e.getMessage() + "), using plain I/O");
                }
            }
            for (int t = 0; t < depth; t++) {
                tagBuffers[t] = new SegmentBuffer(slices[t], fixed ? t : -1);
            }
        }
        for (int t = 0; t < depth; t++) {
            if (zeroCopy) {
                UblkIo.prepFetchAutoBufReg(ring, encoding, device.charFd(), qid, t, UblkIo.autoBufReg(t, 0), KIND_UBLK | t);
            } else {
                UblkIo.prepFetch(ring, encoding, device.charFd(), qid, t, tagBuffers[t].address(), KIND_UBLK | t);
            }
        }
        liveTags = depth;
        ring.submit();
        // A refused FETCH_REQ completes at once, an armed one stays pending. START_DEV waits for every
        // tag to be armed, so a refusal must surface here or the device would never start.
        if (ring.submitAndWait(1, Duration.ofMillis(200))) {
            int[] refused = {0};
            ring.reap((ud, res, fl) -> refused[0] = res != 0 ? res : refused[0]);
            throw new NativeException("FETCH_REQ", "/dev/ublkc" + device.devId(), -refused[0],
                    "the kernel refused to arm the tags of " + name() + " (" + io.ublksnap.ffi.Errno.format(refused[0]) + ")");
        }
    }

    @Override
    protected void onOtherCompletion(long userData, int res, int flags) {
        if ((userData & ~0xffffL) != KIND_UBLK) {
            super.onOtherCompletion(userData, res, flags);
            return;
        }
        int tag = (int) (userData & 0xffff);
        if (res == UBLK_IO_RES_OK) {
            serve(tag);
        } else {
            // UBLK_IO_RES_ABORT: the device is stopping and the tag is retired; anything else: same, with a note.
            liveTags--;
            if (res != UBLK_IO_RES_ABORT) {
                System.err.println("ublkd: " + name() + ": tag " + tag + " retired with " + Errno.name(res));
            }
        }
    }

    private void serve(int tag) {
        int op = UblkIo.op(descriptors, tag);
        int flags = UblkIo.flags(descriptors, tag);
        long sector = UblkIo.startSector(descriptors, tag);
        int sectors = UblkIo.nrSectors(descriptors, tag);
        BlockRequest.Op o = switch (op) {
            case UBLK_IO_OP_READ -> BlockRequest.Op.READ;
            case UBLK_IO_OP_WRITE -> BlockRequest.Op.WRITE;
            case UBLK_IO_OP_FLUSH -> BlockRequest.Op.FLUSH;
            case UBLK_IO_OP_DISCARD -> BlockRequest.Op.DISCARD;
            default -> null;
        };
        if (o == null) {
            commit(tag, -Errno.EOPNOTSUPP);
            return;
        }
        IoBuffer buf = null;
        if (o == BlockRequest.Op.READ || o == BlockRequest.Op.WRITE) {
            long bytes = (long) sectors << 9;
            buf = lastSlice[tag];
            if (buf == null || buf.length() != bytes) {
                buf = zeroCopy ? new KernelBuffer(tag, 0, bytes) : tagBuffers[tag].slice(0, bytes);
                lastSlice[tag] = buf;
            }
        }
        BlockRequest r = requests[tag].set(o, sector, sectors, buf, (flags & UBLK_IO_F_FUA) != 0, this, completion);
        Target target = device.target();
        inService++;
        target.submit(r);
    }

    private void completed(BlockRequest r, int result) {
        inService--;
        int tag = (Integer) r.attachment();
        int res = result;
        if (result >= 0 && (r.op() == BlockRequest.Op.READ || r.op() == BlockRequest.Op.WRITE)) {
            res = r.sectors() << 9;
        }
        commit(tag, res);
    }

    private void commit(int tag, int res) {
        if (zeroCopy) {
            UblkIo.prepCommitAndFetchAutoBufReg(ring, encoding, device.charFd(), qid, tag, res, UblkIo.autoBufReg(tag, 0), KIND_UBLK | tag);
        } else {
            UblkIo.prepCommitAndFetch(ring, encoding, device.charFd(), qid, tag, res, tagBuffers[tag].address(), KIND_UBLK | tag);
        }
    }

    @Override
    protected boolean busy() {
        return liveTags > 0 || inService > 0;
    }

    @Override
    protected void onStop() {
        try {
            if (descriptors != null) {
                arena.close();
            }
        } catch (RuntimeException e) {
            System.err.println("ublkd: " + name() + ": " + e);
        }
    }

    int qid() {
        return qid;
    }

    static int pid() {
        return Libc.getpid();
    }
}
