package io.ublksnap.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of a server's threads over one run, by class of thread, from two snapshots that bench/vm/inside.sh
 * takes of /proc/PID/task/{@literal *}/schedstat and stat (lines: tid, name, run ns, time slices, utime, stime),
 * and of the guest's /proc/stat (line "cpu-total"). userNs and systemNs split the same time by mode, from utime and
 * stime; empty when a snapshot has no such columns. A rough split: the kernel samples the mode at each 10 ms tick
 * and scales the thread's whole run time by the ratio of its ticks since the thread began (cputime_adjust), so a
 * difference of two snapshots carries some of the thread's earlier runs with it (pass-through's queue threads live
 * through all the base cells of a repetition); exact enough for threads born for the run, or for many ticks.
 */
record ThreadCpu(Map<Kind, Long> ns, Map<Kind, Long> slices, Map<Kind, Long> userNs, Map<Kind, Long> systemNs,
                 long guestBusyNs, boolean server) {

    /** Linux's USER_HZ: utime, stime and /proc/stat count in hundredths of a second. */
    private static final long TICK_NS = 10_000_000L;

    /** Classes of threads, by their names (Linux keeps the first 15 characters). */
    enum Kind {
        QUEUE("queue threads (ublkNqM, cloop-qN)"),
        IO_WQ("io_uring workers of the process (iou-wrk)"),
        JIT("JIT compiler threads"),
        GC("GC threads"),
        CONTROL("the control thread (ublkd-control: commands, and a merge's I/O)"),
        OTHER("everything else");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        private static final Pattern QUEUE_NAME = Pattern.compile("ublk\\d+q\\d+|cloop-q\\d+");

        static Kind of(String name) {
            if (QUEUE_NAME.matcher(name).matches()) {
                return QUEUE;
            }
            if (name.startsWith("iou-wrk") || name.startsWith("iou-sqp")) {
                return IO_WQ;
            }
            if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                return JIT;
            }
            if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                return GC;
            }
            if (name.equals("ublkd-control")) {
                return CONTROL;
            }
            return OTHER;
        }
    }

    /** One thread in one snapshot; utime and stime are -1 when the line has no such columns. */
    private record Sample(String name, long ns, long slices, long utime, long stime) {
        boolean split() {
            return utime >= 0 && stime >= 0;
        }
    }

    static ThreadCpu between(Path pre, Path post) throws IOException {
        if (!Files.exists(pre) || !Files.exists(post)) {
            return null;
        }
        Map<String, Sample> a = new HashMap<>();
        long[] guestA = read(pre, a);
        Map<String, Sample> b = new HashMap<>();
        long[] guestB = read(post, b);
        Map<Kind, Long> ns = new EnumMap<>(Kind.class);
        Map<Kind, Long> slices = new EnumMap<>(Kind.class);
        Map<Kind, Long> user = new EnumMap<>(Kind.class);
        Map<Kind, Long> system = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            ns.put(k, 0L);
            slices.put(k, 0L);
            user.put(k, 0L);
            system.put(k, 0L);
        }
        boolean split = true;
        for (Map.Entry<String, Sample> e : b.entrySet()) {
            Sample before = a.get(e.getKey());
            Sample after = e.getValue();
            Kind k = Kind.of(after.name);
            // a thread born during the run counts from zero; one that died during it is lost (its time with it)
            ns.merge(k, after.ns - (before == null ? 0 : before.ns), Long::sum);
            slices.merge(k, after.slices - (before == null ? 0 : before.slices), Long::sum);
            if (after.split() && (before == null || before.split())) {
                user.merge(k, (after.utime - (before == null ? 0 : before.utime)) * TICK_NS, Long::sum);
                system.merge(k, (after.stime - (before == null ? 0 : before.stime)) * TICK_NS, Long::sum);
            } else {
                split = false;
            }
        }
        long guest = guestA == null || guestB == null ? -1 : (busy(guestB) - busy(guestA)) * TICK_NS;
        return split ? new ThreadCpu(ns, slices, user, system, guest, !b.isEmpty())
                : new ThreadCpu(ns, slices, Map.of(), Map.of(), guest, !b.isEmpty());
    }

    /** user+nice+system+irq+softirq+steal of a /proc/stat "cpu" line, in ticks. */
    private static long busy(long[] t) {
        long s = 0;
        for (int i = 0; i < t.length; i++) {
            if (i != 3 && i != 4) { // idle, iowait
                s += t[i];
            }
        }
        return s;
    }

    private static long[] read(Path p, Map<String, Sample> threads) throws IOException {
        long[] guest = null;
        for (String line : Files.readAllLines(p)) {
            String[] w = line.split("\t");
            if (w[0].equals("cpu-total")) {
                String[] f = w[1].trim().split("\\s+");
                guest = new long[Math.min(8, f.length - 1)];
                for (int i = 0; i < guest.length; i++) {
                    guest[i] = Long.parseLong(f[i + 1]);
                }
            } else if (w.length >= 4) {
                boolean split = w.length >= 6;
                threads.put(w[0], new Sample(w[1], Long.parseLong(w[2].trim()), Long.parseLong(w[3].trim()),
                        split ? Long.parseLong(w[4].trim()) : -1, split ? Long.parseLong(w[5].trim()) : -1));
            }
        }
        return guest;
    }

    /** Whether the snapshots gave utime and stime for every thread. */
    boolean split() {
        return !userNs.isEmpty();
    }

    long totalNs() {
        return ns.values().stream().mapToLong(Long::longValue).sum();
    }

    static List<Kind> kinds() {
        return List.of(Kind.values());
    }
}
