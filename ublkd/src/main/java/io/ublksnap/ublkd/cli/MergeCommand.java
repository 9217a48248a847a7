package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge a persistent snapshot back into its origin, online (dm's snapshot-merge).",
        footer = {"", "From the start the origin shows the snapshot's image; the snapshot's own device fails I/O,",
                "and it is removed when the merge is done. Other snapshots of the origin keep their images.", "",
                "Examples:", "  ublkd merge snap1", "  ublkd merge snap1 --wait"})
public final class MergeCommand extends ClientCommand {
    @Parameters(index = "0", description = "The snapshot to merge.")
    String name;

    @Option(names = "--wait", description = "Wait for the merge to finish, showing progress.")
    boolean waitFor;

    @Override
    public Integer call() throws Exception {
        Map<?, ?> r = (Map<?, ?>) call("merge", "name", name);
        String origin = String.valueOf(r.get("origin"));
        if (!waitFor) {
            out().println(name + ": merging into " + origin);
            return 0;
        }
        boolean tty = System.console() != null;
        long lastPrint = 0;
        while (true) {
            Map<?, ?> o = (Map<?, ?>) call("status", "name", origin);
            if (!(o.get("merge") instanceof Map<?, ?> m) || !name.equals(m.get("snapshot"))) {
                err().println((tty ? "\r" : "") + bar(1, 1, 0, 0) + "  done");
                out().println(name + ": merged into " + origin);
                return 0;
            }
            long merged = ((Number) m.get("merged_chunks")).longValue();
            long total = ((Number) m.get("total_chunks")).longValue();
            double rate = ((Number) m.get("bytes_per_second")).doubleValue();
            long left = ((Number) m.get("seconds_left")).longValue();
            if ("failed".equals(m.get("state"))) {
                err().println();
                throw new SnapshotException("merge of " + name + " failed: " + m.get("error") + " (nothing was lost; see 'ublkd status')");
            }
            long now = System.nanoTime();
            if (tty) {
                err().print("\r" + bar(merged, total, rate, left));
                err().flush();
            } else if (now - lastPrint > 2_000_000_000L) {
                err().println(bar(merged, total, rate, left));
                lastPrint = now;
            }
            Thread.sleep(250);
        }
    }

    static String bar(long merged, long total, double rate, long secondsLeft) {
        double f = total == 0 ? 1 : (double) merged / total;
        int width = 30;
        int filled = (int) Math.round(f * width);
        String eta = secondsLeft < 0 ? "--:--" : String.format("%d:%02d", secondsLeft / 60, secondsLeft % 60);
        return String.format("[%s%s] %3d%%  %d/%d chunks  %.1f MiB/s  %s left", "#".repeat(filled), "-".repeat(width - filled),
                Math.round(f * 100), merged, total, rate / (1 << 20), eta);
    }
}
