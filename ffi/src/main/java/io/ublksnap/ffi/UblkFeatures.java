package io.ublksnap.ffi;

import java.util.ArrayList;
import java.util.List;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * The ublk feature flags ({@code UBLK_F_*}): requested in {@code ublksrv_ctrl_dev_info.flags} at ADD_DEV, returned
 * there as the negotiated set, and reported by GET_FEATURES as what the driver supports. Names are the C names without
 * the {@code UBLK_F_} prefix; {@code since} is the first mainline kernel with the flag (from the UAPI header history).
 */
public final class UblkFeatures {

    private UblkFeatures() {
    }

    /** One flag: its name, its bit mask and the kernel that introduced it. */
    public record Flag(String name, long mask, String since) {
    }

    /** Every flag this binding knows, lowest bit first. */
    public static final List<Flag> ALL = List.of(
            new Flag("SUPPORT_ZERO_COPY", UBLK_F_SUPPORT_ZERO_COPY, "6.0 (usable 6.15)"),
            new Flag("URING_CMD_COMP_IN_TASK", UBLK_F_URING_CMD_COMP_IN_TASK, "6.0"),
            new Flag("NEED_GET_DATA", UBLK_F_NEED_GET_DATA, "6.0"),
            new Flag("USER_RECOVERY", UBLK_F_USER_RECOVERY, "6.1"),
            new Flag("USER_RECOVERY_REISSUE", UBLK_F_USER_RECOVERY_REISSUE, "6.1"),
            new Flag("UNPRIVILEGED_DEV", UBLK_F_UNPRIVILEGED_DEV, "6.3"),
            new Flag("CMD_IOCTL_ENCODE", UBLK_F_CMD_IOCTL_ENCODE, "6.4"),
            new Flag("USER_COPY", UBLK_F_USER_COPY, "6.5"),
            new Flag("ZONED", UBLK_F_ZONED, "6.6"),
            new Flag("USER_RECOVERY_FAIL_IO", UBLK_F_USER_RECOVERY_FAIL_IO, "6.13"),
            new Flag("UPDATE_SIZE", UBLK_F_UPDATE_SIZE, "6.16"),
            new Flag("AUTO_BUF_REG", UBLK_F_AUTO_BUF_REG, "6.16"),
            new Flag("QUIESCE", UBLK_F_QUIESCE, "6.16"),
            new Flag("PER_IO_DAEMON", UBLK_F_PER_IO_DAEMON, "6.16"),
            new Flag("BUF_REG_OFF_DAEMON", UBLK_F_BUF_REG_OFF_DAEMON, "6.17"),
            new Flag("BATCH_IO", UBLK_F_BATCH_IO, "7.0"),
            new Flag("INTEGRITY", UBLK_F_INTEGRITY, "7.0"),
            new Flag("SAFE_STOP_DEV", UBLK_F_SAFE_STOP_DEV, "7.0"),
            new Flag("NO_AUTO_PART_SCAN", UBLK_F_NO_AUTO_PART_SCAN, "7.0"),
            new Flag("SHMEM_ZC", UBLK_F_SHMEM_ZC, "7.x"),
            new Flag("IO_DESC_SIZE", UBLK_F_IO_DESC_SIZE, "7.x"));

    /** Names of the flags set in {@code mask}, lowest bit first; unknown bits appear as {@code "bit<N>"}. */
    public static List<String> names(long mask) {
        List<String> names = new ArrayList<>();
        long known = 0;
        for (Flag f : ALL) {
            known |= f.mask();
            if ((mask & f.mask()) != 0) {
                names.add(f.name());
            }
        }
        long unknown = mask & ~known;
        while (unknown != 0) {
            int bit = Long.numberOfTrailingZeros(unknown);
            names.add("bit" + bit);
            unknown &= unknown - 1;
        }
        return names;
    }

    /** {@code "0x1ff [SUPPORT_ZERO_COPY, ...]"}. */
    public static String describe(long mask) {
        return "0x" + Long.toHexString(mask) + " " + names(mask);
    }

    /** True if every bit of {@code flag} is set in {@code mask}. */
    public static boolean has(long mask, long flag) {
        return (mask & flag) == flag;
    }
}
