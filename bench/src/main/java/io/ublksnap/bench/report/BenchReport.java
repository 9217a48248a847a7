package io.ublksnap.bench.report;

import io.ublksnap.bench.report.BenchRun.Cell;
import io.ublksnap.bench.report.BenchRun.Merge;
import io.ublksnap.bench.report.BenchRun.Memory;
import io.ublksnap.bench.report.BenchRun.Probe;
import io.ublksnap.bench.report.BenchRun.Run;
import io.ublksnap.bench.report.Spread.Ratio;
import io.ublksnap.bench.report.ThreadCpu.Kind;
import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns one run of bench/vm-bench.sh (a directory under bench/results/) into report.md, results.json and
 * ratios.png: per cell the median with min and max of its repetitions, which differences lie inside the
 * spread, the transport-normalised ratio (ublksnap / pass-through) / (dm-snapshot / raw), the C server's
 * columns, CPU per request by thread class, JIT activity during measured runs, io_uring calls per request,
 * the merge and the memory breakdown.
 *
 * <pre>
 *   BenchReport DIR                   write DIR/report.md, DIR/results.json, DIR/ratios.png
 *   BenchReport --readme-section DIR  print the README's performance section (between its markers)
 * </pre>
 */
public final class BenchReport {
    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";

    private final BenchRun b;
    private final Path rel;

    private BenchReport(BenchRun b) {
        this.b = b;
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = b.dir.toAbsolutePath().normalize();
        this.rel = abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--readme-section")) {
            System.out.print(new BenchReport(load(args[1])).readmeSection());
            return;
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: BenchReport DIR | BenchReport --readme-section DIR");
            System.exit(2);
        }
        BenchReport r = new BenchReport(load(args[0]));
        Files.writeString(r.b.dir.resolve("report.md"), r.report());
        Files.writeString(r.b.dir.resolve("results.json"), JSON.std.asString(r.json()) + "\n");
        RatioChart.write(r.b.dir.resolve("ratios.png"), r.chartRows(), r.b.kernel);
    }

    private static BenchRun load(String dir) throws IOException {
        Path d = Path.of(dir);
        if (!Files.isDirectory(d) || !Files.exists(d.resolve("runs.txt"))) {
            System.err.println("BenchReport: " + dir + " is not a results directory of bench/vm-bench.sh (no runs.txt)");
            System.exit(1);
        }
        return BenchRun.load(d);
    }

    // ---- numbers

    Spread spread(String cell, String stack, ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        for (Run r : b.runs(cell, stack)) {
            v.add(f.applyAsDouble(r));
        }
        return Spread.of(v);
    }

    Spread value(String cell, String stack) {
        return spread(cell, stack, Run::value);
    }

    /** Server CPU per request of one thread class (null: all), ns. */
    Spread cpuPerRequest(String cell, String stack, Kind kind) {
        return spread(cell, stack, r -> r.cpu() == null || !r.cpu().server() || r.ios() == 0 ? Double.NaN
                : (kind == null ? r.cpu().totalNs() : r.cpu().ns().get(kind)) / (double) r.ios());
    }

    Spread slicesPerRequest(String cell, String stack, Kind kind) {
        return spread(cell, stack, r -> r.cpu() == null || !r.cpu().server() || r.ios() == 0 ? Double.NaN
                : r.cpu().slices().get(kind) / (double) r.ios());
    }

    /** The queue threads' CPU per request in user mode (user) or in the kernel, ns (utime and stime). */
    Spread queueModePerRequest(String cell, String stack, boolean user) {
        return spread(cell, stack, r -> r.cpu() == null || !r.cpu().server() || !r.cpu().split() || r.ios() == 0 ? Double.NaN
                : (user ? r.cpu().userNs() : r.cpu().systemNs()).get(Kind.QUEUE) / (double) r.ios());
    }

    Spread guestCpuPerRequest(String cell, String stack) {
        return spread(cell, stack, r -> r.cpu() == null || r.cpu().guestBusyNs() < 0 || r.ios() == 0 ? Double.NaN
                : r.cpu().guestBusyNs() / (double) r.ios());
    }

    Spread fioCpuPerRequest(String cell, String stack) {
        return spread(cell, stack, r -> r.ios() == 0 ? Double.NaN : r.fioCpuNs() / r.ios());
    }

    /** ublksnap over dm-snapshot. */
    Ratio vsDm(Cell c) {
        return value(c.name(), "ublk").over(value(c.name(), "dm"));
    }

    /** (ublksnap / pass-through) / (dm-snapshot / raw): each engine over its own transport. */
    Ratio normalised(Cell c) {
        if (c.isBase()) {
            return Ratio.NONE;
        }
        Ratio ublk = value(c.name(), "ublk").over(value(c.base(), "pass"));
        Ratio dm = value(c.name(), "dm").over(value(c.base(), "raw"));
        return ublk.over(dm);
    }

    List<Cell> snapCells() {
        return b.cells.values().stream().filter(c -> !c.isBase()).toList();
    }

    List<Cell> baseCells() {
        return b.cells.values().stream().filter(Cell::isBase).toList();
    }

    static String unit(Cell c) {
        return c.sequential() ? "MB/s" : "IOPS";
    }

    static String inside(Spread a, Spread x) {
        if (!a.present() || !x.present()) {
            return "-";
        }
        return a.overlaps(x) ? "inside (ranges overlap)" : "outside";
    }

    static String ratioInside(Ratio r, double x) {
        if (!r.present()) {
            return "-";
        }
        return r.contains(x) ? "inside" : (r.lo() > x ? "above" : "below");
    }

    Spread mergeMs(String stack) {
        List<Double> v = new ArrayList<>();
        for (Merge m : b.merges) {
            if (m.stack().equals(stack)) {
                v.add((double) m.ms());
            }
        }
        return Spread.of(v);
    }

    Spread mergeMbps(String stack) {
        List<Double> v = new ArrayList<>();
        for (Merge m : b.merges) {
            if (m.stack().equals(stack)) {
                v.add(m.mbps());
            }
        }
        return Spread.of(v);
    }

    // ---- report.md

    /**
     * The guest's clock source at the start and the end of the run: fio and ublkd read the clock for every request.
     * Through tsc (or kvm-clock) a read costs well under a microsecond; a guest whose kernel dropped tsc (its
     * watchdog may, under emulation) reads through an emulated device, hpet or acpi_pm, some 150x as costly, and
     * every stack is slowed by how often it reads the clock. Bold when the source changed or was a slow one. Empty
     * for runs that recorded neither.
     */
    String clockLine() {
        String start = b.env.get("clocksource_start");
        String end = b.env.get("clocksource_end");
        if (start == null && end == null) {
            return "";
        }
        String line;
        boolean warn;
        if (start == null || end == null) {
            String known = start != null ? start : end;
            line = "Clock source: " + known + (start != null ? " at the start; the end was not recorded." : " at the end; the start was not recorded.");
            warn = !fastClock(known);
        } else if (start.equals(end)) {
            line = "Clock source: " + start + " from start to end.";
            warn = !fastClock(start);
        } else {
            line = "Clock source: " + start + " at the start, " + end + " at the end (the guest's kernel log, clocksource.txt, says when it switched).";
            warn = true;
        }
        if (!warn) {
            return line + "\n\n";
        }
        return "**" + line + " Through a source other than tsc or kvm-clock every clock read goes to an emulated device"
                + " (hpet: some 150x the cost of tsc in this guest), and each stack is slowed by how often it reads the clock.**\n\n";
    }

    /**
     * Whether the guest's kernel isolated its page tables (PTI), from its Meltdown status. Under emulation that costs
     * far more than on hardware: every entry to the kernel and every return switches page tables, and qemu then
     * empties its whole software TLB (hardware keeps its TLB across the switch, tagged by PCID), so every stack pays
     * per system call for each page it touches until the next one. CPUs immune to Meltdown run without PTI. Empty
     * for runs that recorded nothing.
     */
    String isolationLine() {
        Boolean pti = isolatedPageTables();
        if (pti == null) {
            return "";
        }
        String meltdown = b.env.get("meltdown");
        if (pti) {
            return "The guest's kernel isolates its page tables (" + meltdown + "; `bench/vm-bench.sh --pti`): under emulation"
                    + " every entry to the kernel and every return then empty qemu's software TLB, a cost hardware does"
                    + " not have, paid by every stack per system call.\n\n";
        }
        String args = b.env.getOrDefault("guest_args", "");
        return "The guest's kernel runs without page-table isolation (" + (args.isBlank() ? meltdown : args.strip())
                + "), as CPUs immune to Meltdown do: under emulation it would empty qemu's software TLB at every entry to"
                + " the kernel and every return, a cost hardware does not have (`bench/vm-bench.sh --pti` measures with it).\n\n";
    }

    /**
     * Whether the guest's kernel isolated its page tables, from its Meltdown status as the kernel words it
     * ("Mitigation: PTI"; "Vulnerable" or "Not affected" without); null when the run recorded none or an unknown one.
     */
    private Boolean isolatedPageTables() {
        String meltdown = b.env.get("meltdown");
        if (meltdown == null) {
            return null;
        }
        if (meltdown.contains("PTI")) {
            return true;
        }
        return meltdown.startsWith("Vulnerable") || meltdown.startsWith("Not affected") ? false : null;
    }

    /**
     * The daemon's JIT, from its command line: "C1 only" (-XX:TieredStopAtLevel=1, the tests' choice under emulation),
     * "C2 only" (-XX:-TieredCompilation, `bench/vm-bench.sh`'s default) or "the full JIT"; null when the run recorded no
     * command line. Under emulation C1's code runs several times slower than C2's, so the ratios to the C server and
     * to dm-snapshot depend on it.
     */
    private String daemonJit() {
        String cmdline = b.env.get("ublkd_cmdline");
        if (cmdline == null) {
            return null;
        }
        if (cmdline.contains("-XX:TieredStopAtLevel=1")) {
            return "C1 only";
        }
        return cmdline.contains("-XX:-TieredCompilation") ? "C2 only" : "the full JIT";
    }

    /** The report's line on the daemon's JIT; empty for runs that recorded no command line. */
    String jitLine() {
        String jit = daemonJit();
        if (jit == null) {
            return "";
        }
        String why = switch (jit) {
            case "C1 only" -> " (`bench/vm-bench.sh --jit c1`, as in the tests: under multi-threaded emulation, code the full JIT"
                    + " patches from one tier to the next runs torn; C1's code runs several times slower than the C2 code"
                    + " users' daemons run once warm, which the bench measures by default)";
            case "C2 only" -> " (`bench/vm-bench.sh --jit c2`, the default: the code users' daemons run once warm, with no patching from one"
                    + " tier to the next, which multi-threaded emulation runs torn; the tests keep C1 only"
                    + (b.env.getOrDefault("ublkd_cmdline", "").contains("-XX:CompileThresholdScaling=0.1")
                       ? "; its thresholds scaled to a tenth, so that it is done compiling within the warm-up" : "")
                    + ")";
            default -> "";
        };
        return "ublkd's JIT: " + jit + why + ".\n\n";
    }

    private static boolean fastClock(String source) {
        return source.equals("tsc") || source.equals("kvm-clock");
    }

    String report() {
        StringBuilder md = new StringBuilder();
        int reps = (int) b.runs.stream().mapToInt(Run::rep).max().orElse(0);
        md.append("# ublksnap vs dm-snapshot (").append(b.kernel).append(")\n\n");
        md.append("One VM boot, the same RAM disks (brd) for every stack; fio with io_uring and direct I/O; 4 KiB chunks (8 sectors). ")
          .append(reps).append(" repetitions of every cell, ").append(b.env.getOrDefault("seconds", "?")).append(" s each")
          .append(b.env.getOrDefault("quick", "0").equals("1") ? " (--quick: fewer cells)" : "")
          .append("; within a repetition the stacks of a cell run one after another, in an order that rotates with the repetition. ")
          .append("Numbers are **median [min–max]** of the repetitions. A difference is *inside the spread* when the two ranges overlap: ")
          .append("the runs cannot tell those apart. A ratio's interval comes from the extremes of its ranges.\n\n");
        String tcg = b.env.getOrDefault("tcg", "multi");
        if (tcg.equals("none")) {
            md.append("This guest runs with hardware virtualisation (KVM): still a guest sharing its host, so ratios within this run count more than absolute numbers.\n\n");
        } else {
            md.append("**This guest runs under software emulation (TCG")
              .append(tcg.equals("single") ? ", its vCPUs taking turns on one host thread" : "")
              .append("): absolute numbers are meaningless, only ratios within this run count.**\n\n");
        }
        md.append(clockLine());
        md.append(isolationLine());
        md.append(jitLine());
        md.append("Stacks: raw = the RAM disk; dm = the kernel's dm-snapshot; ublk = ublksnap; pass = a ublksnap origin without snapshots (ublk + Java); ")
          .append("cloop = bench/ublk-loop, a minimal C ublk server (copy mode, a thread and an io_uring per queue, ")
          .append(b.env.getOrDefault("queues", "?")).append(" queues of depth ").append(b.env.getOrDefault("depth", "?"))
          .append(" like ublkd) over the same RAM disk (ublk alone).\n\n");
        md.append("Cells: owrite-copy = 4 KiB random writes to the origin, each triggering a copy; owrite-nocopy = the same once every chunk is copied; ")
          .append("sread = 4 KiB random reads from the snapshot, half from the COW; swrite = 4 KiB random writes to the snapshot; ")
          .append("oseq = 1 MiB sequential writes to the origin (copies); sN = snapshots, qdN = queue depth. ")
          .append("A base-* cell is the same I/O on raw, pass and cloop: the transport without an engine.\n\n");

        md.append("## Snapshot cells\n\n");
        md.append("| cell | unit | dm-snapshot | ublksnap | ublksnap/dm | dm vs ublk | normalised (ublk/pass)/(dm/raw) | 1.0 | p50 µs dm / ublk | p99 µs dm / ublk |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Cell c : snapCells()) {
            Spread dm = value(c.name(), "dm");
            Spread ub = value(c.name(), "ublk");
            Ratio n = normalised(c);
            md.append("| ").append(c.name()).append(" | ").append(unit(c))
              .append(" | ").append(dm.format()).append(" | ").append(ub.format())
              .append(" | ").append(vsDm(c).format()).append(" | ").append(inside(dm, ub))
              .append(" | ").append(n.format()).append(" | ").append(ratioInside(n, 1.0))
              .append(" | ").append(Fmt.num(spread(c.name(), "dm", Run::p50us).median())).append(" / ").append(Fmt.num(spread(c.name(), "ublk", Run::p50us).median()))
              .append(" | ").append(Fmt.num(spread(c.name(), "dm", Run::p99us).median())).append(" / ").append(Fmt.num(spread(c.name(), "ublk", Run::p99us).median()))
              .append(" |\n");
        }
        md.append("\nnormalised: the engine against the kernel's engine, each over its own transport (pass and raw of the cell's base). ")
          .append("\"1.0\" says whether 1.0 lies inside the ratio's interval (inside: the runs cannot tell it from parity).\n\n");

        md.append("## The transport: raw, C ublk server, ublkd without snapshots\n\n");
        md.append("| base cell | unit | raw | cloop (C ublk) | pass (ublkd) | cost of ublk: cloop/raw | cost of ublk in Java: pass/cloop | pass vs cloop | p50 µs raw / cloop / pass |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Cell c : baseCells()) {
            Spread raw = value(c.name(), "raw");
            Spread cl = value(c.name(), "cloop");
            Spread pa = value(c.name(), "pass");
            md.append("| ").append(c.name()).append(" | ").append(unit(c))
              .append(" | ").append(raw.format()).append(" | ").append(cl.format()).append(" | ").append(pa.format())
              .append(" | ").append(cl.over(raw).format()).append(" | ").append(pa.over(cl).format())
              .append(" | ").append(inside(pa, cl))
              .append(" | ").append(Fmt.num(spread(c.name(), "raw", Run::p50us).median())).append(" / ")
              .append(Fmt.num(spread(c.name(), "cloop", Run::p50us).median())).append(" / ")
              .append(Fmt.num(spread(c.name(), "pass", Run::p50us).median())).append(" |\n");
        }
        md.append("\nRatios below 1.0 are costs: cloop/raw = what ublk itself costs; pass/cloop = what ublkd's Java server costs on top of a minimal C server.\n\n");

        md.append("## Where the time goes: CPU per request\n\n");
        md.append("Server CPU from /proc/PID/task/*/schedstat before and after each measured run, split by thread class; ")
          .append("fio's own CPU (usr+sys) from its JSON; the whole guest's busy time from /proc/stat (2 CPUs shared by fio, the kernel and the server). ")
          .append("µs per request, medians of the repetitions; slices = times the queue threads were put on a CPU (wake-ups) per request; ")
          .append("queue user / kernel = the queue threads' time split by mode (utime and stime: 10 ms ticks, scaled by the kernel over each thread's life, so rough, most of all for the pass-through threads, which live through a repetition's base cells).\n\n");
        md.append("| cell | stack | server total | queue | io-wq | JIT | GC | control | other | queue slices/req | queue user / kernel | fio | guest |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Cell c : b.cells.values()) {
            for (String st : c.stacks()) {
                if (b.runs(c.name(), st).isEmpty()) {
                    continue;
                }
                boolean server = st.equals("ublk") || st.equals("pass") || st.equals("cloop");
                md.append("| ").append(c.name()).append(" | ").append(st);
                md.append(" | ").append(server ? us(cpuPerRequest(c.name(), st, null)) : "-");
                for (Kind k : Kind.values()) {
                    md.append(" | ").append(server ? us(cpuPerRequest(c.name(), st, k)) : "-");
                }
                md.append(" | ").append(server ? Fmt.num(slicesPerRequest(c.name(), st, Kind.QUEUE).median()) : "-");
                md.append(" | ").append(server ? modes(c.name(), st) : "-");
                md.append(" | ").append(us(fioCpuPerRequest(c.name(), st)));
                md.append(" | ").append(us(guestCpuPerRequest(c.name(), st))).append(" |\n");
            }
        }
        md.append('\n');

        md.append("## io_uring per request (probes)\n\n");
        if (b.probes.isEmpty()) {
            md.append("No probes in this run (strace was not available in the guest).\n\n");
        } else {
            boolean perf = b.probes.stream().anyMatch(p -> p.counts().containsKey("io_uring_complete"));
            md.append("One extra ").append(b.env.getOrDefault("probe_seconds", "?"))
              .append(" s run per probed cell and server stack in the last repetition, after its measured run and not part of the medians. ");
            if (perf) {
                md.append("`perf stat --per-thread` counted the tracepoints syscalls:sys_enter_io_uring_enter, io_uring:io_uring_submit_req (SQEs), ")
                  .append("io_uring:io_uring_complete (CQEs), io_uring:io_uring_task_work_run, io_uring:io_uring_queue_async_work (punted to io-wq) and context switches. ");
            } else {
                md.append("strace followed every thread of the server: io_uring_enter calls, and the SQEs they consumed (the sum of their return values). ")
                  .append("ptrace slows every system call, so at depth 32 the batching differs from a measured run; at depth 1 the counts are exact. ");
            }
            md.append("Per fio request; \"queue / all\": the queue threads' share and the whole process's, where they differ.\n\n");
            md.append("| cell | stack | io_uring_enter | SQEs |").append(perf ? " CQEs | task work runs | punted to io-wq | context switches (queue / all) |" : "").append('\n');
            md.append("|---|---|---|---|").append(perf ? "---|---|---|---|" : "").append('\n');
            for (Probe p : b.probes) {
                md.append("| ").append(p.cell()).append(" | ").append(p.stack())
                  .append(" | ").append(both(p, "sys_enter_io_uring_enter"))
                  .append(" | ").append(both(p, "io_uring_submit_req"));
                if (perf) {
                    md.append(" | ").append(both(p, "io_uring_complete"))
                      .append(" | ").append(Fmt.num(p.perRequest("io_uring_task_work_run", null)))
                      .append(" | ").append(Fmt.num(p.perRequest("io_uring_queue_async_work", null)))
                      .append(" | ").append(Fmt.num(p.perRequest("context-switches", Kind.QUEUE))).append(" / ")
                      .append(Fmt.num(p.perRequest("context-switches", null)));
                }
                md.append(" |\n");
            }
            md.append('\n');
            if (b.probes.stream().anyMatch(p -> !p.kinds().isEmpty())) {
                md.append("ublkd's own counters over the same probes (`ublkd stats`, after minus before), per kind of request: ")
                  .append("io_uring_enter calls its queue made while the request was in ublkd (exact at depth 1; at depth 32 ")
                  .append("requests in flight together each count the calls they share), and the mean time from arrival ")
                  .append("to answer (slowed by strace's ptrace like every system call).\n\n");
                md.append("| cell | stack | kind | requests | io_uring_enter per request | mean time in ublkd (µs) |\n|---|---|---|---|---|---|\n");
                for (Probe p : b.probes) {
                    for (BenchRun.KindCount k : p.kinds()) {
                        md.append("| ").append(p.cell()).append(" | ").append(p.stack()).append(" | ").append(k.kind())
                          .append(" | ").append(k.requests()).append(" | ").append(Fmt.num(k.entriesPerRequest()))
                          .append(" | ").append(Fmt.num(k.meanMicros())).append(" |\n");
                    }
                }
                md.append('\n');
            }
        }

        jfr(md);

        md.append("## The JIT during measured runs\n\n");
        long withJit = b.runs.stream().filter(r -> (r.stack().equals("ublk") || r.stack().equals("pass")) && r.jitEvents() > 0).count();
        long ublkdRuns = b.runs.stream().filter(r -> r.stack().equals("ublk") || r.stack().equals("pass")).count();
        int events = b.runs.stream().mapToInt(Run::jitEvents).sum();
        md.append("ublkd runs with -Xlog:jit+compilation=debug (one line per compilation and per method made not entrant)")
          .append(b.env.getOrDefault("mem_daemon", "own").equals("measured") ? " and -XX:NativeMemoryTracking=summary (for the memory snapshots at the end)" : "")
          .append("C1 only".equals(daemonJit())
                  ? ", C1 only (multi-threaded emulation runs code torn while the full JIT patches it; it/lib.sh)"
                  : "C2 only".equals(daemonJit())
                  ? ", C2 only (no code patched from one tier to the next)"
                  : b.env.getOrDefault("tcg", "multi").equals("single")
                  ? ", with the full JIT (the guest's vCPUs take turns on one host thread, where no code runs torn)"
                  : ", with the full JIT")
          .append(" and --on-crash remove (a crash ends a run with errors, not a hang); no other option is added to the JVM ublkd's launcher gives the daemon. ");
        md.append("Warm-up rounds (JIT events each): ");
        List<String> w = new ArrayList<>();
        for (int[] r : b.warmup) {
            w.add(r[0] + ": " + r[1]);
        }
        md.append(w.isEmpty() ? "none" : String.join(", ", w)).append(". ");
        md.append(String.format(Locale.ROOT, "Measured ublkd runs with any JIT event: %d of %d; events in all of them: %d.%n%n", withJit, ublkdRuns, events));
        md.append("| cell | stack | JIT events per run: median [min–max] |\n|---|---|---|\n");
        for (Cell c : b.cells.values()) {
            for (String st : List.of("ublk", "pass")) {
                if (c.stacks().contains(st) && !b.runs(c.name(), st).isEmpty()) {
                    md.append("| ").append(c.name()).append(" | ").append(st).append(" | ")
                      .append(ints(spread(c.name(), st, r -> r.jitEvents()))).append(" |\n");
                }
            }
        }
        if (!b.compiledDuringRuns.isEmpty()) {
            md.append("\nMethods compiled during measured runs and merges (most frequent first):\n\n");
            b.compiledDuringRuns.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                    .forEach(e -> md.append("- `").append(e.getKey()).append("` ×").append(e.getValue()).append('\n'));
        }
        md.append('\n');

        md.append("## Merge\n\n");
        Spread mdm = mergeMs("dm");
        Spread mub = mergeMs("ublk");
        if (mdm.present() && mub.present()) {
            long bytes = b.merges.getFirst().bytes();
            Ratio r = mergeMbps("ublk").over(mergeMbps("dm"));
            md.append(String.format(Locale.ROOT, "Merge of %d MiB of exceptions, %d times each, dm and ublkd in turns (the order alternates with the repetition). ",
                    bytes >> 20, mdm.n()));
            md.append("dm: from `dmsetup resume` of the snapshot-merge table until its status shows no exception left (polled every 50 ms, ")
              .append("each look a dmsetup process of some 50 ms in the guest: dm's times may be up to 0.1 s longer than its merges). ");
            if (b.env.getOrDefault("merge_clock", "").equals("daemon")) {
                md.append("ublkd: the daemon's own time from the merge's start to its end (the \"complete in\" line of its log).\n\n");
            } else if (Files.exists(b.dir.resolve("cpu").resolve("merge.ublk.r1.progress"))) {
                md.append("ublkd: from the first progress line of `ublkd merge --wait` (printed right after the daemon accepted the merge) to its last; ")
                  .append("the client polls every 250 ms, so a merge under a second is known to about ±0.3 s.\n\n");
            } else {
                md.append("**ublkd: this run timed the whole `ublkd merge --wait`, including its client's JVM start (seconds in the guest): ")
                  .append("its merge times are too long.**\n\n");
            }
            md.append("| stack | seconds | MB/s |\n|---|---|---|\n");
            md.append("| dm-snapshot | ").append(scaled(mdm, 1e-3)).append(" | ").append(mergeMbps("dm").format()).append(" |\n");
            md.append("| ublksnap | ").append(scaled(mub, 1e-3)).append(" | ").append(mergeMbps("ublk").format()).append(" |\n");
            md.append("\nublksnap/dm throughput ").append(r.format()).append(", ").append(inside(mergeMbps("dm"), mergeMbps("ublk"))).append(". ");
            List<Double> cpu = new ArrayList<>();
            List<Double> queue = new ArrayList<>();
            List<Double> control = new ArrayList<>();
            for (Merge m : b.merges) {
                if (m.stack().equals("ublk") && m.cpu() != null) {
                    cpu.add(m.cpu().totalNs() / 1e9);
                    queue.add(m.cpu().ns().get(Kind.QUEUE) / 1e9);
                    control.add(m.cpu().ns().get(Kind.CONTROL) / 1e9);
                }
            }
            md.append("ublkd CPU during its merges: ").append(Spread.of(cpu).format()).append(" s (the control thread, which issues the merge's I/O, ")
              .append(Spread.of(control).format()).append(" s; queue threads ")
              .append(Spread.of(queue).format()).append(" s); JIT events during them: ")
              .append(b.merges.stream().filter(m -> m.stack().equals("ublk")).mapToInt(Merge::jitEvents).sum()).append(".\n\n");
        } else {
            md.append("No merge in this run.\n\n");
        }

        md.append("## Memory\n\n");
        if (b.memory.isEmpty()) {
            md.append("No memory snapshot in this run.\n\n");
        } else {
            md.append(b.env.getOrDefault("mem_daemon", "own").equals("own")
                    ? "A daemon of its own with -XX:NativeMemoryTracking=summary (the measured daemon runs without it)"
                    : "The measured daemon (started with -XX:NativeMemoryTracking=summary for this), after all the runs and merges")
              .append(", at rest after 256 MiB of 1 MiB writes to the origin: ")
              .append("65,536 exceptions in each snapshot")
              .append(b.memory.stream().anyMatch(m -> m.label().equals("s4-1m"))
                      ? "; with 1 M exceptions, a daemon of its own that reopened 4 COWs crafted with 262,144 exceptions each (metadata only: "
                        + "their data chunks are holes), at rest after 32 MiB of random 4 KiB writes to the origin (some 8,000 more in each)" : "")
              .append(". MiB. NMT counts committed memory, not all of it resident; \"outside NMT\" = resident - NMT's committed total ")
              .append("(kernel-mapped rings and ublk descriptors, libc malloc arenas not tracked, ...; negative when committed pages are not all touched).\n\n");
            List<String> cats = new ArrayList<>();
            for (Memory m : b.memory) {
                for (String k : m.nmt().keySet()) {
                    if (!cats.contains(k) && !k.equals("Total")) {
                        cats.add(k);
                    }
                }
            }
            md.append("| | ").append(String.join(" | ", b.memory.stream().map(Memory::heading).toList())).append(" |\n");
            md.append("|---|").append("---|".repeat(b.memory.size())).append('\n');
            row(md, "exceptions", m -> m.exceptions().toString());
            row(md, "resident (RSS)", m -> Fmt.mib(m.rssKib()));
            row(md, "of it anonymous", m -> Fmt.mib(m.anonKib()));
            row(md, "of it file-backed", m -> Fmt.mib(m.fileKib()));
            row(md, "heap used / committed", m -> Fmt.mib(m.heapUsedKib()) + " / " + Fmt.mib(m.heapCommittedKib()));
            row(md, "metaspace used", m -> Fmt.mib(m.metaspaceUsedKib()));
            row(md, "threads", m -> String.valueOf(m.threads()));
            row(md, "NMT committed total", m -> Fmt.mib(m.nmt().getOrDefault("Total", -1L)));
            for (String k : cats) {
                row(md, "NMT " + k, m -> Fmt.mib(m.nmt().getOrDefault(k, 0L)));
            }
            row(md, "outside NMT", m -> m.nmt().containsKey("Total") ? Fmt.mib(m.rssKib() - m.nmt().get("Total")) : "-");
            md.append('\n');
            for (Memory m : b.memory) {
                if (m.mappings().isEmpty()) {
                    continue;
                }
                md.append("Resident memory by mapping (/proc/PID/smaps), ").append(m.what())
                  .append(", the largest groups: ");
                List<String> g = new ArrayList<>();
                m.mappings().entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(6)
                        .forEach(e -> g.add(e.getKey() + " ×" + e.getValue()[0] + ": " + Fmt.mib(e.getValue()[1]) + " MiB"));
                md.append(String.join("; ", g)).append(".\n\n");
            }
        }

        md.append("## What stands out (generated)\n\n");
        List<String> sig = signals();
        if (sig.isEmpty()) {
            md.append("Nothing above the thresholds.\n");
        }
        for (String x : sig) {
            md.append("- ").append(x).append('\n');
        }
        md.append('\n');

        md.append("## Targets of issue 10 in this run\n\n");
        targets(md);

        md.append("\n## How long it took\n\n");
        List<Map.Entry<String, Long>> ph = new ArrayList<>(b.phases.entrySet());
        for (int i = 0; i + 1 < ph.size(); i++) {
            md.append("- ").append(ph.get(i).getKey()).append(": ")
              .append(String.format(Locale.ROOT, "%.0f s", (ph.get(i + 1).getValue() - ph.get(i).getValue()) / 1000.0)).append('\n');
        }
        if (!ph.isEmpty()) {
            md.append(String.format(Locale.ROOT, "- in the guest, all: %.0f s%n", ph.getLast().getValue() / 1000.0));
        }
        return md.toString();
    }

    private void row(StringBuilder md, String name, java.util.function.Function<Memory, String> f) {
        md.append("| ").append(name);
        for (Memory m : b.memory) {
            md.append(" | ").append(f.apply(m));
        }
        md.append(" |\n");
    }

    private static String both(Probe p, String event) {
        double q = p.perRequest(event, Kind.QUEUE);
        double all = p.perRequest(event, null);
        return Math.abs(q - all) < 0.005 ? Fmt.num(all) : Fmt.num(q) + " / " + Fmt.num(all);
    }

    private static String ints(Spread s) {
        return s.present() ? String.format(Locale.ROOT, "%.0f [%.0f–%.0f]", s.median(), s.min(), s.max()) : "-";
    }

    private static String us(Spread ns) {
        return ns.present() ? Fmt.num(ns.median() / 1000) : "-";
    }

    private static String scaled(Spread s, double k) {
        return s.present() ? new Spread(s.median() * k, s.min() * k, s.max() * k, s.n()).format() : "-";
    }

    /**
     * Leads for whoever tunes ublkd, from fixed thresholds: noisy cells (range over 25% of the median), JIT or GC
     * taking more than 5% of the server's CPU in measured runs, requests punted to io-wq, and more io_uring_enter
     * calls per request than the C server makes for the same I/O.
     */
    List<String> signals() {
        List<String> out = new ArrayList<>();
        for (Cell c : b.cells.values()) {
            for (String st : c.stacks()) {
                Spread v = value(c.name(), st);
                if (v.n() >= 2 && v.relativeWidth() > 0.25) {
                    out.add(String.format(Locale.ROOT, "noisy: %s on %s spans %.0f%% of its median (%s)", c.name(), st, v.relativeWidth() * 100, v.format()));
                }
                if (st.equals("ublk") || st.equals("pass")) {
                    double total = cpuPerRequest(c.name(), st, null).median();
                    for (Kind k : List.of(Kind.JIT, Kind.GC)) {
                        double part = cpuPerRequest(c.name(), st, k).median();
                        if (total > 0 && part / total > 0.05) {
                            out.add(String.format(Locale.ROOT, "%s: %s: %.0f%% of ublkd's CPU in %s (%s µs per request)",
                                    st, k.label, part / total * 100, c.name(), Fmt.num(part / 1000)));
                        }
                    }
                }
            }
        }
        for (Probe p : b.probes) {
            double punted = p.perRequest("io_uring_queue_async_work", null);
            if (punted > 0.05) {
                out.add(String.format(Locale.ROOT, "%s on %s: %.2f io_uring requests per request go to io-wq (a worker thread hop each)", p.cell(), p.stack(), punted));
            }
            Cell c = b.cells.get(p.cell());
            String baseName = c == null ? null : c.isBase() ? c.name() : c.base();
            Probe peer = baseName == null ? null : b.probe(baseName, "cloop");
            if (peer != null && !p.stack().equals("cloop")) {
                double mine = p.perRequest("sys_enter_io_uring_enter", null);
                double theirs = peer.perRequest("sys_enter_io_uring_enter", null);
                if (mine > theirs * 1.25 && mine - theirs > 0.1) {
                    out.add(String.format(Locale.ROOT, "%s on %s: %.2f io_uring_enter calls per request against %.2f for the C server on %s",
                            p.cell(), p.stack(), mine, theirs, baseName));
                }
            }
        }
        return out;
    }

    /** The JFR recordings the bench took of ublkd (DIR/jfr/NAME.jfr), summarised. */
    private void jfr(StringBuilder md) {
        Path dir = b.dir.resolve("jfr");
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".jfr")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            return;
        }
        md.append("## JFR profiles (probes)\n\n");
        md.append("One JFR recording (`settings=profile method-profiling=max`: a Java stack every 1 ms of a thread running Java code, ")
          .append("every 20 ms of one in native code) of the daemon of the million-exception memory cell, after its memory snapshot and ")
          .append("not part of any number above: ").append(b.env.getOrDefault("probe_seconds", "?"))
          .append(" s of 4 KiB random writes at depth 1 to its origin (each copies into the snapshots that do not hold its chunk yet: ")
          .append("3 of the 4 crafted ones and a fifth), then the merge of the fifth (")
          .append(b.env.getOrDefault("jfr_merge_mib", "?")).append(" MiB written to it, and the copies). The writes run on the queue ")
          .append("threads, the merge's I/O on the control thread. Samples by the method on top of the stack, and by the first ublksnap ")
          .append("method on it. The recordings are in `jfr/` (`jfr print`, JDK Mission Control).\n\n");
        for (Path f : files) {
            String name = f.getFileName().toString();
            md.append("**").append(name, 0, name.length() - 4).append("**\n\n");
            try {
                md.append(JfrSummary.read(f).markdown(6));
            } catch (IOException | RuntimeException e) {
                md.append("- unreadable: ").append(e.getMessage()).append('\n');
            }
            md.append('\n');
        }
    }

    /**
     * The targets of issue 10, judged on this run's medians and intervals. A target missed at the median says why in
     * numbers under it: where each stack's CPU went per request, and what its queue sent to the kernel.
     */
    private void targets(StringBuilder md) {
        for (Cell c : snapCells()) {
            Ratio n = normalised(c);
            if (n.present()) {
                target(md, "normalised ratio ≥ 1.0 in " + c.name(), n, 1.0, true, () -> whyAgainstDm(c));
            }
        }
        for (Cell c : baseCells()) {
            Ratio r = value(c.name(), "pass").over(value(c.name(), "cloop"));
            if (r.present()) {
                target(md, "pass-through ≥ 1.0x the C server in " + c.name(), r, 1.0, true,
                        () -> whyAgainst(c.name(), "pass", c.name(), "cloop", true));
            }
        }
        for (Cell c : snapCells()) {
            if (c.name().startsWith("owrite-copy") && c.qd() == 1) {
                Ratio r = spread(c.name(), "ublk", Run::p50us).over(spread(c.base(), "pass", Run::p50us));
                if (r.present()) {
                    target(md, "a copying origin write's p50 ≤ 1.5x a pass-through write's (" + c.name() + " against "
                            + c.base() + ")", r, 1.5, false, () -> whyAgainst(c.name(), "ublk", c.base(), "pass", true));
                }
            }
        }
        for (Cell c : snapCells()) {
            Cell one = c.nsnap() == 4 && c.name().startsWith("owrite-nocopy") ? b.cells.get(c.name().replace("-s4-", "-s1-")) : null;
            if (one != null) {
                Ratio r = value(c.name(), "ublk").over(value(one.name(), "ublk"));
                if (r.present()) {
                    target(md, "origin writes that copy nothing, 4 snapshots ≥ 0.9x 1 snapshot (" + c.name() + " against "
                            + one.name() + ")", r, 0.9, true, () -> whyAgainst(c.name(), "ublk", one.name(), "ublk", true));
                }
            }
        }
        for (Cell c : snapCells()) {
            if ((c.name().startsWith("owrite-copy") && c.nsnap() == 4) || c.name().startsWith("oseq")) {
                Ratio r = vsDm(c);
                if (r.present()) {
                    target(md, "ublksnap ≥ 1.0x dm-snapshot in " + c.name(), r, 1.0, true, () -> whyAgainstDm(c));
                }
            }
        }
        Ratio merge = mergeMbps("ublk").over(mergeMbps("dm"));
        if (merge.present()) {
            target(md, "merge ≥ 1.5x dm-snapshot", merge, 1.5, true, () -> null);
        }
        for (Memory m : b.memory) {
            if (m.label().equals("s4-1m") && m.rssKib() > 0) {
                double mib = m.rssKib() / 1024.0;
                md.append("- resident ≤ 128 MiB with ").append(m.what()).append(": ").append(Fmt.num(mib))
                  .append(" MiB (one measurement): **").append(mib <= 128 ? "met" : "missed").append("**\n");
            }
        }
    }

    /** One target's line, and when its median misses, the numbers that say why (when there are any). */
    private static void target(StringBuilder md, String what, Ratio r, double target, boolean atLeast,
                               java.util.function.Supplier<String> why) {
        md.append("- ").append(verdict(what, r, target, atLeast)).append('\n');
        boolean missed = atLeast ? r.value() < target : r.value() > target;
        String w = missed ? why.get() : null;
        if (w != null) {
            md.append("  - why: ").append(w).append('\n');
        }
    }

    static String verdict(String what, Ratio r, double target, boolean atLeast) {
        boolean allMet = atLeast ? r.lo() >= target : r.hi() <= target;
        boolean allMissed = atLeast ? r.hi() < target : r.lo() > target;
        boolean medianMet = atLeast ? r.value() >= target : r.value() <= target;
        String v = allMet ? "met" : allMissed ? "missed" : medianMet ? "met at the median, inside the spread" : "missed at the median, inside the spread";
        return what + ": " + r.format() + ": **" + v + "**";
    }

    /**
     * Where two server stacks' time went per request, side by side (medians): the server's CPU, its queue threads'
     * user and kernel time, the guest's busy time (if {@code guestToo}), and the io_uring_enter calls and SQEs of the
     * probes where there are some. Null when the run has none of these numbers.
     */
    String whyAgainst(String cell, String stack, String otherCell, String otherStack, boolean guestToo) {
        List<String> parts = new ArrayList<>();
        String mine = stack + (cell.equals(otherCell) ? "" : " in " + cell);
        String theirs = otherStack + (cell.equals(otherCell) ? "" : " in " + otherCell);
        Spread total = cpuPerRequest(cell, stack, null);
        Spread otherTotal = cpuPerRequest(otherCell, otherStack, null);
        if (total.present() && otherTotal.present()) {
            parts.add("server CPU per request " + us(total) + " µs on " + mine + " against " + us(otherTotal) + " on " + theirs);
        }
        String modes = modes(cell, stack);
        String otherModes = modes(otherCell, otherStack);
        if (!modes.equals("-") && !otherModes.equals("-")) {
            parts.add("queue threads' user / kernel time " + modes + " µs on " + mine + " against " + otherModes + " on " + theirs);
        }
        Spread guest = guestCpuPerRequest(cell, stack);
        Spread otherGuest = guestCpuPerRequest(otherCell, otherStack);
        if (guestToo && guest.present() && otherGuest.present()) {
            parts.add("the guest's busy time " + us(guest) + " µs against " + us(otherGuest));
        }
        Probe p = b.probe(cell, stack);
        Probe q = b.probe(otherCell, otherStack);
        if (p != null && q != null && !Double.isNaN(p.perRequest("sys_enter_io_uring_enter", null))
                && !Double.isNaN(q.perRequest("sys_enter_io_uring_enter", null))) {
            parts.add(String.format(Locale.ROOT, "io_uring_enter calls %s against %s and SQEs %s against %s per request (probes)",
                    Fmt.num(p.perRequest("sys_enter_io_uring_enter", null)), Fmt.num(q.perRequest("sys_enter_io_uring_enter", null)),
                    Fmt.num(p.perRequest("io_uring_submit_req", null)), Fmt.num(q.perRequest("io_uring_submit_req", null))));
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** Where ublksnap's and dm-snapshot's time went in one cell (dm has no server: the guest's busy time tells). */
    String whyAgainstDm(Cell c) {
        List<String> parts = new ArrayList<>();
        Spread guest = guestCpuPerRequest(c.name(), "ublk");
        Spread dmGuest = guestCpuPerRequest(c.name(), "dm");
        if (guest.present() && dmGuest.present()) {
            parts.add("the guest's busy time per request " + us(guest) + " µs with ublksnap against " + us(dmGuest) + " with dm-snapshot");
        }
        Spread fio = fioCpuPerRequest(c.name(), "ublk");
        Spread dmFio = fioCpuPerRequest(c.name(), "dm");
        if (fio.present() && dmFio.present()) {
            parts.add("fio's own " + us(fio) + " against " + us(dmFio));
        }
        String against = c.isBase() ? null : whyAgainst(c.name(), "ublk", c.base(), "pass", false);
        if (against != null) {
            parts.add(against);
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** The queue threads' user / kernel time per request of one stack in one cell, µs ("a / b"), or "-". */
    private String modes(String cell, String stack) {
        Spread u = queueModePerRequest(cell, stack, true);
        Spread k = queueModePerRequest(cell, stack, false);
        return u.present() && k.present() ? us(u) + " / " + us(k) : "-";
    }

    // ---- results.json

    Map<String, Object> json() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("kernel", b.kernel);
        all.put("env", b.env);
        List<Object> cells = new ArrayList<>();
        for (Cell c : b.cells.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cell", c.name());
            m.put("unit", unit(c));
            m.put("snapshots", c.nsnap());
            m.put("qd", c.qd());
            m.put("base", c.isBase() ? null : c.base());
            Map<String, Object> stacks = new LinkedHashMap<>();
            for (String st : c.stacks()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("value", spreadJson(value(c.name(), st)));
                s.put("p50_us", spreadJson(spread(c.name(), st, Run::p50us)));
                s.put("p99_us", spreadJson(spread(c.name(), st, Run::p99us)));
                s.put("server_cpu_ns_per_req", spreadJson(cpuPerRequest(c.name(), st, null)));
                Map<String, Object> byKind = new LinkedHashMap<>();
                for (Kind k : Kind.values()) {
                    byKind.put(k.name().toLowerCase(Locale.ROOT), spreadJson(cpuPerRequest(c.name(), st, k)));
                }
                s.put("server_cpu_ns_per_req_by_class", byKind);
                s.put("queue_slices_per_req", spreadJson(slicesPerRequest(c.name(), st, Kind.QUEUE)));
                s.put("queue_user_ns_per_req", spreadJson(queueModePerRequest(c.name(), st, true)));
                s.put("queue_kernel_ns_per_req", spreadJson(queueModePerRequest(c.name(), st, false)));
                s.put("fio_cpu_ns_per_req", spreadJson(fioCpuPerRequest(c.name(), st)));
                s.put("guest_cpu_ns_per_req", spreadJson(guestCpuPerRequest(c.name(), st)));
                s.put("jit_events", spreadJson(spread(c.name(), st, r -> r.jitEvents())));
                List<Object> reps = new ArrayList<>();
                for (Run r : b.runs(c.name(), st)) {
                    reps.add(Map.of("rep", r.rep(), "value", r.value(), "ios", r.ios(), "wall_ms", r.wallMs(), "jit_events", r.jitEvents()));
                }
                s.put("runs", reps);
                Probe p = b.probe(c.name(), st);
                if (p != null) {
                    Map<String, Object> pm = new LinkedHashMap<>();
                    for (String ev : p.counts().keySet()) {
                        pm.put(ev, p.perRequest(ev, null));
                        pm.put(ev + "_queue", p.perRequest(ev, Kind.QUEUE));
                    }
                    s.put("probe_per_req", pm);
                    if (!p.kinds().isEmpty()) {
                        List<Object> kinds = new ArrayList<>();
                        for (BenchRun.KindCount k : p.kinds()) {
                            kinds.add(Map.of("kind", k.kind(), "requests", k.requests(), "kernel_entries_per_req", k.entriesPerRequest(),
                                    "mean_us", k.meanMicros()));
                        }
                        s.put("probe_ublkd_kinds", kinds);
                    }
                }
                stacks.put(st, s);
            }
            m.put("stacks", stacks);
            if (c.isBase()) {
                m.put("cloop_over_raw", ratioJson(value(c.name(), "cloop").over(value(c.name(), "raw"))));
                m.put("pass_over_cloop", ratioJson(value(c.name(), "pass").over(value(c.name(), "cloop"))));
            } else {
                m.put("ublk_over_dm", ratioJson(vsDm(c)));
                m.put("normalised", ratioJson(normalised(c)));
            }
            cells.add(m);
        }
        all.put("cells", cells);
        Map<String, Object> merge = new LinkedHashMap<>();
        merge.put("dm_ms", spreadJson(mergeMs("dm")));
        merge.put("ublk_ms", spreadJson(mergeMs("ublk")));
        merge.put("ublk_over_dm_throughput", ratioJson(mergeMbps("ublk").over(mergeMbps("dm"))));
        all.put("merge", merge);
        List<Object> mem = new ArrayList<>();
        for (Memory m : b.memory) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("label", m.label());
            x.put("exceptions", m.exceptions());
            x.put("rss_kib", m.rssKib());
            x.put("anon_kib", m.anonKib());
            x.put("heap_used_kib", m.heapUsedKib());
            x.put("heap_committed_kib", m.heapCommittedKib());
            x.put("metaspace_used_kib", m.metaspaceUsedKib());
            x.put("nmt_committed_kib", m.nmt());
            mem.add(x);
        }
        all.put("memory", mem);
        List<Object> warm = new ArrayList<>();
        for (int[] r : b.warmup) {
            warm.add(Map.of("round", r[0], "jit_events", r[1]));
        }
        all.put("warmup", warm);
        all.put("phases_ms", b.phases);
        return all;
    }

    private static Object spreadJson(Spread s) {
        if (!s.present()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", s.median());
        m.put("min", s.min());
        m.put("max", s.max());
        m.put("n", s.n());
        return m;
    }

    private static Object ratioJson(Ratio r) {
        if (!r.present()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", r.value());
        m.put("lo", r.lo());
        m.put("hi", r.hi());
        return m;
    }

    // ---- chart

    List<RatioChart.Row> chartRows() {
        List<RatioChart.Row> rows = new ArrayList<>();
        for (Cell c : snapCells()) {
            rows.add(new RatioChart.Row(c.name(), vsDm(c), normalised(c)));
        }
        for (Cell c : baseCells()) {
            rows.add(new RatioChart.Row(c.name() + " pass/cloop", value(c.name(), "pass").over(value(c.name(), "cloop")), Ratio.NONE));
        }
        Ratio merge = mergeMbps("ublk").over(mergeMbps("dm"));
        if (merge.present()) {
            rows.add(new RatioChart.Row("merge " + (b.merges.getFirst().bytes() >> 20) + " MiB", merge, Ratio.NONE));
        }
        return rows;
    }

    // ---- README section

    String readmeSection() {
        StringBuilder md = new StringBuilder();
        int reps = (int) b.runs.stream().mapToInt(Run::rep).max().orElse(0);
        md.append(BEGIN).append('\n');
        md.append("<!-- generated by bench/update-readme.sh from ").append(rel).append(": do not edit by hand -->\n");
        md.append("Latest run: `").append(rel).append("` (Linux ").append(b.kernel).append(", emulated guest")
          .append(isolatedPageTables() == null ? "" : isolatedPageTables()
                  ? " with page-table isolation" : " without page-table isolation (pti=off)")
          .append(daemonJit() == null ? "" : ", ublkd with " + daemonJit())
          .append(", ")
          .append(reps).append(" repetitions per cell, interleaved; ")
          .append(b.env.getOrDefault("quick", "0").equals("1") ? "--quick" : "full").append(" run). ")
          .append("Medians with the interval the repetitions allow; only ratios within one run mean anything under emulation. ")
          .append("Full report: `").append(rel.resolve("report.md")).append("`.\n\n");
        md.append("| cell | ublksnap / dm-snapshot | normalised (ublk/pass)/(dm/raw) |\n|---|---|---|\n");
        for (Cell c : snapCells()) {
            md.append("| ").append(c.name()).append(" | ").append(vsDm(c).format()).append(" | ").append(normalised(c).format()).append(" |\n");
        }
        md.append("\n| transport | cost of ublk (C server / raw) | cost of ublk in Java (ublkd / C server) |\n|---|---|---|\n");
        for (Cell c : baseCells()) {
            md.append("| ").append(c.name().replace("base-", "")).append(" | ")
              .append(value(c.name(), "cloop").over(value(c.name(), "raw")).format()).append(" | ")
              .append(value(c.name(), "pass").over(value(c.name(), "cloop")).format()).append(" |\n");
        }
        Ratio merge = mergeMbps("ublk").over(mergeMbps("dm"));
        md.append('\n');
        if (merge.present()) {
            md.append("Merge of ").append(b.merges.getFirst().bytes() >> 20).append(" MiB: ublksnap/dm-snapshot ").append(merge.format()).append(". ");
        }
        for (Memory m : b.memory) {
            md.append("ublkd resident with ").append(m.what()).append(": ").append(Fmt.mib(m.rssKib())).append(" MiB. ");
        }
        md.append("\n\n![ublksnap / dm-snapshot](").append(rel.resolve("ratios.png")).append(")\n");
        md.append(END).append('\n');
        return md.toString();
    }

    static Comparator<String> byName() {
        return Comparator.naturalOrder();
    }
}
