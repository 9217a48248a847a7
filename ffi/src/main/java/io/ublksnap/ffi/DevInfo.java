package io.ublksnap.ffi;

import io.ublksnap.ffi.c.ublksrv_ctrl_dev_info;
import io.ublksnap.ffi.c.ublk_cmd_h;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct ublksrv_ctrl_dev_info} as a value: what ADD_DEV asks for and what the kernel reports back (device id,
 * negotiated flags, state, server pid, owner). Unsigned 16-bit C fields are widened to {@code int}.
 *
 * @param nrHwQueues    number of hardware queues (the kernel caps it at the number of CPUs)
 * @param queueDepth    tags per queue, at most {@code UBLK_MAX_QUEUE_DEPTH}
 * @param state         {@code UBLK_S_DEV_*}
 * @param maxIoBufBytes largest I/O in bytes (rounded down to pages by the kernel)
 * @param devId         device number N of /dev/ublkcN and /dev/ublkbN; {@link #ANY_DEV_ID} asks the kernel to pick
 * @param ublksrvPid    pid given at START_DEV, -1 when none
 * @param flags         {@code UBLK_F_*}: requested at ADD_DEV, negotiated in the reply
 * @param ublksrvFlags  opaque to the kernel, kept across server restarts
 * @param ownerUid      owner stored by the kernel (Linux 6.3+, 0 before)
 * @param ownerGid      owner group stored by the kernel
 */
public record DevInfo(int nrHwQueues, int queueDepth, int state, int maxIoBufBytes, int devId, int ublksrvPid,
                      long flags, long ublksrvFlags, int ownerUid, int ownerGid) {

    /** Device id meaning "allocate any free id" ({@code (u32) -1}). */
    public static final int ANY_DEV_ID = -1;
    /** The largest device id the driver gives (its minor numbers: UBLK_MINORS, 1 << 20). */
    public static final int MAX_DEV_ID = (1 << 20) - 1;

    /** What ADD_DEV needs: the rest is filled in by the kernel. */
    public static DevInfo forAdd(int devId, int nrHwQueues, int queueDepth, int maxIoBufBytes, long flags) {
        return new DevInfo(nrHwQueues, queueDepth, 0, maxIoBufBytes, devId, -1, flags, 0, 0, 0);
    }

    /** Writes this value into a {@code ublksrv_ctrl_dev_info} (all 64 bytes, reserved fields zero). */
    public void encode(MemorySegment info) {
        info.asSlice(0, ublksrv_ctrl_dev_info.sizeof()).fill((byte) 0);
        ublksrv_ctrl_dev_info.nr_hw_queues(info, (short) nrHwQueues);
        ublksrv_ctrl_dev_info.queue_depth(info, (short) queueDepth);
        ublksrv_ctrl_dev_info.state(info, (short) state);
        ublksrv_ctrl_dev_info.max_io_buf_bytes(info, maxIoBufBytes);
        ublksrv_ctrl_dev_info.dev_id(info, devId);
        ublksrv_ctrl_dev_info.ublksrv_pid(info, ublksrvPid);
        ublksrv_ctrl_dev_info.flags(info, flags);
        ublksrv_ctrl_dev_info.ublksrv_flags(info, ublksrvFlags);
        ublksrv_ctrl_dev_info.owner_uid(info, ownerUid);
        ublksrv_ctrl_dev_info.owner_gid(info, ownerGid);
    }

    /** Reads a {@code ublksrv_ctrl_dev_info}. */
    public static DevInfo decode(MemorySegment info) {
        return new DevInfo(
                Short.toUnsignedInt(ublksrv_ctrl_dev_info.nr_hw_queues(info)),
                Short.toUnsignedInt(ublksrv_ctrl_dev_info.queue_depth(info)),
                Short.toUnsignedInt(ublksrv_ctrl_dev_info.state(info)),
                ublksrv_ctrl_dev_info.max_io_buf_bytes(info),
                ublksrv_ctrl_dev_info.dev_id(info),
                ublksrv_ctrl_dev_info.ublksrv_pid(info),
                ublksrv_ctrl_dev_info.flags(info),
                ublksrv_ctrl_dev_info.ublksrv_flags(info),
                ublksrv_ctrl_dev_info.owner_uid(info),
                ublksrv_ctrl_dev_info.owner_gid(info));
    }

    /** True if all bits of {@code flag} are among the (negotiated) flags. */
    /** The state as {@code ublk list} names it: LIVE, QUIESCED, FAIL_IO, DEAD. */
    public String stateName() {
        return switch (state) {
            case ublk_cmd_h.UBLK_S_DEV_DEAD -> "DEAD";
            case ublk_cmd_h.UBLK_S_DEV_LIVE -> "LIVE";
            case ublk_cmd_h.UBLK_S_DEV_QUIESCED -> "QUIESCED";
            case ublk_cmd_h.UBLK_S_DEV_FAIL_IO -> "FAIL_IO";
            default -> "state " + state;
        };
    }

    public boolean hasFlag(long flag) {
        return UblkFeatures.has(flags, flag);
    }

    /** The command encoding the data plane of this device should use. */
    public UblkCmdEncoding encoding() {
        return UblkCmdEncoding.forDeviceFlags(flags);
    }

    /** {@code /dev/ublkcN}. */
    public String charDevicePath() {
        return "/dev/ublkc" + devId;
    }

    /** {@code /dev/ublkbN}. */
    public String blockDevicePath() {
        return "/dev/ublkb" + devId;
    }
}
