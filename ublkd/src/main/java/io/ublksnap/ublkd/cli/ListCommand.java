package io.ublksnap.ublkd.cli;

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
        description = "List devices: name, /dev/ublkbN, role, origin and COW usage.",
        footer = {"", "A device that is not active shows '-' and, under USAGE, why.",
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
        String fmt = "%-16s %-14s %-9s %-16s %s%n";
        out().printf(fmt, "NAME", "DEVICE", "ROLE", "ORIGIN", "USAGE");
        for (DeviceInfo d : all) {
            out().printf(fmt, d.name(), d.device() == null ? "-" : d.device(), d.role().text(),
                    d instanceof SnapshotInfo s ? s.origin() : "-", usage(d));
        }
        return 0;
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
