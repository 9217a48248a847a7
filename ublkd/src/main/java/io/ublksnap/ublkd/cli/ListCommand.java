package io.ublksnap.ublkd.cli;

import io.ublksnap.ffi.DevInfo;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DeviceInfo.OriginInfo;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;
import io.ublksnap.ublkd.control.DmText;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.SnapshotState;
import io.ublksnap.ublkd.control.Wire;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List devices: name, /dev/ublkbN, its ublk state and server pid (as the kernel says), role, origin and COW usage.",
        footer = {"", "A device that is not active shows '-' and, under USAGE, why. STATE is the kernel's: LIVE (served),",
                "QUIESCED (its server is gone and it waits for one), FAIL_IO, DEAD; '-' when the kernel cannot be asked",
                "(no permission on /dev/ublk-control).",
                "The JSON is status's (see 'ublkd status --help').", "", "Examples:", "  ublkd list", "  ublkd list --json"})
public final class ListCommand extends ClientCommand {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        List<DeviceInfo> all = call(new Request.StatusAll());
        if (json) {
            out().println(Wire.write(Wire.json(all)));
            return 0;
        }
        String fmt = "%-16s %-14s %-9s %-8s %-9s %-16s %s%n";
        out().printf(fmt, "NAME", "DEVICE", "STATE", "PID", "ROLE", "ORIGIN", "USAGE");
        try (Kernel kernel = Kernel.open()) {
            for (DeviceInfo d : all) {
                DevInfo k = kernel.info(d.device());
                out().printf(fmt, d.name(), d.device() == null ? "-" : d.device(), k == null ? "-" : k.stateName(),
                        k == null || k.ublksrvPid() <= 0 ? "-" : String.valueOf(k.ublksrvPid()), d.role().text(),
                        d instanceof SnapshotInfo s ? s.origin() : "-", usage(d));
            }
        }
        return 0;
    }

    /** The kernel's view of a ublk disk (GET_DEV_INFO), as {@code ublk list} shows it; null when it cannot be asked. */
    private record Kernel(UblkControl control) implements AutoCloseable {
        static Kernel open() {
            try {
                return new Kernel(UblkControl.open());
            } catch (NativeException | RuntimeException e) {
                return new Kernel(null);
            }
        }

        DevInfo info(String device) {
            if (control == null || device == null || !device.startsWith("/dev/ublkb")) {
                return null;
            }
            try {
                return control.getDevInfo(Integer.parseInt(device.substring("/dev/ublkb".length())));
            } catch (NativeException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public void close() {
            if (control != null) {
                try {
                    control.close();
                } catch (NativeException ignored) {
                    // nothing was changed through it
                }
            }
        }
    }

    private static String usage(DeviceInfo d) {
        if (!d.active()) {
            return "not active: " + d.reason();
        }
        return switch (d) {
            case SnapshotInfo s -> s.state() == SnapshotState.ACTIVE && s.usage() != null
                    ? String.format("%.1f%% (%s)", s.usage().usedPercent(), DmText.info(s)) : s.state().text();
            case OriginInfo o -> o.merge() == null ? "-"
                    : "merging " + o.merge().snapshot() + " " + o.merge().mergedChunks() + "/" + o.merge().totalChunks();
        };
    }
}
