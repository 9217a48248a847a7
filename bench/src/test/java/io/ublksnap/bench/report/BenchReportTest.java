package io.ublksnap.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {
    private static void fio(Path dir, String id, double iops) throws Exception {
        Files.writeString(dir.resolve("fio").resolve(id + ".json"), String.format(Locale.ROOT,
                "{\"jobs\":[{\"read\":{\"total_ios\":0,\"iops\":0,\"bw\":0},\"write\":{\"total_ios\":%d,\"iops\":%f,\"bw\":%f,"
                        + "\"clat_ns\":{\"percentile\":{\"50.000000\":1000,\"99.000000\":2000}}},\"usr_cpu\":10,\"sys_cpu\":10,\"job_runtime\":1000}]}",
                (long) iops, iops, iops * 4));
    }

    /** Three repetitions of a base cell and a snapshot cell: medians, the normalised ratio, the README block. */
    @Test
    void reportsMediansTheNormalisedRatioAndTheReadmeSection(@TempDir Path dir) throws Exception {
        writeRun(dir);
        BenchReport.main(new String[]{dir.toString()});
        String md = Files.readString(dir.resolve("report.md"));
        // ublk/dm = 150/200; normalised = (150/400) / (200/1000) = 1.875
        assertTrue(md.contains("| owrite-copy-s1-qd1 | IOPS | 200 [190–210] | 150 [100–160] | 0.75x"), md);
        assertTrue(md.contains("1.88x"), md);
        // pass/cloop = 400/500; their ranges [380, 420] and [490, 510] do not overlap
        assertTrue(md.contains("| 0.80x (0.75–0.86) | outside |"), md);
        assertTrue(md.contains("merge ≥ 1.5x dm-snapshot: 0.50x (0.50–0.50): **missed**"), md);
        assertTrue(!md.contains("Clock source"), "a run without the record says nothing of it");
        assertTrue(Files.size(dir.resolve("ratios.png")) > 0);
        assertTrue(Files.readString(dir.resolve("results.json")).contains("\"normalised\""));
        String section = readmeSection(dir);
        assertTrue(section.startsWith(BenchReport.BEGIN + "\n"), section);
        assertTrue(section.endsWith(BenchReport.END + "\n"), section);
        assertEquals(1, section.split("owrite-copy-s1-qd1 \\| 0.75x", -1).length - 1, section);
    }

    /** A target missed at the median says why under it, from the CPU snapshots: pass's queue threads against cloop's. */
    @Test
    void aMissedTargetSaysWhereTheTimeWent(@TempDir Path dir) throws Exception {
        writeRun(dir);
        Files.createDirectories(dir.resolve("cpu"));
        for (int rep = 1; rep <= 3; rep++) {
            // pass: 2 ticks of user time and 1 of kernel time over 380-420 requests; cloop: 1 and 2 over 490-510
            cpu(dir, "base-w.pass.r" + rep, "ublk0q0", 2, 1);
            cpu(dir, "base-w.cloop.r" + rep, "cloop-q0", 1, 2);
        }
        BenchReport.main(new String[]{dir.toString()});
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("- pass-through ≥ 1.0x the C server in base-w: 0.80x (0.75–0.86): **missed**\n  - why: "), md);
        assertTrue(md.contains("queue threads' user / kernel time 50.0 / 25.0 µs on pass against 20.0 / 40.0 on cloop"), md);
        // the copying write's p50 equals the pass-through write's (fio says 1 µs for both): met, nothing to explain
        assertTrue(md.contains("a copying origin write's p50 ≤ 1.5x a pass-through write's (owrite-copy-s1-qd1 against base-w): 1.00x (1.00–1.00): **met**\n- "), md);
        assertTrue(md.contains("| 50.0 / 25.0 |"), "the CPU table's column: " + md);
    }

    /** Item 5 pairs each 4-snapshot no-copy cell with its 1-snapshot twin; a cell without a twin is left out. */
    @Test
    void noCopyWritesWithFourSnapshotsAreJudgedAgainstOne(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("fio"));
        Files.writeString(dir.resolve("cells.txt"), "base-w|raw pass cloop|0|32|origin|-||--rw=randwrite --bs=4k\n"
                + "owrite-nocopy-s1-qd32|dm ublk|1|32|origin|base-w||--rw=randwrite --bs=4k\n"
                + "owrite-nocopy-s4-qd32|dm ublk|4|32|origin|base-w||--rw=randwrite --bs=4k\n"
                + "owrite-nocopy-s4-qd1|dm ublk|4|1|origin|base-w||--rw=randwrite --bs=4k\n");
        StringBuilder runs = new StringBuilder();
        String[] cells = {"base-w", "owrite-nocopy-s1-qd32", "owrite-nocopy-s4-qd32", "owrite-nocopy-s4-qd1"};
        for (int rep = 1; rep <= 3; rep++) {
            for (String cell : cells) {
                for (String st : cell.equals("base-w") ? new String[]{"raw", "pass", "cloop"} : new String[]{"dm", "ublk"}) {
                    double iops = cell.equals("owrite-nocopy-s4-qd32") && st.equals("ublk") ? 80 + rep : 100 + rep;
                    fio(dir, cell + "." + st + ".r" + rep, iops);
                    runs.append("run ").append(cell).append(' ').append(st).append(' ').append(rep).append(" 1 1 0 1000 0\n");
                }
            }
        }
        Files.writeString(dir.resolve("runs.txt"), runs.toString());
        Files.writeString(dir.resolve("kernel.txt"), "6.12.0-test\n");
        BenchReport.main(new String[]{dir.toString()});
        String md = Files.readString(dir.resolve("report.md"));
        // 82 [81–83] against 102 [101–103]: 0.80x, the whole interval below 0.9
        assertTrue(md.contains("- origin writes that copy nothing, 4 snapshots ≥ 0.9x 1 snapshot (owrite-nocopy-s4-qd32 against "
                + "owrite-nocopy-s1-qd32): 0.80x (0.79–0.82): **missed**"), md);
        assertTrue(!md.contains("owrite-nocopy-s4-qd1 against"), "no s1 twin at depth 1: " + md);
    }

    private static void cpu(Path dir, String id, String thread, int userTicks, int kernelTicks) throws Exception {
        Files.writeString(dir.resolve("cpu").resolve(id + ".pre"), "7\t" + thread + "\t1000\t1\t100\t100\ncpu-total\tcpu  1 0 1 1 0 0 0 0\n");
        Files.writeString(dir.resolve("cpu").resolve(id + ".post"), "7\t" + thread + "\t2000\t5\t" + (100 + userTicks) + "\t"
                + (100 + kernelTicks) + "\ncpu-total\tcpu  2 0 2 2 0 0 0 0\n");
    }

    /** "At most" targets: met only when the whole interval is at or below the target. */
    @Test
    void anAtMostTargetIsJudgedFromAbove() {
        assertTrue(BenchReport.verdict("x", new Spread.Ratio(2.0, 1.8, 2.2), 1.5, false).endsWith("**missed**"));
        assertTrue(BenchReport.verdict("x", new Spread.Ratio(1.4, 1.2, 1.6), 1.5, false).endsWith("**met at the median, inside the spread**"));
        assertTrue(BenchReport.verdict("x", new Spread.Ratio(1.6, 1.4, 1.7), 1.5, false).endsWith("**missed at the median, inside the spread**"));
        assertTrue(BenchReport.verdict("x", new Spread.Ratio(1.2, 1.1, 1.5), 1.5, false).endsWith("**met**"));
        assertTrue(BenchReport.verdict("x", new Spread.Ratio(1.2, 1.1, 1.5), 1.1, true).endsWith("**met**"));
    }

    /** A guest that lost tsc during the run (every clock read through hpet from then on): the report says so up front. */
    @Test
    void saysWhenTheGuestsClockSourceChanged(@TempDir Path dir) throws Exception {
        writeRun(dir);
        String md = reportWith(dir, "tcg multi\nclocksource_start tsc\nclocksource_end hpet\n");
        assertTrue(md.contains("**Clock source: tsc at the start, hpet at the end"), md);
        md = reportWith(dir, "tcg multi\nclocksource_start tsc\nclocksource_end tsc\n");
        assertTrue(md.contains("Clock source: tsc from start to end.") && !md.contains("**Clock source"), md);
        md = reportWith(dir, "tcg multi\nclocksource_start hpet\nclocksource_end hpet\n");
        assertTrue(md.contains("**Clock source: hpet from start to end."), "a slow source all along is said in bold: " + md);
        md = reportWith(dir, "tcg none\nclocksource_start tsc\n");
        assertTrue(md.contains("Clock source: tsc at the start; the end was not recorded.") && !md.contains("**Clock source"), md);
        assertTrue(md.contains("(KVM)") && !md.contains("(TCG"), "a KVM guest is not called emulated: " + md);
    }

    /** The guest kernel's page-table isolation (PTI), which under emulation costs every stack at each system call: the report says whether it was on. */
    @Test
    void saysWhetherTheGuestIsolatedItsPageTables(@TempDir Path dir) throws Exception {
        writeRun(dir);
        String md = reportWith(dir, "tcg multi\nmeltdown Mitigation: PTI\nguest_args \n");
        assertTrue(md.contains("isolates its page tables (Mitigation: PTI;"), md);
        md = reportWith(dir, "tcg multi\nmeltdown Vulnerable\nguest_args pti=off\n");
        assertTrue(md.contains("without page-table isolation (pti=off)"), md);
        md = reportWith(dir, "tcg multi\n");
        assertTrue(!md.contains("page-table isolation") && !md.contains("isolates its page tables"), "a run that recorded nothing says nothing: " + md);
        md = reportWith(dir, "tcg multi\nmeltdown unknown\nguest_args \n");
        assertTrue(!md.contains("page-table isolation") && !md.contains("isolates its page tables"), "an unknown status is not called off: " + md);
    }

    /** The daemon's JIT under emulation (C1 alone, C2 alone with --jit c2, or the full JIT): ratios depend on it, so the report and the README say which. */
    @Test
    void saysWhichJitTheDaemonRan(@TempDir Path dir) throws Exception {
        writeRun(dir);
        String md = reportWith(dir, "tcg multi\nublkd_cmdline java -XX:TieredStopAtLevel=1 -Xlog:jit -jar ublkd.jar serve\n");
        assertTrue(md.contains("ublkd's JIT: C1 only"), md);
        assertTrue(md.contains(", C1 only ("), md);
        md = reportWith(dir, "tcg multi\nublkd_cmdline java -XX:-TieredCompilation -Xlog:jit -jar ublkd.jar serve\n");
        assertTrue(md.contains("ublkd's JIT: C2 only"), md);
        assertTrue(md.contains(", C2 only ("), md);
        assertTrue(!md.contains(", C1 only ("), md);
        md = reportWith(dir, "tcg none\nublkd_cmdline java -Xlog:jit -jar ublkd.jar serve\n");
        assertTrue(md.contains("ublkd's JIT: the full JIT"), md);
        md = reportWith(dir, "tcg multi\n");
        assertTrue(!md.contains("ublkd's JIT:"), "a run that recorded no command line says nothing: " + md);
        String readme = readmeSection(dir);
        assertTrue(!readme.contains("ublkd with"), readme);
        reportWith(dir, "tcg multi\nublkd_cmdline java -XX:-TieredCompilation -jar ublkd.jar serve\n");
        readme = readmeSection(dir);
        assertTrue(readme.contains("ublkd with C2 only"), readme);
    }

    /** What bench/update-readme.sh puts in the README for the run in {@code dir}. */
    private static String readmeSection(Path dir) throws Exception {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            BenchReport.main(new String[]{"--readme-section", dir.toString()});
        } finally {
            System.setOut(out);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The report of the run in {@code dir} with {@code env} as its env.txt. */
    private static String reportWith(Path dir, String env) throws Exception {
        Files.writeString(dir.resolve("env.txt"), env);
        BenchReport.main(new String[]{dir.toString()});
        return Files.readString(dir.resolve("report.md"));
    }

    private static void writeRun(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("fio"));
        Files.writeString(dir.resolve("cells.txt"), "base-w|raw pass cloop|0|1|origin|-||--rw=randwrite --bs=4k\n"
                + "owrite-copy-s1-qd1|dm ublk|1|1|origin|base-w||--rw=randwrite --bs=4k\n");
        StringBuilder runs = new StringBuilder();
        double[][] v = {{1000, 1100, 900}, {400, 420, 380}, {500, 510, 490}, {200, 210, 190}, {150, 160, 100}};
        String[][] ids = {{"base-w", "raw"}, {"base-w", "pass"}, {"base-w", "cloop"}, {"owrite-copy-s1-qd1", "dm"}, {"owrite-copy-s1-qd1", "ublk"}};
        for (int rep = 1; rep <= 3; rep++) {
            for (int i = 0; i < ids.length; i++) {
                fio(dir, ids[i][0] + "." + ids[i][1] + ".r" + rep, v[i][rep - 1]);
                runs.append("run ").append(ids[i][0]).append(' ').append(ids[i][1]).append(' ').append(rep).append(" 1 1 0 1000 0\n");
            }
            runs.append("merge dm ").append(rep).append(" 268435456 0 1000 0\nmerge ublk ").append(rep).append(" 268435456 0 2000 0\n");
        }
        Files.writeString(dir.resolve("runs.txt"), runs.toString());
        Files.writeString(dir.resolve("kernel.txt"), "6.12.0-test\n");
    }

    /** ublkd's counters around a probe: the difference by kind, summed over the devices. */
    @Test
    void takesTheDaemonsCountersAsADifference(@TempDir Path dir) throws Exception {
        Path before = dir.resolve("s0.json");
        Path after = dir.resolve("s1.json");
        Files.writeString(before, "[{\"name\":\"bo\",\"role\":\"origin\",\"device\":\"/dev/ublkb0\",\"requests\":["
                + "{\"kind\":\"copying-write\",\"requests\":10,\"service_ns\":10000,\"kernel_entries\":60,\"failed\":0}]}]");
        Files.writeString(after, "[{\"name\":\"bo\",\"role\":\"origin\",\"device\":\"/dev/ublkb0\",\"requests\":["
                + "{\"kind\":\"copying-write\",\"requests\":110,\"service_ns\":210000,\"kernel_entries\":460,\"failed\":0},"
                + "{\"kind\":\"origin-read\",\"requests\":5,\"service_ns\":500,\"kernel_entries\":10,\"failed\":0}]},"
                + "{\"name\":\"bs1\",\"role\":\"snapshot\",\"device\":\"/dev/ublkb1\",\"requests\":[]}]");
        var kinds = BenchRun.kindCounts(before, after);
        assertEquals(2, kinds.size(), kinds.toString());
        assertEquals("copying-write", kinds.get(0).kind());
        assertEquals(100, kinds.get(0).requests());
        assertEquals(4.0, kinds.get(0).entriesPerRequest(), 1e-9);
        assertEquals(2.0, kinds.get(0).meanMicros(), 1e-9);
        assertEquals(5, kinds.get(1).requests());
        assertEquals(0, BenchRun.kindCounts(before, dir.resolve("missing.json")).size());
    }

    /** fio repeats an option given twice in "job options" (vm-bench.sh passes --size twice for some cells). */
    @Test
    void readsFioJsonWithARepeatedOption() {
        BenchRun.Fio f = BenchRun.Fio.parse("{\"jobs\":[{\"job options\":{\"size\":\"256M\",\"size\":\"32M\"},"
                + "\"read\":{\"total_ios\":0,\"iops\":0,\"bw\":0},\"write\":{\"total_ios\":10,\"iops\":5,\"bw\":20},"
                + "\"usr_cpu\":1,\"sys_cpu\":1,\"job_runtime\":1000}]}");
        assertEquals(5, f.iops(), 1e-9);
    }
}
