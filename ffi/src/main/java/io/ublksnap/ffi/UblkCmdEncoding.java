package io.ublksnap.ffi;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * How ublk commands are numbered in {@code sqe->cmd_op}: as bare legacy opcodes, or ioctl-encoded
 * ({@code _IOR/_IOWR('u', nr, struct)}, Linux 6.4+, flag {@code UBLK_F_CMD_IOCTL_ENCODE}). Kernels may be built
 * without the legacy opcodes, and commands newer than 6.3 exist only encoded, so servers should use {@link #IOCTL}
 * whenever the device's negotiated flags contain {@code UBLK_F_CMD_IOCTL_ENCODE}.
 */
public enum UblkCmdEncoding {
    /** Bare opcodes ({@code UBLK_CMD_*}, {@code UBLK_IO_*}). */
    LEGACY,
    /** ioctl-encoded opcodes ({@code UBLK_U_CMD_*}, {@code UBLK_U_IO_*}). */
    IOCTL;

    /** {@link #IOCTL} if {@code devFlags} (negotiated at ADD_DEV) contain {@code UBLK_F_CMD_IOCTL_ENCODE}. */
    public static UblkCmdEncoding forDeviceFlags(long devFlags) {
        return (devFlags & UBLK_F_CMD_IOCTL_ENCODE) != 0 ? IOCTL : LEGACY;
    }

    /** {@code cmd_op} of FETCH_REQ. */
    public int fetchReq() {
        return this == IOCTL ? UBLK_U_IO_FETCH_REQ : UBLK_IO_FETCH_REQ;
    }

    /** {@code cmd_op} of COMMIT_AND_FETCH_REQ. */
    public int commitAndFetchReq() {
        return this == IOCTL ? UBLK_U_IO_COMMIT_AND_FETCH_REQ : UBLK_IO_COMMIT_AND_FETCH_REQ;
    }

    /** {@code cmd_op} of NEED_GET_DATA. */
    public int needGetData() {
        return this == IOCTL ? UBLK_U_IO_NEED_GET_DATA : UBLK_IO_NEED_GET_DATA;
    }
}
