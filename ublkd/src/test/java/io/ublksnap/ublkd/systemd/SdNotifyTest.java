package io.ublksnap.ublkd.systemd;

import io.ublksnap.ublkd.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** What ublkd tells systemd, read from sockets bound where NOTIFY_SOCKET would point. */
class SdNotifyTest {

    @TempDir
    Path dir;

    final List<String> logged = new ArrayList<>();
    final Log log = (level, message) -> logged.add(level + " " + message);

    @Test
    void readyStatusAndStoppingReachASocketAtAPath() throws Throwable {
        String address = dir.resolve("notify socket").toString();
        try (DatagramListener systemd = new DatagramListener(address); SdNotify notify = SdNotify.to(address, log)) {
            assertTrue(notify.enabled());
            notify.status("restoring the devices of /etc/ublksnap/devices.conf");
            notify.ready("serving 2 devices\n(1 origin,\r\n1 snapshot)");
            notify.stopping("stopping");
            assertEquals("STATUS=restoring the devices of /etc/ublksnap/devices.conf", systemd.poll());
            assertEquals("READY=1\nSTATUS=serving 2 devices (1 origin, 1 snapshot)", systemd.poll(),
                    "a line break in the status would start a state of its own");
            assertEquals("STOPPING=1\nSTATUS=stopping", systemd.poll());
            assertNull(systemd.poll());
        }
        assertEquals(List.of(), logged);
    }

    @Test
    void anAbstractAddressStartsWithAnAt() throws Throwable {
        String address = "@ublksnap-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (DatagramListener systemd = new DatagramListener(address); SdNotify notify = SdNotify.to(address, log)) {
            notify.ready("serving 0 devices (0 origins, 0 snapshots)");
            assertEquals("READY=1\nSTATUS=serving 0 devices (0 origins, 0 snapshots)", systemd.poll());
        }
        assertEquals(List.of(), logged);
    }

    @Test
    void withoutTheVariableNothingIsSentAndNothingFails() {
        for (String none : new String[]{null, ""}) {
            try (SdNotify notify = SdNotify.to(none, log)) {
                assertFalse(notify.enabled());
                notify.ready("x");
                assertFalse(notify.send("STATUS=x"));
                new ServiceStatus(notify, () -> {
                    throw new AssertionError("the devices are listed for nobody");
                }).update();
            }
        }
        try (SdNotify notify = SdNotify.to("vsock:2:1234", log)) {
            assertFalse(notify.enabled());
        }
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).startsWith("WARNING NOTIFY_SOCKET=vsock:2:1234 is neither"), logged.get(0));
    }

    @Test
    void aSocketNobodyListensOnIsOneWarningNotAFailure() {
        String address = dir.resolve("gone").toString();
        try (SdNotify notify = SdNotify.to(address, log)) {
            assertFalse(notify.send("READY=1"));
            assertFalse(notify.send("STATUS=again"));
        }
        try (SdNotify notify = SdNotify.to("/" + "x".repeat(200), log)) {
            assertFalse(notify.send("READY=1"));
        }
        assertEquals(2, logged.size(), logged.toString());
        assertTrue(logged.get(0).startsWith("WARNING cannot notify systemd at " + address + ": sendto"), logged.get(0));
        assertTrue(logged.get(1).contains("longer than 108 bytes"), logged.get(1));
    }

    @Test
    void theStatusLineIsSentWhenItChangesAndOnlyThen() throws Throwable {
        String address = dir.resolve("notify").toString();
        int[] counts = new int[3];
        try (DatagramListener systemd = new DatagramListener(address); SdNotify notify = SdNotify.to(address, log)) {
            ServiceStatus status = new ServiceStatus(notify,
                    () -> ServiceStatus.describe(counts[0], counts[1], counts[2]));
            status.ready();
            assertEquals("READY=1\nSTATUS=serving 0 devices (0 origins, 0 snapshots)", systemd.poll());
            status.update();
            assertNull(systemd.poll(), "nothing changed");
            counts[0] = 1;
            counts[1] = 1;
            status.update();
            status.update();
            assertEquals("STATUS=serving 2 devices (1 origin, 1 snapshot)", systemd.poll());
            assertNull(systemd.poll());
            counts[1] = 2;
            counts[2] = 1;
            status.update();
            assertEquals("STATUS=serving 3 devices (1 origin, 2 snapshots); 1 not active", systemd.poll());
        }
    }

    @Test
    void aStatusThatCannotBeReadIsNotSent() throws Throwable {
        String address = dir.resolve("notify").toString();
        try (DatagramListener systemd = new DatagramListener(address); SdNotify notify = SdNotify.to(address, log)) {
            ServiceStatus status = new ServiceStatus(notify, () -> {
                throw new IllegalStateException("stopping");
            });
            status.update();
            assertNull(systemd.poll());
            status.ready();
            assertEquals("READY=1\nSTATUS=ready", systemd.poll());
        }
    }
}
