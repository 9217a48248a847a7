package io.ublksnap.ublkd.daemon;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Gives the heap back to the system when ublkd rests, and leaves the collector alone while it
 * serves: the daemon's side of G1's periodic collection.
 *
 * <p>G1's own periodic collection ({@code -XX:G1PeriodicGCInterval}) runs a concurrent cycle
 * whenever some seconds passed without a collection. The request path allocates nothing, so under
 * a steady load no collection ever happens and the periodic one comes every interval, in the middle
 * of the I/O (in the emulated bench guest 0.15 s of CPU each time, 9 % of ublkd's CPU at queue depth
 * 1). This class runs the cycle itself ({@link System#gc()}, concurrent under
 * {@code -XX:+ExplicitGCInvokesConcurrent}; G1 shrinks the heap at its remark) at a look that
 * finds the daemon resting, and only when something happened since the last cycle:
 *
 * <ul>
 *   <li><b>resting:</b> the activity count (requests served, control operations) did not change
 *       since the look before;</li>
 *   <li><b>something to give back:</b> since the last cycle the heap's committed size grew, or its
 *       used size by more than {@link #SLACK} bytes (before the first cycle: always);</li>
 *   <li><b>busy for long:</b> with something to give back and no cycle for {@link #BUSY_LIMIT}, the
 *       cycle runs anyway, so that a daemon that never rests still gives back what a burst took
 *       (loading a million exceptions, a merge).</li>
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

    /** What a look sees: the activity count, and the heap's committed and used bytes. */
    public record Sample(long activity, long committed, long used) {
    }

    private Sample previous;
    /** The heap after the last cycle (null: none yet, so there is always something to give back). */
    private Sample atCycle;
    /** When the last cycle ran, or the first look was made. */
    private long cycleNanos;
    private boolean looked;

    /**
     * One look at {@code now} (a monotonic clock in nanoseconds): whether a cycle is to run now.
     * The caller runs it and reports with {@link #cycled}.
     */
    public boolean look(Sample s, long now) {
        if (!looked) {
            looked = true;
            cycleNanos = now; // the busy limit counts from the first look
        }
        boolean resting = previous != null && s.activity() == previous.activity();
        previous = s;
        boolean owed = atCycle == null || s.committed() > atCycle.committed() || s.used() > atCycle.used() + SLACK;
        return owed && (resting || now - cycleNanos >= BUSY_LIMIT.toNanos());
    }

    /** A cycle ran at {@code now}; {@code after} is what the heap looked like after it. */
    public void cycled(Sample after, long now) {
        atCycle = after;
        cycleNanos = now;
    }

    /**
     * Starts the looks on a daemon thread of their own, every {@link #PERIOD}, until the process
     * ends. {@code activity} counts what ublkd did (any count that changes when it works); when it
     * throws, that look is skipped and {@code log} is told.
     */
    public static void start(LongSupplier activity, Consumer<String> log) {
        HeapAtRest h = new HeapAtRest();
        Runtime rt = Runtime.getRuntime();
        Thread.ofPlatform().daemon().name("ublkd-heap-at-rest").start(() -> {
            while (true) {
                try {
                    Thread.sleep(PERIOD);
                    if (h.look(new Sample(activity.getAsLong(), rt.totalMemory(), rt.totalMemory() - rt.freeMemory()), System.nanoTime())) {
                        System.gc();
                        h.cycled(new Sample(activity.getAsLong(), rt.totalMemory(), rt.totalMemory() - rt.freeMemory()), System.nanoTime());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) { // the count is not there (stopping): no look this time
                    log.accept("heap at rest: no look: " + e);
                }
            }
        });
    }
}
