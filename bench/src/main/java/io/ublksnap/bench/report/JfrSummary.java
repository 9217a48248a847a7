package io.ublksnap.bench.report;

import io.ublksnap.bench.report.ThreadCpu.Kind;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a JFR recording of ublkd says about its busy threads: the execution samples (a thread running Java
 * code) and native samples (a thread in a native call: for ublkd's queue and control threads, io_uring_enter
 * through FFM) of the thread classes that serve I/O, by the method on top of the stack and by the first
 * ublksnap method on it (where in our code the time was spent, whatever JDK or FFM code ran under it).
 */
record JfrSummary(Map<Kind, Integer> running, Map<Kind, Integer> inNative, Map<Kind, Map<String, Integer>> top,
                  Map<Kind, Map<String, Integer>> ours) {

    private static final String EXECUTION = "jdk.ExecutionSample";
    private static final String NATIVE = "jdk.NativeMethodSample";

    /** The thread classes a summary looks at: those that do a request's or a merge's work. */
    static final List<Kind> KINDS = List.of(Kind.QUEUE, Kind.CONTROL);

    static JfrSummary read(Path jfr) throws IOException {
        Map<Kind, Integer> running = new EnumMap<>(Kind.class);
        Map<Kind, Integer> inNative = new EnumMap<>(Kind.class);
        Map<Kind, Map<String, Integer>> top = new EnumMap<>(Kind.class);
        Map<Kind, Map<String, Integer>> ours = new EnumMap<>(Kind.class);
        try (RecordingFile f = new RecordingFile(jfr)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String type = e.getEventType().getName();
                boolean exec = type.equals(EXECUTION);
                if (!exec && !type.equals(NATIVE)) {
                    continue;
                }
                RecordedThread t = e.getThread("sampledThread");
                Kind k = t == null || t.getJavaName() == null ? Kind.OTHER : Kind.of(t.getJavaName());
                if (!KINDS.contains(k)) {
                    continue;
                }
                (exec ? running : inNative).merge(k, 1, Integer::sum);
                RecordedStackTrace st = e.getStackTrace();
                List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
                String topName = exec ? (frames.isEmpty() ? "(no stack)" : name(frames.getFirst())) : "(in native code)";
                top.computeIfAbsent(k, x -> new HashMap<>()).merge(topName, 1, Integer::sum);
                String mine = "(no ublksnap frame)";
                for (RecordedFrame fr : frames) {
                    if (fr.getMethod() != null && fr.getMethod().getType().getName().startsWith("io.ublksnap.")) {
                        mine = name(fr);
                        break;
                    }
                }
                ours.computeIfAbsent(k, x -> new HashMap<>()).merge(mine, 1, Integer::sum);
            }
        }
        return new JfrSummary(running, inNative, top, ours);
    }

    private static String name(RecordedFrame f) {
        if (f.getMethod() == null) {
            return "(unknown)";
        }
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    int samples(Kind k) {
        return running.getOrDefault(k, 0) + inNative.getOrDefault(k, 0);
    }

    /** Markdown: per thread class, samples running and in native code, then the most frequent methods of each view. */
    String markdown(int topN) {
        StringBuilder md = new StringBuilder();
        for (Kind k : KINDS) {
            int all = samples(k);
            if (all == 0) {
                continue;
            }
            md.append("- ").append(k.label).append(": ").append(all).append(" samples, ")
              .append(running.getOrDefault(k, 0)).append(" running Java code, ")
              .append(inNative.getOrDefault(k, 0)).append(" in native code (io_uring_enter and other system calls through FFM).\n");
            md.append("  - on top of the stack: ").append(list(top.get(k), all, topN)).append('\n');
            md.append("  - first ublksnap method on the stack: ").append(list(ours.get(k), all, topN)).append('\n');
        }
        return md.length() == 0 ? "- no samples of queue or control threads\n" : md.toString();
    }

    private static String list(Map<String, Integer> counts, int all, int n) {
        StringBuilder s = new StringBuilder();
        counts.entrySet().stream()
              .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
              .limit(n)
              .forEach(en -> s.append(s.isEmpty() ? "" : "; ").append('`').append(en.getKey()).append("` ")
                              .append(String.format(Locale.ROOT, "%.0f %%", 100.0 * en.getValue() / all)));
        return s.toString();
    }
}
