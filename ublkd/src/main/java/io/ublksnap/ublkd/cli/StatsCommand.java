package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.DeviceStats;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.Wire;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Locale;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show the daemon's request counters: per device and kind of request, how many, their mean time in "
                + "ublkd and the kernel entries (io_uring_enter calls) their queue made for them.",
        footer = {"", "Kinds: origin-read, passthrough-write (an origin with no snapshot), copying-write (the origin write",
                "waited for a chunk copy and its commit), origin-write (copied already), snapshot-read-origin,",
                "snapshot-read-cow, snapshot-write, flush, discard, during-merge, other (refused before mapping).",
                "Counted from when the device's table was loaded; MEAN_US is the time from the request's arrival in the",
                "engine to its answer. ENTERS/REQ is exact at queue depth 1; requests in flight together each count the",
                "calls they share, so at higher depths it is an upper bound.",
                "JSON: a list of {name, role, device, requests [{kind, requests, service_ns, kernel_entries, failed}]}.",
                "", "Examples:", "  ublkd stats", "  ublkd stats base --json"})
public final class StatsCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", description = "One device (default: all).")
    String name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        List<DeviceStats> all = call(new Request.Stats(name));
        if (json) {
            out().println(Wire.write(Wire.json(all)));
            return 0;
        }
        String fmt = "%-16s %-21s %10s %10s %10s %7s%n";
        out().printf(fmt, "NAME", "KIND", "REQUESTS", "MEAN_US", "ENTERS/REQ", "FAILED");
        for (DeviceStats d : all) {
            if (d.device() == null) {
                out().printf(fmt, d.name(), "(not active)", "-", "-", "-", "-");
                continue;
            }
            for (DeviceStats.RequestCount c : d.requests()) {
                out().printf(fmt, d.name(), c.kind(), c.requests(), String.format(Locale.ROOT, "%.1f", c.meanMicros()),
                        String.format(Locale.ROOT, "%.2f", c.entriesPerRequest()), c.failed());
            }
        }
        return 0;
    }
}
