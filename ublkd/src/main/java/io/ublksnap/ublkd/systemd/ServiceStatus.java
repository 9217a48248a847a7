package io.ublksnap.ublkd.systemd;

import io.ublksnap.ublkd.control.DeviceInfo;

import java.util.List;
import java.util.function.Supplier;

/**
 * The service's one-line status for systemd ({@code systemctl status ublkd}, {@code StatusText}): how many devices
 * are served. {@link #update()} is cheap to call often: it sends only when the line changed.
 */
public final class ServiceStatus {

    private final SdNotify notify;
    private final Supplier<String> line;
    private String last;

    /** {@code line} gives the status now, e.g. {@code () -> describe(devices)}; it may throw (nothing is sent then). */
    public ServiceStatus(SdNotify notify, Supplier<String> line) {
        this.notify = notify;
        this.line = line;
    }

    /** The status line of a set of devices, e.g. "serving 3 devices (1 origin, 2 snapshots); 1 not active". */
    public static String describe(List<DeviceInfo> all) {
        int origins = 0;
        int snapshots = 0;
        int inactive = 0;
        for (DeviceInfo d : all) {
            if (!d.active()) {
                inactive++;
            } else if (d.role() == DeviceInfo.Role.ORIGIN) {
                origins++;
            } else {
                snapshots++;
            }
        }
        return describe(origins, snapshots, inactive);
    }

    /** The status line of active origins and snapshots and of devices that are not active. */
    public static String describe(int origins, int snapshots, int inactive) {
        int active = origins + snapshots;
        String line = "serving " + count(active, "device") + " (" + count(origins, "origin") + ", "
                + count(snapshots, "snapshot") + ")";
        return inactive == 0 ? line : line + "; " + inactive + " not active";
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** The line now; null when the devices cannot be listed (a stop in progress, say). */
    public String current() {
        try {
            return line.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Sends the status if it changed since the last one sent (nothing at all when there is nobody to tell). */
    public synchronized void update() {
        if (!notify.enabled()) {
            return; // not under systemd: not even a look at the devices
        }
        String line = current();
        if (line != null && !line.equals(last) && notify.send("STATUS=" + line)) {
            last = line;
        }
    }

    /** Sends READY=1 with the status: the devices of the configuration are back. */
    public synchronized void ready() {
        String line = current();
        notify.ready(line == null ? "ready" : line);
        last = line;
    }
}
