package io.ublksnap.ffi;

import io.ublksnap.ffi.c.io_uring_sqe;
import io.ublksnap.ffi.c.ublk_batch_io;
import io.ublksnap.ffi.c.ublk_elem_header;
import io.ublksnap.ffi.c.ublksrv_io_cmd;
import io.ublksnap.ffi.c.ublksrv_io_desc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.ublksnap.ffi.c.io_uring_h.IORING_URING_CMD_MULTISHOT;
import static io.ublksnap.ffi.c.io_uring_h.IOSQE_BUFFER_SELECT;
import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * The ublk data plane, on {@code /dev/ublkcN}: the per-queue descriptor array and the I/O commands.
 *
 * <p>Protocol, per queue: map the descriptors ({@link #mmapDescriptors}), send FETCH_REQ once for every tag
 * ({@link #prepFetch}) from the thread that will serve the queue, then START_DEV from anywhere. When a fetch
 * completes with {@code UBLK_IO_RES_OK}, the descriptor of that tag describes a request; serve it and answer with
 * COMMIT_AND_FETCH_REQ ({@link #prepCommitAndFetch}) carrying the result (bytes transferred, or {@code -errno}), which
 * also re-arms the tag. A completion with {@code UBLK_IO_RES_ABORT} retires the tag (device stopping). The
 * descriptor is valid from the completion until the commit.
 *
 * <p>With {@code UBLK_F_AUTO_BUF_REG} (zero copy, Linux 6.16+) the queue's ring needs a sparse buffer table
 * ({@link IoUring#registerBuffersSparse}) and the tags are armed with {@link #prepFetchAutoBufReg} and
 * {@link #prepCommitAndFetchAutoBufReg}.
 *
 * <p>The {@code prep*} methods write the 16-byte {@code struct ublksrv_io_cmd} into the command area of a URING_CMD
 * SQE (64-byte SQEs suffice) without allocating. {@code fd} is the char device's fd, or its fixed-file index when the
 * caller then marks the SQE with {@code ring.sqeFlags(IOSQE_FIXED_FILE)}. The encoding must match the device
 * ({@link DevInfo#encoding()}).
 */
public final class UblkIo {

    private UblkIo() {
    }

    /** {@code sizeof(struct ublksrv_io_desc)}. */
    public static final int DESCRIPTOR_SIZE = (int) ublksrv_io_desc.sizeof();

    private static final long DESC_OP_FLAGS = ublksrv_io_desc.op_flags$offset();
    private static final long DESC_NR_SECTORS = ublksrv_io_desc.nr_sectors$offset();
    private static final long DESC_START_SECTOR = ublksrv_io_desc.start_sector$offset();
    private static final long DESC_ADDR = ublksrv_io_desc.addr$offset();

    private static final long SQE_ADDR = io_uring_sqe.addr$offset();
    private static final long CMD_Q_ID = ublksrv_io_cmd.q_id$offset();
    private static final long CMD_TAG = ublksrv_io_cmd.tag$offset();
    private static final long CMD_RESULT = ublksrv_io_cmd.result$offset();
    private static final long CMD_ADDR = ublksrv_io_cmd.addr$offset();

    /** mmap offset of queue {@code qid}'s descriptors: each queue has room for {@code UBLK_MAX_QUEUE_DEPTH}. */
    public static long descriptorsOffset(int qid) {
        long perQueue = NativeMemory.roundUp((long) UBLK_MAX_QUEUE_DEPTH * DESCRIPTOR_SIZE, Libc.pageSize());
        return UBLKSRV_CMD_BUF_OFFSET + qid * perQueue;
    }

    /** mmap length of a queue of {@code depth} tags (the kernel insists on exactly this). */
    public static long descriptorsLength(int depth) {
        return NativeMemory.roundUp((long) depth * DESCRIPTOR_SIZE, Libc.pageSize());
    }

    /**
     * Maps queue {@code qid}'s descriptor array read-only ({@code PROT_READ}, {@code MAP_SHARED|MAP_POPULATE}); the
     * returned segment is read-only too, so a stray write fails in Java instead of faulting. The caller unmaps it
     * with {@link Libc#munmap} (all mappings of one device must come from the same process).
     */
    public static MemorySegment mmapDescriptors(int charFd, int qid, int depth) throws NativeException {
        return Libc.mmap(descriptorsLength(depth), Libc.PROT_READ, Libc.MAP_SHARED | Libc.MAP_POPULATE, charFd,
                descriptorsOffset(qid)).asReadOnly();
    }

    /** As {@link #mmapDescriptors(int, int, int)}, unmapped when {@code arena} closes. */
    public static MemorySegment mmapDescriptors(Arena arena, int charFd, int qid, int depth) throws NativeException {
        return Libc.mmap(arena, descriptorsLength(depth), Libc.PROT_READ, Libc.MAP_SHARED | Libc.MAP_POPULATE,
                charFd, descriptorsOffset(qid)).asReadOnly();
    }

    // ---- descriptor accessors (descs = a queue's mapped array, tag = index) ----

    /** {@code op_flags} of the request at {@code tag}. */
    public static int opFlags(MemorySegment descs, int tag) {
        return (int) IoUring.INT.get(descs, (long) tag * DESCRIPTOR_SIZE + DESC_OP_FLAGS);
    }

    /** The operation, {@code UBLK_IO_OP_*} (bits 0-7 of op_flags). */
    public static int op(MemorySegment descs, int tag) {
        return opFlags(descs, tag) & 0xff;
    }

    /**
     * The request flags, bits 8-31 of op_flags left in place, so they compare directly with {@code UBLK_IO_F_*}
     * (e.g. {@code (flags & UBLK_IO_F_FUA) != 0}). Note C's {@code ublksrv_get_flags} shifts them down instead.
     */
    public static int flags(MemorySegment descs, int tag) {
        return opFlags(descs, tag) & ~0xff;
    }

    /** Length in 512-byte sectors (for REPORT_ZONES: number of zones). */
    public static int nrSectors(MemorySegment descs, int tag) {
        return (int) IoUring.INT.get(descs, (long) tag * DESCRIPTOR_SIZE + DESC_NR_SECTORS);
    }

    /** First 512-byte sector. */
    public static long startSector(MemorySegment descs, int tag) {
        return (long) IoUring.LONG.get(descs, (long) tag * DESCRIPTOR_SIZE + DESC_START_SECTOR);
    }

    /** The buffer address the server gave for this tag at fetch/commit time. */
    public static long addr(MemorySegment descs, int tag) {
        return (long) IoUring.LONG.get(descs, (long) tag * DESCRIPTOR_SIZE + DESC_ADDR);
    }

    // ---- I/O commands ----

    /**
     * FETCH_REQ for {@code tag} of queue {@code qid}: arms the tag; {@code bufAddr} is the server buffer the driver
     * copies request data to/from (0 with {@code UBLK_F_USER_COPY}; with {@code UBLK_F_AUTO_BUF_REG} use
     * {@link #prepFetchAutoBufReg} instead).
     */
    public static void prepFetch(IoUring ring, UblkCmdEncoding encoding, int fd, int qid, int tag, long bufAddr,
                                 long userData) {
        writeCmd(ring, ring.prepUringCmd(fd, encoding.fetchReq(), userData), qid, tag, 0, bufAddr);
    }

    /** COMMIT_AND_FETCH_REQ: completes the request of {@code tag} with {@code result} and re-arms the tag. */
    public static void prepCommitAndFetch(IoUring ring, UblkCmdEncoding encoding, int fd, int qid, int tag,
                                          int result, long bufAddr, long userData) {
        writeCmd(ring, ring.prepUringCmd(fd, encoding.commitAndFetchReq(), userData), qid, tag, result, bufAddr);
    }

    /**
     * FETCH_REQ on a {@code UBLK_F_AUTO_BUF_REG} device: before delivering a request for {@code tag}, the driver
     * registers its pages in the sparse buffer table of the ring this command was issued on, as described by
     * {@code autoBufReg} (see {@link #autoBufReg}); the server then moves data with READ_FIXED/WRITE_FIXED at buffer
     * address 0 of that slot. The value travels in the SQE's own {@code addr} field (byte 16); the command's
     * {@code addr} stays 0, as the driver requires in this mode.
     */
    public static void prepFetchAutoBufReg(IoUring ring, UblkCmdEncoding encoding, int fd, int qid, int tag,
                                           long autoBufReg, long userData) {
        writeCmd(ring, ring.prepUringCmd(fd, encoding.fetchReq(), userData), qid, tag, 0, 0);
        IoUring.LONG.set(ring.sqes(), ring.lastSqeOffset() + SQE_ADDR, autoBufReg);
    }

    /**
     * COMMIT_AND_FETCH_REQ on a {@code UBLK_F_AUTO_BUF_REG} device: completes the request (its buffer is unregistered
     * automatically) and re-arms the tag with {@code autoBufReg} for the next request.
     */
    public static void prepCommitAndFetchAutoBufReg(IoUring ring, UblkCmdEncoding encoding, int fd, int qid, int tag,
                                                    int result, long autoBufReg, long userData) {
        writeCmd(ring, ring.prepUringCmd(fd, encoding.commitAndFetchReq(), userData), qid, tag, result, 0);
        IoUring.LONG.set(ring.sqes(), ring.lastSqeOffset() + SQE_ADDR, autoBufReg);
    }

    /** NEED_GET_DATA (with {@code UBLK_F_NEED_GET_DATA}): supplies the buffer for a write's data. */
    public static void prepNeedGetData(IoUring ring, UblkCmdEncoding encoding, int fd, int qid, int tag,
                                       long bufAddr, long userData) {
        writeCmd(ring, ring.prepUringCmd(fd, encoding.needGetData(), userData), qid, tag, 0, bufAddr);
    }

    /**
     * UBLK_U_IO_REGISTER_IO_BUF (Linux 6.15+, zero copy): registers the request buffer of {@code tag} at index
     * {@code bufIndex} of {@code ring}'s sparse buffer table.
     */
    public static void prepRegisterIoBuf(IoUring ring, int fd, int qid, int tag, int bufIndex, long userData) {
        writeCmd(ring, ring.prepUringCmd(fd, UBLK_U_IO_REGISTER_IO_BUF, userData), qid, tag, 0, bufIndex);
    }

    /** UBLK_U_IO_UNREGISTER_IO_BUF: undoes {@link #prepRegisterIoBuf}. */
    public static void prepUnregisterIoBuf(IoUring ring, int fd, int qid, int tag, int bufIndex, long userData) {
        writeCmd(ring, ring.prepUringCmd(fd, UBLK_U_IO_UNREGISTER_IO_BUF, userData), qid, tag, 0, bufIndex);
    }

    // ---- UBLK_F_BATCH_IO (Linux 7.0+) ----

    private static final long BATCH_Q_ID = ublk_batch_io.q_id$offset();
    private static final long BATCH_FLAGS = ublk_batch_io.flags$offset();
    private static final long BATCH_NR_ELEM = ublk_batch_io.nr_elem$offset();
    private static final long BATCH_ELEM_BYTES = ublk_batch_io.elem_bytes$offset();
    private static final long BATCH_RESERVED2 = ublk_batch_io.reserved2$offset();
    private static final long ELEM_TAG = ublk_elem_header.tag$offset();
    private static final long ELEM_BUF_INDEX = ublk_elem_header.buf_index$offset();
    private static final long ELEM_RESULT = ublk_elem_header.result$offset();
    private static final long ELEM_BUF_ADDR = ublk_elem_header.sizeof();

    /**
     * Bytes of one element of a PREP_IO_CMDS or COMMIT_IO_CMDS array: the 8-byte {@code struct ublk_elem_header},
     * and the buffer address after it in copy mode ({@code UBLK_BATCH_F_HAS_BUF_ADDR}).
     */
    public static int batchElemBytes(int batchFlags) {
        return (int) ublk_elem_header.sizeof() + ((batchFlags & UBLK_BATCH_F_HAS_BUF_ADDR) != 0 ? 8 : 0);
    }

    /**
     * Writes element {@code i} of a PREP_IO_CMDS or COMMIT_IO_CMDS array of {@code elemBytes}-byte elements:
     * {@code tag}, its {@code result} (COMMIT; 0 for PREP), and where its next request's data goes: {@code bufIndex}
     * (zero copy, the buffer table slot) or {@code bufAddr} (copy mode, when {@code elemBytes} has room for it).
     */
    public static void batchElem(MemorySegment array, int i, int elemBytes, int tag, int result, int bufIndex,
                                 long bufAddr) {
        long o = (long) i * elemBytes;
        IoUring.SHORT.set(array, o + ELEM_TAG, (short) tag);
        IoUring.SHORT.set(array, o + ELEM_BUF_INDEX, (short) bufIndex);
        IoUring.INT.set(array, o + ELEM_RESULT, result);
        if (elemBytes > ELEM_BUF_ADDR) {
            IoUring.LONG.set(array, o + ELEM_BUF_ADDR, bufAddr);
        }
    }

    /**
     * PREP_IO_CMDS ({@code UBLK_U_IO_PREP_IO_CMDS}) or COMMIT_IO_CMDS for the first {@code nrElem} elements of
     * {@code array} ({@link #batchElem}); the array must stay untouched until the command completes. PREP completes
     * with 0 or -errno (all or nothing); COMMIT with the bytes of the elements it handled, in order, or -errno.
     */
    public static void prepBatch(IoUring ring, int fd, int cmdOp, int qid, int batchFlags, MemorySegment array,
                                 int nrElem, long userData) {
        int elemBytes = batchElemBytes(batchFlags);
        long cmd = ring.prepUringCmd(fd, cmdOp, array.address(), nrElem * elemBytes, 0, userData);
        writeBatch(ring.sqes(), cmd, qid, batchFlags, nrElem, elemBytes);
    }

    /**
     * FETCH_IO_CMDS ({@code UBLK_U_IO_FETCH_IO_CMDS}), multishot: while armed, each CQE ({@code IORING_CQE_F_MORE})
     * delivers {@code res / 2} tags (u16 each) into the next part of the buffer it selected from buffer group
     * {@code bgid} (an {@code IOU_PBUF_RING_INC} ring). It ends with -ENOBUFS once that buffer is full, or with
     * {@code UBLK_IO_RES_ABORT} when the device stops.
     */
    public static void prepBatchFetch(IoUring ring, int fd, int qid, int bufferBytes, int bgid, long userData) {
        long cmd = ring.prepUringCmd(fd, UBLK_U_IO_FETCH_IO_CMDS, 0, 0, IORING_URING_CMD_MULTISHOT, userData);
        writeBatch(ring.sqes(), cmd, qid, 0, bufferBytes / 2, 2);
        ring.sqeFlags(IOSQE_BUFFER_SELECT);
        ring.sqeBufIndex(bgid); // buf_group shares buf_index's place
    }

    private static void writeBatch(MemorySegment s, long cmd, int qid, int flags, int nrElem, int elemBytes) {
        IoUring.SHORT.set(s, cmd + BATCH_Q_ID, (short) qid);
        IoUring.SHORT.set(s, cmd + BATCH_FLAGS, (short) flags);
        IoUring.SHORT.set(s, cmd + BATCH_NR_ELEM, (short) nrElem);
        IoUring.BYTE.set(s, cmd + BATCH_ELEM_BYTES, (byte) elemBytes);
        IoUring.BYTE.set(s, cmd + BATCH_ELEM_BYTES + 1, (byte) 0);
        IoUring.LONG.set(s, cmd + BATCH_RESERVED2, 0L);
    }

    private static void writeCmd(IoUring ring, long cmd, int qid, int tag, int result, long addr) {
        MemorySegment s = ring.sqes();
        IoUring.SHORT.set(s, cmd + CMD_Q_ID, (short) qid);
        IoUring.SHORT.set(s, cmd + CMD_TAG, (short) tag);
        IoUring.INT.set(s, cmd + CMD_RESULT, result);
        IoUring.LONG.set(s, cmd + CMD_ADDR, addr);
    }

    /**
     * {@code struct ublk_auto_buf_reg} packed as the driver reads it from the SQE's {@code addr}: buffer table
     * {@code index} in bits 0-15, {@code UBLK_AUTO_BUF_REG_*} flags in bits 16-23, reserved bits zero. Pass it to
     * {@link #prepFetchAutoBufReg} and {@link #prepCommitAndFetchAutoBufReg}.
     */
    public static long autoBufReg(int index, int flags) {
        return (index & 0xffffL) | ((long) (flags & 0xff) << 16);
    }

    /**
     * File offset for {@code pread/pwrite} on {@code /dev/ublkcN} with {@code UBLK_F_USER_COPY}: addresses byte
     * {@code byteOffset} of the request buffer of ({@code qid}, {@code tag}).
     */
    public static long userCopyOffset(int qid, int tag, int byteOffset) {
        return UBLKSRV_IO_BUF_OFFSET + ((long) qid << UBLK_QID_OFF) + ((long) tag << UBLK_TAG_OFF)
                + (byteOffset & UBLK_IO_BUF_BITS_MASK);
    }
}
