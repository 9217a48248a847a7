package io.ublksnap.ffi.c;

/**
 * Constants of the ublk UAPI,
 * <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a>,
 * as of the newest header ublksnap was checked against (Linux 7.x); {@code io.ublksnap.ffi.UblkFeatures} lists which
 * kernel introduced which feature bit.
 *
 * <p>Commands exist twice: the legacy opcode ({@code UBLK_CMD_*}, {@code UBLK_IO_*}: a bare number in
 * {@code sqe->cmd_op}) and the ioctl-encoded one ({@code UBLK_U_CMD_*}, {@code UBLK_U_IO_*}, Linux 6.4+), computed here
 * with {@link #_IOR}/{@link #_IOWR} exactly as the C macros do. New kernels may be built without the legacy opcodes;
 * commands added after 6.3 exist only encoded.
 */
public final class ublk_cmd_h {

    private ublk_cmd_h() {
    }

    // ---- ioctl number encoding, <asm-generic/ioctl.h> ----
    public static final int _IOC_NRBITS = 8;
    public static final int _IOC_TYPEBITS = 8;
    public static final int _IOC_SIZEBITS = 14;
    public static final int _IOC_NRSHIFT = 0;
    public static final int _IOC_TYPESHIFT = _IOC_NRSHIFT + _IOC_NRBITS;
    public static final int _IOC_SIZESHIFT = _IOC_TYPESHIFT + _IOC_TYPEBITS;
    public static final int _IOC_DIRSHIFT = _IOC_SIZESHIFT + _IOC_SIZEBITS;
    public static final int _IOC_NONE = 0;
    public static final int _IOC_WRITE = 1;
    public static final int _IOC_READ = 2;

    /** {@code _IOC(dir, type, nr, size)}. */
    public static int _IOC(int dir, int type, int nr, long size) {
        return (dir << _IOC_DIRSHIFT) | (type << _IOC_TYPESHIFT) | (nr << _IOC_NRSHIFT) | ((int) size << _IOC_SIZESHIFT);
    }

    /** {@code _IOR(type, nr, size)}: the kernel writes, userspace reads. */
    public static int _IOR(int type, int nr, long size) {
        return _IOC(_IOC_READ, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}. */
    public static int _IOWR(int type, int nr, long size) {
        return _IOC(_IOC_READ | _IOC_WRITE, type, nr, size);
    }

    /** {@code _IOC_NR(op)}: the command number; equals the legacy opcode for ublk commands. */
    public static int _IOC_NR(int op) {
        return (op >>> _IOC_NRSHIFT) & ((1 << _IOC_NRBITS) - 1);
    }

    /** {@code _IOC_TYPE(op)}: {@code 'u'} for encoded ublk commands, 0 for legacy ones. */
    public static int _IOC_TYPE(int op) {
        return (op >>> _IOC_TYPESHIFT) & ((1 << _IOC_TYPEBITS) - 1);
    }

    private static final int U = 'u';
    private static final long CTRL = ublksrv_ctrl_cmd.sizeof();
    private static final long IO = ublksrv_io_cmd.sizeof();
    private static final long BATCH = ublk_batch_io.sizeof();

    // ---- control commands, legacy opcodes ----
    public static final int UBLK_CMD_GET_QUEUE_AFFINITY = 0x01;
    public static final int UBLK_CMD_GET_DEV_INFO = 0x02;
    public static final int UBLK_CMD_ADD_DEV = 0x04;
    public static final int UBLK_CMD_DEL_DEV = 0x05;
    public static final int UBLK_CMD_START_DEV = 0x06;
    public static final int UBLK_CMD_STOP_DEV = 0x07;
    public static final int UBLK_CMD_SET_PARAMS = 0x08;
    public static final int UBLK_CMD_GET_PARAMS = 0x09;
    public static final int UBLK_CMD_START_USER_RECOVERY = 0x10;
    public static final int UBLK_CMD_END_USER_RECOVERY = 0x11;
    public static final int UBLK_CMD_GET_DEV_INFO2 = 0x12;

    // ---- control commands, ioctl encoded ----
    public static final int UBLK_U_CMD_GET_QUEUE_AFFINITY = _IOR(U, UBLK_CMD_GET_QUEUE_AFFINITY, CTRL);
    public static final int UBLK_U_CMD_GET_DEV_INFO = _IOR(U, UBLK_CMD_GET_DEV_INFO, CTRL);
    public static final int UBLK_U_CMD_ADD_DEV = _IOWR(U, UBLK_CMD_ADD_DEV, CTRL);
    public static final int UBLK_U_CMD_DEL_DEV = _IOWR(U, UBLK_CMD_DEL_DEV, CTRL);
    public static final int UBLK_U_CMD_START_DEV = _IOWR(U, UBLK_CMD_START_DEV, CTRL);
    public static final int UBLK_U_CMD_STOP_DEV = _IOWR(U, UBLK_CMD_STOP_DEV, CTRL);
    public static final int UBLK_U_CMD_SET_PARAMS = _IOWR(U, UBLK_CMD_SET_PARAMS, CTRL);
    public static final int UBLK_U_CMD_GET_PARAMS = _IOR(U, UBLK_CMD_GET_PARAMS, CTRL);
    public static final int UBLK_U_CMD_START_USER_RECOVERY = _IOWR(U, UBLK_CMD_START_USER_RECOVERY, CTRL);
    public static final int UBLK_U_CMD_END_USER_RECOVERY = _IOWR(U, UBLK_CMD_END_USER_RECOVERY, CTRL);
    public static final int UBLK_U_CMD_GET_DEV_INFO2 = _IOR(U, UBLK_CMD_GET_DEV_INFO2, CTRL);
    public static final int UBLK_U_CMD_GET_FEATURES = _IOR(U, 0x13, CTRL);
    public static final int UBLK_U_CMD_DEL_DEV_ASYNC = _IOR(U, 0x14, CTRL);
    public static final int UBLK_U_CMD_UPDATE_SIZE = _IOWR(U, 0x15, CTRL);
    public static final int UBLK_U_CMD_QUIESCE_DEV = _IOWR(U, 0x16, CTRL);
    public static final int UBLK_U_CMD_TRY_STOP_DEV = _IOWR(U, 0x17, CTRL);

    /** Length of the GET_FEATURES result (a u64 mask). */
    public static final int UBLK_FEATURES_LEN = 8;

    // ---- I/O commands (on /dev/ublkcN) ----
    public static final int UBLK_IO_FETCH_REQ = 0x20;
    public static final int UBLK_IO_COMMIT_AND_FETCH_REQ = 0x21;
    public static final int UBLK_IO_NEED_GET_DATA = 0x22;
    public static final int UBLK_U_IO_FETCH_REQ = _IOWR(U, UBLK_IO_FETCH_REQ, IO);
    public static final int UBLK_U_IO_COMMIT_AND_FETCH_REQ = _IOWR(U, UBLK_IO_COMMIT_AND_FETCH_REQ, IO);
    public static final int UBLK_U_IO_NEED_GET_DATA = _IOWR(U, UBLK_IO_NEED_GET_DATA, IO);
    public static final int UBLK_U_IO_REGISTER_IO_BUF = _IOWR(U, 0x23, IO);
    public static final int UBLK_U_IO_UNREGISTER_IO_BUF = _IOWR(U, 0x24, IO);
    /** {@code UBLK_F_BATCH_IO} (Linux 7.0+): hands the queue its tags (and their buffers) before START_DEV. */
    public static final int UBLK_U_IO_PREP_IO_CMDS = _IOWR(U, 0x25, BATCH);
    /** {@code UBLK_F_BATCH_IO}: answers a batch of requests and re-arms their tags. */
    public static final int UBLK_U_IO_COMMIT_IO_CMDS = _IOWR(U, 0x26, BATCH);
    /** {@code UBLK_F_BATCH_IO}: multishot; each CQE delivers tags (u16 each) into a provided buffer. */
    public static final int UBLK_U_IO_FETCH_IO_CMDS = _IOWR(U, 0x27, BATCH);

    // ---- struct ublk_batch_io flags ----
    public static final int UBLK_BATCH_F_HAS_ZONE_LBA = 1 << 0;
    public static final int UBLK_BATCH_F_HAS_BUF_ADDR = 1 << 1;
    public static final int UBLK_BATCH_F_AUTO_BUF_REG_FALLBACK = 1 << 2;

    // ---- I/O command results ----
    public static final int UBLK_IO_RES_OK = 0;
    public static final int UBLK_IO_RES_NEED_GET_DATA = 1;
    /** {@code -ENODEV}: the tag is retired (device stopping); do not fetch it again. */
    public static final int UBLK_IO_RES_ABORT = -19;

    // ---- descriptor mmap and user-copy offsets ----
    public static final long UBLKSRV_CMD_BUF_OFFSET = 0L;
    public static final long UBLKSRV_IO_BUF_OFFSET = 0x80000000L;
    public static final int UBLK_MAX_QUEUE_DEPTH = 4096;
    public static final int UBLK_IO_BUF_OFF = 0;
    public static final int UBLK_IO_BUF_BITS = 25;
    public static final long UBLK_IO_BUF_BITS_MASK = (1L << UBLK_IO_BUF_BITS) - 1;
    public static final int UBLK_TAG_OFF = UBLK_IO_BUF_BITS;
    public static final int UBLK_TAG_BITS = 16;
    public static final long UBLK_TAG_BITS_MASK = (1L << UBLK_TAG_BITS) - 1;
    public static final int UBLK_QID_OFF = UBLK_TAG_OFF + UBLK_TAG_BITS;
    public static final int UBLK_QID_BITS = 12;
    public static final long UBLK_QID_BITS_MASK = (1L << UBLK_QID_BITS) - 1;
    public static final int UBLK_MAX_NR_QUEUES = 1 << UBLK_QID_BITS;
    public static final int UBLKSRV_IO_BUF_TOTAL_BITS = UBLK_QID_OFF + UBLK_QID_BITS;
    public static final long UBLKSRV_IO_BUF_TOTAL_SIZE = 1L << UBLKSRV_IO_BUF_TOTAL_BITS;

    // ---- feature flags (ublksrv_ctrl_dev_info.flags) ----
    public static final long UBLK_F_SUPPORT_ZERO_COPY = 1L << 0;
    public static final long UBLK_F_URING_CMD_COMP_IN_TASK = 1L << 1;
    public static final long UBLK_F_NEED_GET_DATA = 1L << 2;
    public static final long UBLK_F_USER_RECOVERY = 1L << 3;
    public static final long UBLK_F_USER_RECOVERY_REISSUE = 1L << 4;
    public static final long UBLK_F_UNPRIVILEGED_DEV = 1L << 5;
    public static final long UBLK_F_CMD_IOCTL_ENCODE = 1L << 6;
    public static final long UBLK_F_USER_COPY = 1L << 7;
    public static final long UBLK_F_ZONED = 1L << 8;
    public static final long UBLK_F_USER_RECOVERY_FAIL_IO = 1L << 9;
    public static final long UBLK_F_UPDATE_SIZE = 1L << 10;
    public static final long UBLK_F_AUTO_BUF_REG = 1L << 11;
    public static final long UBLK_F_QUIESCE = 1L << 12;
    public static final long UBLK_F_PER_IO_DAEMON = 1L << 13;
    public static final long UBLK_F_BUF_REG_OFF_DAEMON = 1L << 14;
    public static final long UBLK_F_BATCH_IO = 1L << 15;
    public static final long UBLK_F_INTEGRITY = 1L << 16;
    public static final long UBLK_F_SAFE_STOP_DEV = 1L << 17;
    public static final long UBLK_F_NO_AUTO_PART_SCAN = 1L << 18;
    public static final long UBLK_F_SHMEM_ZC = 1L << 19;
    public static final long UBLK_F_IO_DESC_SIZE = 1L << 20;

    // ---- device states ----
    public static final int UBLK_S_DEV_DEAD = 0;
    public static final int UBLK_S_DEV_LIVE = 1;
    public static final int UBLK_S_DEV_QUIESCED = 2;
    public static final int UBLK_S_DEV_FAIL_IO = 3;

    // ---- I/O ops (ublksrv_io_desc.op_flags bits 0-7) ----
    public static final int UBLK_IO_OP_READ = 0;
    public static final int UBLK_IO_OP_WRITE = 1;
    public static final int UBLK_IO_OP_FLUSH = 2;
    public static final int UBLK_IO_OP_DISCARD = 3;
    public static final int UBLK_IO_OP_WRITE_SAME = 4;
    public static final int UBLK_IO_OP_WRITE_ZEROES = 5;
    public static final int UBLK_IO_OP_ZONE_OPEN = 10;
    public static final int UBLK_IO_OP_ZONE_CLOSE = 11;
    public static final int UBLK_IO_OP_ZONE_FINISH = 12;
    public static final int UBLK_IO_OP_ZONE_APPEND = 13;
    public static final int UBLK_IO_OP_ZONE_RESET_ALL = 14;
    public static final int UBLK_IO_OP_ZONE_RESET = 15;
    public static final int UBLK_IO_OP_REPORT_ZONES = 18;

    // ---- I/O op flags (ublksrv_io_desc.op_flags bits 8-31, unshifted) ----
    public static final int UBLK_IO_F_FAILFAST_DEV = 1 << 8;
    public static final int UBLK_IO_F_FAILFAST_TRANSPORT = 1 << 9;
    public static final int UBLK_IO_F_FAILFAST_DRIVER = 1 << 10;
    public static final int UBLK_IO_F_META = 1 << 11;
    public static final int UBLK_IO_F_FUA = 1 << 13;
    public static final int UBLK_IO_F_NOUNMAP = 1 << 15;
    public static final int UBLK_IO_F_SWAP = 1 << 16;
    public static final int UBLK_IO_F_NEED_REG_BUF = 1 << 17;
    public static final int UBLK_IO_F_INTEGRITY = 1 << 18;
    public static final int UBLK_IO_F_SHMEM_ZC = 1 << 19;

    // ---- auto buffer registration (UBLK_F_AUTO_BUF_REG) ----
    public static final int UBLK_AUTO_BUF_REG_FALLBACK = 1 << 0;
    public static final int UBLK_AUTO_BUF_REG_F_MASK = UBLK_AUTO_BUF_REG_FALLBACK;

    // ---- ublk_param_basic.attrs ----
    public static final int UBLK_ATTR_READ_ONLY = 1 << 0;
    public static final int UBLK_ATTR_ROTATIONAL = 1 << 1;
    public static final int UBLK_ATTR_VOLATILE_CACHE = 1 << 2;
    public static final int UBLK_ATTR_FUA = 1 << 3;

    // ---- ublk_params.types ----
    public static final int UBLK_PARAM_TYPE_BASIC = 1 << 0;
    public static final int UBLK_PARAM_TYPE_DISCARD = 1 << 1;
    public static final int UBLK_PARAM_TYPE_DEVT = 1 << 2;
    public static final int UBLK_PARAM_TYPE_ZONED = 1 << 3;
    public static final int UBLK_PARAM_TYPE_DMA_ALIGN = 1 << 4;
    public static final int UBLK_PARAM_TYPE_SEGMENT = 1 << 5;
    public static final int UBLK_PARAM_TYPE_INTEGRITY = 1 << 6;

    public static final int UBLK_MIN_SEGMENT_SIZE = 4096;
}
