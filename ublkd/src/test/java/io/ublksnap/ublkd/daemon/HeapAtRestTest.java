package io.ublksnap.ublkd.daemon;

import io.ublksnap.ublkd.daemon.HeapAtRest.Sample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the daemon runs a collection of its own: at rest with something to give back, or after long busy. */
class HeapAtRestTest {
    private static final long MIB = 1L << 20;
    private static final long LOOK = HeapAtRest.PERIOD.toNanos();

    private HeapAtRest h = new HeapAtRest(true);
    private long now = 1_000_000_000L;
    private long operations;

    private boolean look(long requests, long committedMib, long usedMib) {
        return look(requests, false, committedMib, usedMib);
    }

    private boolean look(long requests, boolean operating, long committedMib, long usedMib) {
        now += LOOK;
        return h.look(new Sample(requests, operations, operating, committedMib * MIB, usedMib * MIB), now);
    }

    private void cycled(long requests, long committedMib, long usedMib) {
        h.cycled(new Sample(requests, operations, false, committedMib * MIB, usedMib * MIB), now);
    }

    /** The start's garbage given back, at rest. */
    private void started() {
        look(0, 16, 9);
        assertTrue(look(0, 16, 9));
        cycled(0, 16, 9);
    }

    @Test
    void aStartThatRestsGivesBackWhatTheStartLeft() {
        assertFalse(look(0, 60, 40), "the first look cannot tell rest from work");
        assertTrue(look(0, 60, 40), "nothing served since the look before: at rest, and no cycle ran yet");
        cycled(0, 16, 9);
        for (int i = 0; i < 100; i++) {
            assertFalse(look(0, 16, 9), "at rest with nothing new: no cycle, look " + i);
        }
    }

    @Test
    void aSteadyLoadThatAllocatesNothingIsNeverInterrupted() {
        started();
        long requests = 0;
        int cycles = 0;
        for (int i = 0; i < 10_000; i++) { // almost 14 hours of looks, busy at each
            requests += 5_000;
            cycles += look(requests, 16, 9 + (i % 3)) ? 1 : 0;
        }
        assertEquals(0, cycles, "G1's periodic collection would have run every 10 s");
    }

    @Test
    void restAfterABurstGivesItBack() {
        started();
        assertFalse(look(100, 40, 30), "busy: the burst goes on");
        assertFalse(look(900, 64, 50), "busy");
        assertTrue(look(900, 64, 50), "at rest after the burst: its heap goes back");
        cycled(900, 18, 10);
        assertFalse(look(900, 18, 10));
    }

    @Test
    void committedGrowthAloneCallsForACycle() {
        started();
        assertTrue(look(0, 17, 9));
    }

    @Test
    void usedGrowthBeyondTheSlackAloneCallsForACycle() {
        started();
        assertFalse(look(0, 16, 9 + HeapAtRest.SLACK / MIB), "status polls' garbage, within the slack");
        assertTrue(look(0, 16, 10 + HeapAtRest.SLACK / MIB), "more than the slack");
    }

    @Test
    void anOperationThatFreesWithoutGrowingCallsForACycle() {
        started();
        operations++; // a snapshot removed: its tables are garbage, the heap as big as before
        assertFalse(look(0, 16, 9), "the operation ended since the look before: not at rest yet");
        assertTrue(look(0, 16, 9), "at rest after it: what it freed goes back");
        cycled(0, 16, 5);
        assertFalse(look(0, 16, 5));
    }

    @Test
    void anOperationUnderWayIsNotRest() {
        started();
        for (int i = 0; i < 20; i++) { // loading a big COW: no request, no operation ended, the heap growing
            assertFalse(look(0, true, 16 + i, 9 + i), "an operation under way, look " + i);
        }
        operations++;
        assertFalse(look(0, 36, 29));
        assertTrue(look(0, 36, 29), "at rest after the operation");
    }

    @Test
    void aDaemonThatNeverRestsGivesBackABurstAfterTheBusyLimit() {
        started();
        long requests = 0;
        long looks = HeapAtRest.BUSY_LIMIT.toNanos() / LOOK;
        for (long i = 1; i < looks; i++) {
            requests++;
            assertFalse(look(requests, 200, 150), "busy, within the limit: look " + i);
        }
        requests++;
        assertTrue(look(requests, 200, 150), "busy for the whole limit with a grown heap: the cycle runs anyway");
        cycled(requests, 20, 12);
        requests++;
        assertFalse(look(requests, 20, 12), "the limit counts again from the cycle");
    }

    @Test
    void withoutAConcurrentCycleABusyDaemonIsNeverStopped() {
        h = new HeapAtRest(false); // System.gc() a full, stop-the-world collection
        started();
        long requests = 0;
        for (long i = 0; i < 3 * HeapAtRest.BUSY_LIMIT.toNanos() / LOOK; i++) {
            requests++;
            assertFalse(look(requests, 200, 150), "busy: look " + i);
        }
        assertTrue(look(requests, 200, 150), "at rest");
    }

    @Test
    void aCycleDuringWhichRequestsCameDoesNotCountAsRest() {
        look(0, 16, 9);
        assertTrue(look(0, 64, 40));
        cycled(7, 16, 9); // requests arrived while the cycle ran
        assertFalse(look(7, 70, 60), "the first look after the cycle compares with the look before it");
        assertTrue(look(7, 70, 60));
    }

    @Test
    void theLooksSkipACountThatFailsAndEndWhenInterrupted() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger collections = new AtomicInteger();
        List<String> logged = new CopyOnWriteArrayList<>();
        AtomicLong requests = new AtomicLong();
        Thread t = HeapAtRest.start(() -> {
            if (asked.incrementAndGet() == 2) {
                throw new IllegalStateException("ublkd is stopping");
            }
            return requests.get();
        }, new HeapAtRest.Operations(), true, Duration.ofMillis(5), collections::incrementAndGet, logged::add);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (collections.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, collections.get(), "at rest after the start: one cycle");
        assertTrue(logged.getFirst().contains("ublkd is stopping"), logged.toString());
        t.interrupt();
        t.join(30_000);
        assertFalse(t.isAlive(), "interrupted: the looks end");
        int after = collections.get();
        Thread.sleep(50);
        assertEquals(after, collections.get());
    }
}
