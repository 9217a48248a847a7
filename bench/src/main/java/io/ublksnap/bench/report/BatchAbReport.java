package io.ublksnap.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of {@code bench/batch-ab.sh}: a pass-through origin served with batches (UBLK_F_BATCH_IO) and with
 * one command per request, in turns, in one guest. Per cell and way: IOPS, p50 latency, io_uring_enter calls per
 * request (the daemon's own counters), the queue threads' CPU per request and the lines the daemon's JIT logged
 * during the run (none: nothing compiled while measured), each as median [min-max] over the repetitions, and batch
 * against per-tag with whether the difference is inside the spread.
 *
 * <p>Usage: {@code BatchAbReport DIR} (the directory bench/vm/batch-ab.sh wrote); prints markdown.
 */
public final class BatchAbReport {

    private BatchAbReport() {
    }

    /** One measured run: a cell, a way, a repetition; {@code jitLines} NaN where the run did not count them. */
    record Run(String cell, String mode, int rep, BenchRun.Fio fio, double entersPerReq, double cpuUsPerReq,
               double jitLines) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BatchAbReport DIR (the output of bench/vm/batch-ab.sh)");
            System.exit(2);
        }
        System.out.print(report(Path.of(args[0])));
    }

    static List<Run> load(Path dir) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("runs.txt"))) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 5) {
                continue;
            }
            String id = w[0] + "." + w[1] + ".r" + w[2];
            BenchRun.Fio fio = BenchRun.Fio.parse(Files.readString(dir.resolve(id + ".fio.json")));
            long requests = 0, entries = 0;
            for (BenchRun.KindCount k : BenchRun.kindCounts(dir.resolve(id + ".stats0.json"), dir.resolve(id + ".stats1.json"))) {
                requests += k.requests();
                entries += k.kernelEntries();
            }
            double ticks = Double.parseDouble(w[3]);
            double hz = Double.parseDouble(w[4]);
            double cpuUs = ticks / hz * 1e6;
            runs.add(new Run(w[0], w[1], Integer.parseInt(w[2]), fio,
                    requests > 0 ? (double) entries / requests : Double.NaN,
                    fio.ios() > 0 ? cpuUs / fio.ios() : Double.NaN,
                    w.length >= 6 ? Double.parseDouble(w[5]) : Double.NaN));
        }
        return runs;
    }

    static String report(Path dir) throws IOException {
        List<Run> runs = load(dir);
        String kernel = Files.exists(dir.resolve("kernel.txt")) ? Files.readString(dir.resolve("kernel.txt")).trim() : "?";
        Map<String, String> env = new LinkedHashMap<>();
        if (Files.exists(dir.resolve("env.txt"))) {
            for (String line : Files.readAllLines(dir.resolve("env.txt"))) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    env.put(line.substring(0, sp), line.substring(sp + 1).trim());
                }
            }
        }
        boolean jitCounted = runs.stream().anyMatch(r -> !Double.isNaN(r.jitLines()));
        Map<String, Map<String, List<Run>>> byCell = new LinkedHashMap<>();
        for (Run r : runs) {
            byCell.computeIfAbsent(r.cell(), c -> new LinkedHashMap<>()).computeIfAbsent(r.mode(), m -> new ArrayList<>()).add(r);
        }
        StringBuilder out = new StringBuilder();
        out.append("# Batched ublk commands (UBLK_F_BATCH_IO) against one command per request\n\n");
        out.append("Kernel ").append(kernel).append(", run ").append(dir.getFileName())
                .append(". A ublkd origin without snapshots on the RAM disk, 4 KiB, a fresh daemon per way and repetition, ")
                .append("the ways in alternating order. Median [min-max] over the repetitions; under the emulated guest ")
                .append("only the ratio within this run means anything.");
        if (env.containsKey("jit")) {
            out.append(" The daemon's JIT: ").append(env.get("jit")).append("; the guest's kernel arguments: ")
                    .append(env.getOrDefault("guest_args", "").isEmpty() ? "none of pti or mitigations" : env.get("guest_args"))
                    .append('.');
        }
        out.append("\n\n");
        out.append("| cell | way | IOPS | p50 µs | io_uring_enter / request | queue CPU µs / request |")
                .append(jitCounted ? " JIT log lines in the run |\n" : "\n");
        out.append("|---|---|---:|---:|---:|---:|").append(jitCounted ? "---:|\n" : "\n");
        StringBuilder ratios = new StringBuilder();
        for (var cell : byCell.entrySet()) {
            for (var mode : cell.getValue().entrySet()) {
                List<Run> rs = mode.getValue();
                out.append("| ").append(cell.getKey()).append(" | ").append(mode.getKey())
                        .append(" | ").append(spread(rs, r -> r.fio().iops()))
                        .append(" | ").append(spread(rs, r -> r.fio().p50us()))
                        .append(" | ").append(spread(rs, Run::entersPerReq))
                        .append(" | ").append(spread(rs, Run::cpuUsPerReq))
                        .append(jitCounted ? " | " + spread(rs, Run::jitLines) : "").append(" |\n");
            }
            List<Run> batch = cell.getValue().getOrDefault("batch", List.of());
            List<Run> perTag = cell.getValue().getOrDefault("per-tag", List.of());
            if (!batch.isEmpty() && !perTag.isEmpty()) {
                Spread b = Spread.of(batch.stream().map(r -> r.fio().iops()).toList());
                Spread p = Spread.of(perTag.stream().map(r -> r.fio().iops()).toList());
                ratios.append("- ").append(cell.getKey()).append(": batch ").append(Fmt.ratio(b.median() / p.median()))
                        .append(" the IOPS of per-tag").append(b.overlaps(p) ? " (inside the spread)" : " (outside the spread)")
                        .append("; io_uring_enter per request ")
                        .append(Fmt.num(Spread.of(batch.stream().map(Run::entersPerReq).toList()).median())).append(" against ")
                        .append(Fmt.num(Spread.of(perTag.stream().map(Run::entersPerReq).toList()).median())).append("\n");
            }
        }
        if (!ratios.isEmpty()) {
            out.append("\n").append(ratios);
        }
        return out.toString();
    }

    private static String spread(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        return Spread.of(rs.stream().map(r -> f.applyAsDouble(r)).toList()).format();
    }
}
