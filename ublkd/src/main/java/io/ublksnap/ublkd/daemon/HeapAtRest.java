package io.ublksnap.ublkd.daemon;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Gives the heap back to the system when ublkd rests, and leaves the collector alone while it
 * serves: the daemon's side of G1's periodic collection.
 *
 * <p>G1's own periodic collection ({@code -XX:G1PeriodicGCInterval}) runs a concurrent cycle
 * whenever some seconds passed without a collection. Most requests allocate nothing (a copy
 * allocates its pending exception and its job), so under a steady load collections are rare or
 * none, and the periodic one came every interval, in the middle of the I/O (in the emulated bench guest 0.15 s of CPU each time, 9 % of ublkd's CPU at queue depth
 * 1). This class runs the cycle itself ({@link System#gc()}, concurrent under
 * {@code -XX:+ExplicitGCInvokesConcurrent}; G1 shrinks the heap at its remark) at a look that
 * finds the daemon resting, and only when there may be something to give back:
 *
 * <ul>
 *   <li><b>resting:</b> no operation is under way, and no request was served and no operation
 *       ended since the look before;</li>
 *   <li><b>something to give back:</b> since the last cycle an operation ended (removing a
 *       snapshot or ending a merge leaves garbage without growing the heap), or the heap's
 *       committed size grew, or its used size by more than {@link #SLACK} bytes (before the first
 *       cycle: always);</li>
 *   <li><b>busy for long:</b> with something to give back and no cycle for {@link #BUSY_LIMIT}, the
 *       cycle runs anyway, so that a daemon that never rests still gives back what a burst took
 *       (loading a million exceptions, a merge). Only where the cycle is concurrent: otherwise
 *       {@code System.gc()} stops every thread for a full collection, which only a daemon at rest
 *       can afford.</li>
 * </ul>
 *
 * The decisions are {@link #look}'s alone; the thread that makes the looks is {@link #start}'s.
 */
public final class HeapAtRest {
    /** How often the daemon looks whether it rests. */
    public static final Duration PERIOD = Duration.ofSeconds(5);
    /** The longest a busy daemon goes without a cycle when it has something to give back. */
    public static final Duration BUSY_LIMIT = Duration.ofMinutes(5);
    /** Growth of the used heap that does not call for a cycle by itself (what a status poll leaves). */
    public static final long SLACK = 4L << 20;
    /** The JVM option that makes {@link System#gc()} a concurrent cycle (bin/ublkd gives it). */
    public static final String CONCURRENT_OPTION = "-XX:+ExplicitGCInvokesConcurrent";

    /**
     * What a look sees.
     *
     * @param requests   requests served by all devices, a count
     * @param operations control operations ended, a count
     * @param operating  whether an operation is under way
     * @param committed  the heap's committed bytes
     * @param used       the heap's used bytes
     */
    public record Sample(long requests, long operations, boolean operating, long committed, long used) {
    }

    /** Control operations, told by whoever runs them: begun and ended. */
    public static final class Operations {
        private final AtomicLong begun = new AtomicLong();
        private final AtomicLong ended = new AtomicLong();

        public void begin() {
            begun.incrementAndGet();
        }

        public void end() {
            ended.incrementAndGet();
        }

        long ended() {
            return ended.get();
        }

        boolean underWay(long endedSeen) {
            return begun.get() != endedSeen;
        }
    }

    private final boolean busyCycles;
    private Sample previous;
    /** The heap after the last cycle (null: none yet, so there is always something to give back). */
    private Sample atCycle;
    /** When the last cycle ran, or the first look was made. */
    private long cycleNanos;
    private boolean looked;

    /** @param busyCycles whether the cycle is concurrent, so that a busy daemon may run one (the busy limit) */
    public HeapAtRest(boolean busyCycles) {
        this.busyCycles = busyCycles;
    }

    /**
     * One look at {@code now} (a monotonic clock in nanoseconds): whether a cycle is to run now.
     * The caller runs it and reports with {@link #cycled}.
     */
    public boolean look(Sample s, long now) {
        if (!looked) {
            looked = true;
            cycleNanos = now; // the busy limit counts from the first look
        }
        boolean resting = previous != null && !s.operating() && s.requests() == previous.requests()
                && s.operations() == previous.operations();
        previous = s;
        boolean owed = atCycle == null || s.operations() != atCycle.operations() || s.committed() > atCycle.committed()
                || s.used() > atCycle.used() + SLACK;
        return owed && (resting || busyCycles && now - cycleNanos >= BUSY_LIMIT.toNanos());
    }

    /** A cycle ran at {@code now}; {@code after} is what the daemon and the heap looked like after it. */
    public void cycled(Sample after, long now) {
        atCycle = after;
        cycleNanos = now;
    }

    /**
     * Starts the looks on a daemon thread of their own, every {@link #PERIOD}; interrupting the
     * thread ends them (at a stop or a handover). {@code requests} counts the requests served; when
     * it throws, that look is skipped and {@code log} is told. Without
     * {@link #CONCURRENT_OPTION} among {@code jvmArguments} the looks run only at rest.
     */
    public static Thread start(LongSupplier requests, Operations operations, java.util.List<String> jvmArguments,
                               Consumer<String> log) {
        return start(requests, operations, jvmArguments.contains(CONCURRENT_OPTION), PERIOD, System::gc, log);
    }

    static Thread start(LongSupplier requests, Operations operations, boolean concurrent, Duration period,
                        Runnable collect, Consumer<String> log) {
        HeapAtRest h = new HeapAtRest(concurrent);
        Runtime rt = Runtime.getRuntime();
        return Thread.ofPlatform().daemon().name("ublkd-heap-at-rest").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(period);
                    if (h.look(sample(requests, operations, rt), System.nanoTime())) {
                        collect.run();
                        h.cycled(sample(requests, operations, rt), System.nanoTime());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) { // the count is not there: no look this time
                    log.accept("heap at rest: no look: " + e);
                }
            }
        });
    }

    private static Sample sample(LongSupplier requests, Operations operations, Runtime rt) {
        long ended = operations.ended();
        boolean underWay = operations.underWay(ended);
        long total = rt.totalMemory();
        return new Sample(requests.getAsLong(), ended, underWay, total, total - rt.freeMemory());
    }
}
