package io.ublksnap.ublkd.daemon;

import io.ublksnap.ublkd.daemon.HeapAtRest.Sample;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the daemon runs a collection of its own: at rest, with something to give back, or after long busy. */
class HeapAtRestTest {
    private static final long MIB = 1L << 20;
    private static final long LOOK = HeapAtRest.PERIOD.toNanos();

    private final HeapAtRest h = new HeapAtRest();
    private long now = 1_000_000_000L;

    private boolean look(long activity, long committedMib, long usedMib) {
        now += LOOK;
        return h.look(new Sample(activity, committedMib * MIB, usedMib * MIB), now);
    }

    private void cycled(long activity, long committedMib, long usedMib) {
        h.cycled(new Sample(activity, committedMib * MIB, usedMib * MIB), now);
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
        look(0, 16, 9);
        look(0, 16, 9);
        cycled(0, 16, 9);
        long activity = 0;
        int cycles = 0;
        for (int i = 0; i < 10_000; i++) { // almost 14 hours of looks, busy at each
            activity += 5_000;
            cycles += look(activity, 16, 9 + (i % 3)) ? 1 : 0;
        }
        assertEquals(0, cycles, "G1's periodic collection would have run every 10 s");
    }

    @Test
    void restAfterABurstGivesItBack() {
        look(0, 16, 9);
        look(0, 16, 9);
        cycled(0, 16, 9);
        assertFalse(look(100, 40, 30), "busy: the burst goes on");
        assertFalse(look(900, 64, 50), "busy");
        assertTrue(look(900, 64, 50), "at rest after the burst: its heap goes back");
        cycled(900, 18, 10);
        assertFalse(look(900, 18, 10));
    }

    @Test
    void garbageWithinTheSlackIsLeft() {
        look(0, 16, 9);
        look(0, 16, 9);
        cycled(0, 16, 9);
        assertFalse(look(0, 16, 9 + HeapAtRest.SLACK / MIB), "status polls' garbage, within the slack");
        assertTrue(look(0, 16, 10 + HeapAtRest.SLACK / MIB), "more than the slack");
    }

    @Test
    void aDaemonThatNeverRestsGivesBackABurstAfterTheBusyLimit() {
        look(0, 16, 9);
        look(0, 16, 9);
        cycled(0, 16, 9);
        long activity = 0;
        long looks = HeapAtRest.BUSY_LIMIT.toNanos() / LOOK;
        for (long i = 1; i < looks; i++) {
            activity++;
            assertFalse(look(activity, 200, 150), "busy, within the limit: look " + i);
        }
        activity++;
        assertTrue(look(activity, 200, 150), "busy for the whole limit with a grown heap: the cycle runs anyway");
        cycled(activity, 20, 12);
        activity++;
        assertFalse(look(activity, 20, 12), "the limit counts again from the cycle");
    }

    @Test
    void aCycleDuringWhichRequestsCameDoesNotCountAsRest() {
        look(0, 16, 9);
        assertTrue(look(0, 64, 40));
        cycled(7, 16, 9); // requests arrived while the cycle ran
        assertFalse(look(7, 70, 60), "the first look after the cycle compares with the look before it");
        assertTrue(look(7, 70, 60));
    }
}
