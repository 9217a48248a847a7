package io.ublksnap.bench.report;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of bench/vm-bench.sh as bench/vm/inside.sh left it in a results directory: the cells, every measured
 * run with its fio result, CPU split and JIT events, the perf probes, the merges, the memory snapshots.
 */
final class BenchRun {

    /** A fio job and the stacks it runs on; BASE names the cell that measures the same I/O without snapshots. */
    record Cell(String name, List<String> stacks, int nsnap, int qd, String role, String base, boolean sequential) {
        boolean isBase() {
            return base.equals("-");
        }
    }

    /** One measured run: value is IOPS, or MB/s for sequential cells. */
    record Run(String cell, String stack, int rep, double value, double iops, double mbps, double p50us, double p99us,
               long ios, long wallMs, int jitEvents, ThreadCpu cpu, double fioCpuNs) {
    }

    /**
     * A perf probe: per event, counts by thread class, and the requests fio completed; for ublkd, its own
     * request counters over the probe ({@code ublkd stats}, after minus before), by kind.
     */
    record Probe(String cell, String stack, long ios, Map<String, Map<ThreadCpu.Kind, Long>> counts, List<KindCount> kinds) {
        double perRequest(String event, ThreadCpu.Kind kind) {
            Map<ThreadCpu.Kind, Long> m = counts.get(event);
            if (m == null || ios == 0) {
                return Double.NaN;
            }
            long c = kind == null ? m.values().stream().mapToLong(Long::longValue).sum() : m.getOrDefault(kind, 0L);
            return (double) c / ios;
        }
    }

    /** ublkd's counters of one kind of request over a probe, summed over its devices. */
    record KindCount(String kind, long requests, long serviceNanos, long kernelEntries) {
        double meanMicros() {
            return requests == 0 ? Double.NaN : serviceNanos / 1000.0 / requests;
        }

        double entriesPerRequest() {
            return requests == 0 ? Double.NaN : (double) kernelEntries / requests;
        }
    }

    record Merge(String stack, int rep, long bytes, long ms, int jitEvents, ThreadCpu cpu) {
        double mbps() {
            return bytes / (ms / 1000.0) / 1e6;
        }
    }

    /** ublkd's memory at rest: sizes in KiB; nmt maps a category to its committed KiB. */
    record Memory(String label, long rssKib, long anonKib, long fileKib, Map<String, Long> nmt, long heapUsedKib,
                  long heapCommittedKib, long metaspaceUsedKib, List<Long> exceptions, int threads,
                  Map<String, long[]> mappings) {
        /** The column's heading. */
        String heading() {
            return switch (label) {
                case "s1-65536" -> "1 snapshot";
                case "s4-65536" -> "4 snapshots";
                case "s4-1m" -> "4 snapshots, 1 M exceptions";
                default -> label;
            };
        }

        /** What was measured, in words: "4 snapshots, 1,081,344 exceptions in all (crafted COWs)". */
        String what() {
            long all = exceptions.stream().mapToLong(Long::longValue).sum();
            return switch (label) {
                case "s1-65536", "s4-65536" -> String.format(Locale.ROOT, "%s of %,d exceptions", heading(),
                        exceptions.isEmpty() ? 65536 : exceptions.getFirst());
                case "s4-1m" -> String.format(Locale.ROOT, "4 snapshots, %,d exceptions in all (reopened from crafted COWs)", all);
                default -> label;
            };
        }
    }

    final Path dir;
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<String, Cell> cells = new LinkedHashMap<>();
    final List<Run> runs = new ArrayList<>();
    final List<Probe> probes = new ArrayList<>();
    final List<Merge> merges = new ArrayList<>();
    final List<Memory> memory = new ArrayList<>();
    final List<int[]> warmup = new ArrayList<>();
    final Map<String, Long> phases = new LinkedHashMap<>();
    /** Methods the JIT compiled during measured runs, with how often. */
    final Map<String, Integer> compiledDuringRuns = new TreeMap<>();
    String kernel = "?";

    private BenchRun(Path dir) {
        this.dir = dir;
    }

    static BenchRun load(Path dir) throws IOException {
        BenchRun b = new BenchRun(dir);
        b.read();
        return b;
    }

    private List<String> lines(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }

    private void read() throws IOException {
        for (String l : lines("env.txt")) {
            int sp = l.indexOf(' ');
            if (sp > 0) {
                env.put(l.substring(0, sp), l.substring(sp + 1));
            }
        }
        if (Files.exists(dir.resolve("kernel.txt"))) {
            kernel = Files.readString(dir.resolve("kernel.txt")).trim();
        } else if (env.containsKey("kernel")) {
            kernel = env.get("kernel");
        }
        for (String l : lines("cells.txt")) {
            String[] f = l.split("\\|", -1);
            if (f.length < 8) {
                continue;
            }
            cells.put(f[0], new Cell(f[0], List.of(f[1].trim().split("\\s+")), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    f[4], f[5], f[7].contains("--bs=1M") && !f[7].contains("rand")));
        }
        for (String l : lines("phases.txt")) {
            String[] w = l.trim().split("\\s+");
            if (w.length == 2) {
                phases.put(w[0], Long.parseLong(w[1]));
            }
        }
        for (String l : lines("runs.txt")) {
            String[] w = l.trim().split("\\s+");
            switch (w[0]) {
                case "run" -> readRun(w);
                case "probe" -> readProbe(w);
                case "merge" -> readMerge(w);
                case "warmup" -> warmup.add(new int[]{Integer.parseInt(w[1]), Integer.parseInt(w[2])});
                default -> {
                }
            }
        }
        readMemory();
    }

    private void readRun(String[] w) throws IOException {
        // run CELL STACK REP NSNAP QD T0 T1 JIT
        String cell = w[1];
        String stack = w[2];
        int rep = Integer.parseInt(w[3]);
        String id = cell + "." + stack + ".r" + rep;
        Path json = dir.resolve("fio").resolve(id + ".json");
        if (!Files.exists(json)) {
            return;
        }
        Fio f = Fio.parse(Files.readString(json));
        Cell c = cells.get(cell);
        boolean seq = c != null && c.sequential();
        ThreadCpu cpu = ThreadCpu.between(dir.resolve("cpu").resolve(id + ".pre"), dir.resolve("cpu").resolve(id + ".post"));
        int jit = Integer.parseInt(w[8]);
        countCompiled(dir.resolve("jit").resolve(id + ".log"));
        runs.add(new Run(cell, stack, rep, seq ? f.mbps : f.iops, f.iops, f.mbps, f.p50us, f.p99us, f.ios,
                Long.parseLong(w[7]) - Long.parseLong(w[6]), jit, cpu, f.cpuNs));
    }

    /** A method in a JIT log line; lambdas look like Foo$$Lambda/0x000000001d0e9a08::compare. */
    private static final Pattern METHOD = Pattern.compile("([\\w$./]+::[\\w$<>]+)");

    private void countCompiled(Path log) throws IOException {
        if (!Files.exists(log)) {
            return;
        }
        for (String l : Files.readAllLines(log)) {
            Matcher m = METHOD.matcher(l);
            if (m.find()) {
                String key = m.group(1).replaceAll("/0x[0-9a-f]+", "") + (l.contains("uncommon trap") ? " (made not entrant: uncommon trap)"
                        : l.contains("made not entrant") ? " (made not entrant)" : "");
                compiledDuringRuns.merge(key, 1, Integer::sum);
            }
        }
    }

    private void readProbe(String[] w) throws IOException {
        String id = w[1] + "." + w[2] + ".probe";
        Path csv = dir.resolve("perf").resolve(id + ".csv");
        Path json = dir.resolve("perf").resolve(id + ".json");
        if (!Files.exists(csv) || !Files.exists(json)) {
            return;
        }
        Map<String, Map<ThreadCpu.Kind, Long>> counts = new LinkedHashMap<>();
        for (String l : Files.readAllLines(csv)) {
            // THREAD-TID,COUNT,UNIT,EVENT,RUNTIME,PERCENT,...
            String[] f = l.split(",");
            if (f.length < 4 || l.startsWith("#")) {
                continue;
            }
            int dash = f[0].lastIndexOf('-');
            String name = dash > 0 ? f[0].substring(0, dash) : f[0];
            long count;
            try {
                count = Long.parseLong(f[1].trim());
            } catch (NumberFormatException e) {
                continue; // <not counted>
            }
            String event = f[3].contains(":") ? f[3].substring(f[3].indexOf(':') + 1) : f[3];
            counts.computeIfAbsent(event, k -> new EnumMap<>(ThreadCpu.Kind.class)).merge(ThreadCpu.Kind.of(name), count, Long::sum);
        }
        probes.add(new Probe(w[1], w[2], Fio.parse(Files.readString(json)).ios, counts,
                kindCounts(dir.resolve("perf").resolve(id + ".stats0.json"), dir.resolve("perf").resolve(id + ".stats1.json"))));
    }

    /** The difference of two outputs of {@code ublkd stats --json}, by kind over all devices (empty without them). */
    static List<KindCount> kindCounts(Path before, Path after) throws IOException {
        if (!Files.exists(before) || !Files.exists(after)) {
            return List.of();
        }
        Map<String, long[]> sum = new LinkedHashMap<>();
        addCounts(Files.readString(after), sum, 1);
        addCounts(Files.readString(before), sum, -1);
        List<KindCount> out = new ArrayList<>();
        sum.forEach((k, v) -> {
            if (v[0] > 0) {
                out.add(new KindCount(k, v[0], v[1], v[2]));
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void addCounts(String text, Map<String, long[]> sum, int sign) throws IOException {
        if (text.isBlank()) {
            return;
        }
        for (Object d : (List<Object>) JSON.std.anyFrom(text)) {
            for (Object o : (List<Object>) ((Map<String, Object>) d).get("requests")) {
                Map<String, Object> k = (Map<String, Object>) o;
                long[] v = sum.computeIfAbsent((String) k.get("kind"), x -> new long[3]);
                v[0] += sign * ((Number) k.get("requests")).longValue();
                v[1] += sign * ((Number) k.get("service_ns")).longValue();
                v[2] += sign * ((Number) k.get("kernel_entries")).longValue();
            }
        }
    }

    private void readMerge(String[] w) throws IOException {
        // merge STACK REP BYTES T0 T1 JIT
        String id = "merge." + w[1] + ".r" + w[2];
        ThreadCpu cpu = ThreadCpu.between(dir.resolve("cpu").resolve(id + ".pre"), dir.resolve("cpu").resolve(id + ".post"));
        countCompiled(dir.resolve("jit").resolve(id + ".log"));
        merges.add(new Merge(w[1], Integer.parseInt(w[2]), Long.parseLong(w[3]), Long.parseLong(w[5]) - Long.parseLong(w[4]),
                Integer.parseInt(w[6]), cpu));
    }

    private static final Pattern NMT_LINE = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");
    /** NMT's Class section: "(    used=6731KB)" for the metadata and for the class space. */
    private static final Pattern META = Pattern.compile("^\\(\\s+used=(\\d+)KB\\)");
    private static final Pattern EXCEPTIONS = Pattern.compile("\"exceptions\"\\s*:\\s*(\\d+)");

    private void readMemory() throws IOException {
        Path m = dir.resolve("mem");
        for (String label : List.of("s1-65536", "s4-65536", "s4-1m")) {
            if (!Files.exists(m.resolve(label + ".smaps_rollup"))) {
                continue;
            }
            Map<String, Long> rollup = kibFields(m.resolve(label + ".smaps_rollup"));
            Map<String, Long> status = kibFields(m.resolve(label + ".status"));
            Map<String, Long> nmt = new LinkedHashMap<>();
            for (String l : lines("mem/" + label + ".jcmd")) {
                Matcher t = NMT_TOTAL.matcher(l.trim());
                if (t.find()) {
                    nmt.put("Total", Long.parseLong(t.group(2)));
                }
                Matcher x = NMT_LINE.matcher(l.trim());
                if (x.find()) {
                    nmt.put(x.group(1).trim(), Long.parseLong(x.group(3)));
                }
            }
            long used = -1;
            long committed = -1;
            long meta = -1;
            for (String l : lines("mem/" + label + ".jcmd")) {
                Matcher h = HEAP.matcher(l);
                if (h.find() && used < 0) {
                    committed = Long.parseLong(h.group(1));
                    used = Long.parseLong(h.group(2));
                }
                Matcher mm = META.matcher(l.trim());
                if (mm.find()) {
                    meta = Math.max(meta, 0) + Long.parseLong(mm.group(1));
                }
            }
            List<Long> exceptions = new ArrayList<>();
            Path st = m.resolve(label + ".status.json");
            if (Files.exists(st)) {
                Matcher e = EXCEPTIONS.matcher(Files.readString(st));
                while (e.find()) {
                    exceptions.add(Long.parseLong(e.group(1)));
                }
            }
            long rss = rollup.getOrDefault("Rss", -1L);
            long anon = rollup.getOrDefault("Anonymous", -1L);
            memory.add(new Memory(label, rss, anon, rss >= 0 && anon >= 0 ? rss - anon : -1, nmt, used, committed, meta,
                    exceptions, status.getOrDefault("Threads", -1L).intValue(), mappings(m.resolve(label + ".smaps"))));
        }
    }

    /**
     * The resident memory of /proc/PID/smaps by kind of mapping: {count, resident KiB} per group. Anonymous
     * mappings are grouped by their size (many mappings of one size are buffers of one kind); named ones by what
     * they are (io_uring rings, ublk descriptors, files).
     */
    static Map<String, long[]> mappings(Path smaps) throws IOException {
        Map<String, long[]> groups = new LinkedHashMap<>();
        if (!Files.exists(smaps)) {
            return groups;
        }
        String group = null;
        long size = 0;
        for (String l : Files.readAllLines(smaps)) {
            String[] w = l.trim().split("\\s+");
            if (w.length >= 5 && w[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                String name = w.length >= 6 ? String.join(" ", java.util.Arrays.copyOfRange(w, 5, w.length)) : "";
                group = name.isEmpty() ? "anon" : name.contains("io_uring") ? "io_uring rings" : name.startsWith("/dev/ublkc") ? "ublk descriptors"
                        : name.startsWith("[") ? name : name.endsWith(".jsa") ? "class-data archive" : "files (libraries, jars, JDK modules)";
            } else if (group != null && w[0].equals("Size:")) {
                size = Long.parseLong(w[1]);
                if (group.equals("anon")) {
                    group = "anon mappings of " + size + " KiB";
                }
            } else if (group != null && w[0].equals("Rss:")) {
                long rss = Long.parseLong(w[1]);
                long[] g = groups.computeIfAbsent(group, k -> new long[2]);
                g[0]++;
                g[1] += rss;
                group = null;
            }
        }
        return groups;
    }

    /** "Name:   123 kB" lines (and "Threads: 34"). */
    private static Map<String, Long> kibFields(Path p) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        if (!Files.exists(p)) {
            return m;
        }
        for (String l : Files.readAllLines(p)) {
            String[] w = l.trim().split("[:\\s]+");
            if (w.length >= 2) {
                try {
                    m.put(w[0], Long.parseLong(w[1]));
                } catch (NumberFormatException ignored) {
                    // not a number line
                }
            }
        }
        return m;
    }

    /** What one fio JSON says about its job: the direction with more requests counts. */
    record Fio(double iops, double mbps, double p50us, double p99us, long ios, double cpuNs) {
        /** fio's JSON repeats a key when an option was given twice ("job options"): the last one counts. */
        private static final JSON FIO_JSON = JSON.std.without(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

        @SuppressWarnings("unchecked")
        static Fio parse(String text) {
            Map<String, Object> root;
            try {
                root = (Map<String, Object>) FIO_JSON.anyFrom(text.substring(text.indexOf('{')));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("fio's JSON does not parse: " + e.getMessage(), e);
            }
            Map<String, Object> j = (Map<String, Object>) ((List<Object>) root.get("jobs")).getFirst();
            Map<String, Object> rd = (Map<String, Object>) j.get("read");
            Map<String, Object> wr = (Map<String, Object>) j.get("write");
            Map<String, Object> d = num(wr.get("total_ios")) > num(rd.get("total_ios")) ? wr : rd;
            Map<String, Object> clat = (Map<String, Object>) d.get("clat_ns");
            Map<String, Object> pct = clat == null ? Map.of() : (Map<String, Object>) clat.getOrDefault("percentile", Map.of());
            long ios = (long) (num(rd.get("total_ios")) + num(wr.get("total_ios")));
            double cpu = (num(j.get("usr_cpu")) + num(j.get("sys_cpu"))) / 100 * num(j.get("job_runtime")) * 1e6;
            return new Fio(num(d.get("iops")), num(d.get("bw")) * 1024 / 1e6, num(pct.get("50.000000")) / 1000,
                    num(pct.get("99.000000")) / 1000, ios, cpu);
        }

        private static double num(Object o) {
            return o instanceof Number n ? n.doubleValue() : 0;
        }
    }

    List<Run> runs(String cell, String stack) {
        return runs.stream().filter(r -> r.cell.equals(cell) && r.stack.equals(stack)).toList();
    }

    Probe probe(String cell, String stack) {
        return probes.stream().filter(p -> p.cell.equals(cell) && p.stack.equals(stack)).findFirst().orElse(null);
    }
}
