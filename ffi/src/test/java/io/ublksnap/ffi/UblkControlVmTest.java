package io.ublksnap.ffi;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The ublk control path against a real ublk driver (run inside the VM: {@code tools/ublk-vm run -- it/junit-vm}).
 * Prints the driver's feature mask and the flags negotiated for a device.
 */
@Tag("vm")
@Timeout(120)
class UblkControlVmTest {

    private static final int MAX_IO = 512 * 1024;

    @Test
    void addQueryConfigureAndDeleteADevice() throws Exception {
        try (UblkControl ctl = UblkControl.open()) {
            OptionalLong features = ctl.getFeatures();
            System.out.println("kernel " + System.getProperty("os.version") + ": GET_FEATURES "
                    + (features.isPresent() ? UblkFeatures.describe(features.getAsLong()) : "not supported")
                    + ", command encoding " + ctl.encoding());
            features.ifPresent(f -> assertTrue(UblkFeatures.has(f, UBLK_F_CMD_IOCTL_ENCODE)));

            DevInfo added = ctl.addDev(DevInfo.forAdd(DevInfo.ANY_DEV_ID, 1, 16, MAX_IO, 0));
            int id = added.devId();
            try {
                System.out.println("ADD_DEV -> dev " + id + ", negotiated flags " + UblkFeatures.describe(added.flags()));
                assertTrue(id >= 0);
                assertEquals(1, added.nrHwQueues());
                assertEquals(16, added.queueDepth());
                assertEquals(MAX_IO, added.maxIoBufBytes());
                assertEquals(UBLK_S_DEV_DEAD, added.state());
                assertTrue(added.hasFlag(UBLK_F_CMD_IOCTL_ENCODE) || features.isEmpty());

                DevInfo info = ctl.getDevInfo(id);
                assertEquals(added, info, "GET_DEV_INFO returns what ADD_DEV reported");
                waitFor(Path.of(info.charDevicePath()));
                DevInfo info2 = ctl.getDevInfo2(id);
                assertEquals(info, info2, "GET_DEV_INFO2 agrees with GET_DEV_INFO");

                long sectors = (64L << 20) >> 9;
                UblkParams params = UblkParams.of(
                        UblkParams.Basic.of(sectors, 9, 12, MAX_IO >> 9).withAttrs(UBLK_ATTR_VOLATILE_CACHE),
                        new UblkParams.Discard(0, 4096, 2048, 2048, 1));
                ctl.setParams(id, params);
                UblkParams back = ctl.getParams(id);
                System.out.println("GET_PARAMS -> " + back);
                assertEquals(params.basic(), back.basic());
                assertEquals(params.discard(), back.discard());
                assertNotNull(back.devt(), "the kernel fills the read-only devt part");
                Stat cdev = statOf(info.charDevicePath());
                assertTrue(cdev.isCharDevice());
                assertEquals(cdev.rdevMajor(), back.devt().charMajor());
                assertEquals(cdev.rdevMinor(), back.devt().charMinor());
                assertEquals(0, back.devt().diskMajor(), "no disk before START_DEV");

                // a basic part that the kernel must refuse: logical block larger than physical
                NativeException bad = assertThrows(NativeException.class, () -> ctl.setParams(id,
                        UblkParams.of(UblkParams.Basic.of(sectors, 12, 9, 8), null)));
                assertEquals(Errno.EINVAL, bad.errno());
                assertTrue(bad.getMessage().contains("SET_PARAMS (dev " + id + "): EINVAL"), bad.getMessage());
            } finally {
                ctl.delDev(id);
            }
            NativeException gone = assertThrows(NativeException.class, () -> ctl.getDevInfo(id));
            assertEquals(Errno.ENODEV, gone.errno());
            System.out.println("after DEL_DEV: " + gone.getMessage());
        }
    }

    @Test
    void addDevWithAChosenIdAndRequestedFlags() throws Exception {
        try (UblkControl ctl = UblkControl.open()) {
            int wanted = 77;
            long requested = UBLK_F_USER_RECOVERY | UBLK_F_USER_COPY | (1L << 62);
            DevInfo added = ctl.addDev(DevInfo.forAdd(wanted, 2, 64, 1 << 20, requested));
            try {
                assertEquals(wanted, added.devId());
                System.out.println("requested " + UblkFeatures.describe(requested) + ", negotiated "
                        + UblkFeatures.describe(added.flags()));
                assertTrue(added.hasFlag(UBLK_F_USER_RECOVERY));
                assertTrue(added.hasFlag(UBLK_F_USER_COPY));
                assertFalse(added.hasFlag(1L << 62), "unknown flags are cleared by the kernel");
                NativeException dup = assertThrows(NativeException.class,
                        () -> ctl.addDev(DevInfo.forAdd(wanted, 1, 16, MAX_IO, 0)));
                assertEquals(Errno.EEXIST, dup.errno());
            } finally {
                ctl.delDev(wanted);
            }
        }
    }

    @Test
    void unknownDeviceGivesEnodev() throws Exception {
        try (UblkControl ctl = UblkControl.open()) {
            NativeException e = assertThrows(NativeException.class, () -> ctl.getDevInfo(4000));
            assertEquals(Errno.ENODEV, e.errno());
            assertTrue(e.getMessage().matches("UBLK(_U)?_CMD_GET_DEV_INFO \\(dev 4000\\): ENODEV .*"), e.getMessage());
        }
    }

    static Stat statOf(String path) throws NativeException {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            return Libc.fstat(fd);
        } finally {
            Libc.close(fd);
        }
    }

    /** devtmpfs creates the node asynchronously after the device is registered. */
    static void waitFor(Path node) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(node); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(node), node + " did not appear");
    }
}
