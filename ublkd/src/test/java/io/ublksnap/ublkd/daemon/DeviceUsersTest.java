package io.ublksnap.ublkd.daemon;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DeviceUsersTest {
    @Test
    void findsTheMountPointsOfADeviceNumberWithTheirEscapes() {
        String mountinfo = """
                22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
                40 22 259:0 / /mnt/my\\040snap rw,relatime shared:2 - ext4 /dev/ublkb0 rw
                41 22 259:0 /sub /srv/bind rw,relatime shared:2 - ext4 /dev/ublkb0 rw
                42 22 259:10 / /mnt/other rw,relatime shared:3 - ext4 /dev/ublkb10 rw
                """;
        assertEquals(List.of("/mnt/my snap", "/srv/bind"), DeviceUsers.mountPoints(mountinfo, "259:0"));
        assertEquals(List.of(), DeviceUsers.mountPoints(mountinfo, "259:1"));
        assertEquals("a\\b", DeviceUsers.unescape("a\\134b"));
        assertEquals("tail\\04", DeviceUsers.unescape("tail\\04"));
    }

    @Test
    void aDeviceThatDoesNotExistHasNoUsers() {
        assertNull(DeviceUsers.of("/dev/ublkb-no-such-device"));
    }
}
