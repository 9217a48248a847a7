package io.ublksnap.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench/batch-ab.sh's report: per cell and way, medians with their spread, enters and CPU per request, the ratio. */
class BatchAbReportTest {

    private static void run(Path dir, String cell, String mode, int rep, double iops, long ticks, long entries)
            throws Exception {
        run(dir, cell, mode, rep, iops, ticks, entries, "");
    }

    private static void run(Path dir, String cell, String mode, int rep, double iops, long ticks, long entries,
                            String more) throws Exception {
        String id = cell + "." + mode + ".r" + rep;
        Files.writeString(dir.resolve(id + ".fio.json"), String.format(Locale.ROOT,
                "{\"jobs\":[{\"read\":{\"total_ios\":%d,\"iops\":%f,\"bw\":1,\"clat_ns\":{\"percentile\":{\"50.000000\":300000}}},"
                        + "\"write\":{\"total_ios\":0,\"iops\":0,\"bw\":0},\"usr_cpu\":1,\"sys_cpu\":1,\"job_runtime\":4000}]}",
                (long) iops * 4, iops));
        Files.writeString(dir.resolve(id + ".stats0.json"), "[{\"name\":\"bo\",\"requests\":[]}]");
        Files.writeString(dir.resolve(id + ".stats1.json"), "[{\"name\":\"bo\",\"requests\":[{\"kind\":\"origin-read\",\"requests\":"
                + (long) iops * 4 + ",\"service_ns\":1,\"kernel_entries\":" + entries + ",\"failed\":0}]}]");
        Files.writeString(dir.resolve("runs.txt"), cell + " " + mode + " " + rep + " " + ticks + " 100" + more + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void mediansSpreadsAndTheRatioOfTheWays(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kernel.txt"), "7.3.4\n");
        for (int r = 1; r <= 3; r++) {
            run(dir, "randread-qd1", "batch", r, 1800 + 100 * r, 200, 8000);
            run(dir, "randread-qd1", "per-tag", r, 2100 + 100 * r, 180, 8800);
        }
        var runs = BatchAbReport.load(dir);
        assertEquals(6, runs.size());
        BatchAbReport.Run first = runs.getFirst();
        assertEquals(8000.0 / (1900 * 4), first.entersPerReq(), 1e-9);
        assertEquals(200 / 100.0 * 1e6 / (1900 * 4), first.cpuUsPerReq(), 1e-9, "ticks at 100 Hz over fio's requests");
        String report = BatchAbReport.report(dir);
        assertTrue(report.contains("| randread-qd1 | batch | 2000 [1900–2100] | 300 [300–300] |"), report);
        assertTrue(report.contains("| randread-qd1 | per-tag | 2300 [2200–2400] |"), report);
        assertTrue(report.contains("randread-qd1: batch 0.87x the IOPS of per-tag (outside the spread)"), report);
        assertTrue(report.contains("Kernel 7.3.4"), report);
        assertTrue(report.contains("| queue CPU µs / request |\n"), "runs that did not count the JIT's lines: no column\n" + report);
    }

    @Test
    void theJitsLinesDuringTheRunsAndTheDaemonsJit(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kernel.txt"), "7.3.4\n");
        Files.writeString(dir.resolve("env.txt"), "jit -XX:-TieredCompilation -XX:CompileThresholdScaling=0.1\nguest_args pti=off \n");
        for (int r = 1; r <= 3; r++) {
            run(dir, "randwrite-qd32", "batch", r, 15000, 300, 60000, " " + (r - 1));
            run(dir, "randwrite-qd32", "per-tag", r, 15500, 300, 62000, " 0");
        }
        assertEquals(2.0, BatchAbReport.load(dir).get(4).jitLines(), 1e-9);
        String report = BatchAbReport.report(dir);
        assertTrue(report.contains("The daemon's JIT: -XX:-TieredCompilation -XX:CompileThresholdScaling=0.1; "
                + "the guest's kernel arguments: pti=off."), report);
        assertTrue(report.contains("| JIT log lines in the run |"), report);
        assertTrue(report.contains(" | 1.00 [0.00–2.00] |\n"), report);
        assertTrue(report.contains(" | 0.00 [0.00–0.00] |\n"), report);
    }
}
