package io.ublksnap.ublkd.device;

import org.junit.jupiter.api.Test;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which of the features a kernel offers ublksnap asks for at ADD_DEV: only offered ones, and the ones chosen. */
class WantedFlagsTest {

    private static final long KERNEL_7 = UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE
            | UBLK_F_USER_RECOVERY_FAIL_IO | UBLK_F_AUTO_BUF_REG | UBLK_F_BATCH_IO | UBLK_F_PER_IO_DAEMON | UBLK_F_QUIESCE;
    private static final long KERNEL_6_12 = UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE
            | UBLK_F_USER_COPY | UBLK_F_ZONED;

    @Test
    void batchesAndZeroCopyWhereOfferedAndWanted() {
        long base = UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE;
        assertEquals(base | UBLK_F_AUTO_BUF_REG | UBLK_F_BATCH_IO,
                UblkDevice.wantedFlags(KERNEL_7, true, true, UblkDevice.Recovery.REISSUE));
        assertEquals(base | UBLK_F_AUTO_BUF_REG, UblkDevice.wantedFlags(KERNEL_7, true, false, UblkDevice.Recovery.REISSUE));
        assertEquals(base | UBLK_F_BATCH_IO, UblkDevice.wantedFlags(KERNEL_7, false, true, UblkDevice.Recovery.REISSUE));
    }

    @Test
    void nothingTheKernelDoesNotOffer() {
        assertEquals(UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE,
                UblkDevice.wantedFlags(KERNEL_6_12, true, true, UblkDevice.Recovery.REISSUE));
        assertEquals(UBLK_F_CMD_IOCTL_ENCODE, UblkDevice.wantedFlags(KERNEL_6_12, true, true, UblkDevice.Recovery.FAIL_IO),
                "6.12 has no FAIL_IO: no recovery rather than the other kind");
        assertEquals(0, UblkDevice.wantedFlags(-1, true, true, UblkDevice.Recovery.REISSUE), "no GET_FEATURES: legacy");
    }
}
