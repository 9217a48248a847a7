package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DeviceInfo.OriginInfo;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;
import io.ublksnap.ublkd.control.MergeInfo;
import io.ublksnap.ublkd.control.MergeState;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge a persistent snapshot back into its origin, online (dm's snapshot-merge).",
        footer = {"", "Returns once the origin shows the snapshot's image; the snapshot's own device fails I/O from then on,",
                "and it is removed when the merge is done. Other snapshots of the origin keep their images.", "",
                "Examples:", "  ublkd merge snap1", "  ublkd merge snap1 --wait"})
public final class MergeCommand extends ClientCommand {
    @Parameters(index = "0", description = "The snapshot to merge.")
    String name;

    @Option(names = "--wait", description = "Wait for the merge to finish, showing progress.")
    boolean waitFor;

    @Override
    public Integer call() throws Exception {
        DeviceInfo r = call(new Request.Merge(name));
        String origin = r instanceof SnapshotInfo s ? s.origin() : "its origin";
        if (!waitFor) {
            out().println(name + ": merging into " + origin);
            return 0;
        }
        boolean tty = System.console() != null;
        long start = System.nanoTime();
        long lastPrint = 0;
        MergeInfo last = r instanceof SnapshotInfo s ? s.merge() : null;
        while (true) {
            DeviceInfo o = call(new Request.Status(origin));
            MergeInfo m = o instanceof OriginInfo oi ? oi.merge() : null;
            if (m == null || !name.equals(m.snapshot())) {
                double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
                long total = last == null ? 0 : last.totalChunks();
                double rate = last == null ? 0 : total * (double) last.chunkSectors() * 512 / secs;
                err().println((tty ? "\r" : "") + bar(total, total, rate, 0) + String.format("  done in %.1f s", secs));
                out().println(name + ": merged into " + origin);
                return 0;
            }
            last = m;
            if (m.state() == MergeState.FAILED) {
                err().println();
                throw new SnapshotException("merge of " + name + " failed: " + m.error() + " (nothing was lost; see 'ublkd status')");
            }
            long now = System.nanoTime();
            if (tty) {
                err().print("\r" + bar(m.mergedChunks(), m.totalChunks(), m.bytesPerSecond(), m.secondsLeft()));
                err().flush();
            } else if (now - lastPrint > 2_000_000_000L) {
                err().println(bar(m.mergedChunks(), m.totalChunks(), m.bytesPerSecond(), m.secondsLeft()));
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
