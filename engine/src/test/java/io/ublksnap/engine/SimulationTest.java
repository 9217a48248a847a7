package io.ublksnap.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deterministic simulation: thousands of seeds, each a random mix of origin and snapshot
 * reads, writes and flushes on several queues, snapshots created and removed, merges and crashes,
 * under reordered completions, every read checked against the reference model.
 *
 * <p>{@code -Dsim.seeds=N} sets how many seeds (default 2000), {@code -Dsim.seed=S} replays one.
 */
class SimulationTest {

    @Test
    void randomWorkloadsAgreeWithTheModel() {
        Long only = Long.getLong("sim.seed");
        int seeds = only != null ? 1 : Integer.getInteger("sim.seeds", 2000);
        long base = only != null ? only : Long.getLong("sim.base", 1L);
        List<String> failed = new ArrayList<>();
        long reads = 0, writes = 0, crashes = 0, daemonCrashes = 0, reissued = 0, merges = 0, completedMerges = 0, reloads = 0, stale = 0;
        long t0 = System.nanoTime();
        for (long seed = base; seed < base + seeds; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Settings.standard(250));
            try {
                w.run();
            } catch (RuntimeException | AssertionError e) {
                w.fail("exception: " + e);
                e.printStackTrace();
            }
            if (!w.failures.isEmpty()) {
                failed.add(w.report());
                if (failed.size() >= 3) {
                    break;
                }
            }
            reads += w.reads;
            writes += w.writes;
            crashes += w.crashes;
            daemonCrashes += w.daemonCrashes;
            reissued += w.reissued;
            merges += w.merges;
            completedMerges += w.completedMerges;
            reloads += w.reloads;
            stale += w.staleSubmits;
        }
        System.out.printf("simulation: %d seeds, %d reads and %d writes checked, %d power losses, %d daemon crashes"
                        + " (%d requests re-issued), %d merges (%d completed), %d reloads (%d requests sent to the replaced table)"
                        + " in %.1f s%n", seeds, reads, writes, crashes, daemonCrashes, reissued, merges, completedMerges, reloads,
                stale, (System.nanoTime() - t0) / 1e9);
        assertTrue(failed.isEmpty(), () -> String.join("\n\n", failed));
    }

    /**
     * Issue 13: the daemon dies every dozen operations or so, with requests in flight at every
     * stage (copies, commits, origin and snapshot writes, merges), and the kernel re-sends them to
     * the next daemon (UBLK_F_USER_RECOVERY_REISSUE). Until a write in flight is re-issued its
     * sectors may read old or new; once re-issued and acknowledged, exactly the new. Transient
     * snapshots come back as devices that fail every request, status Invalid.
     */
    @Test
    void daemonCrashesWithRequestsInFlightThenReissue() {
        List<String> failed = new ArrayList<>();
        long crashes = 0, reissued = 0;
        int seeds = Integer.getInteger("sim.crashSeeds", 300);
        for (long seed = 1; seed <= seeds && failed.size() < 3; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Settings.daemonCrashes(250));
            try {
                w.run();
            } catch (RuntimeException | AssertionError e) {
                w.fail("exception: " + e);
            }
            if (!w.failures.isEmpty()) {
                failed.add(w.report());
            }
            crashes += w.daemonCrashes;
            reissued += w.reissued;
        }
        System.out.printf("daemon crashes: %d seeds, %d crashes, %d requests in flight re-issued%n", seeds, crashes, reissued);
        assertTrue(failed.isEmpty(), () -> String.join("\n\n", failed));
    }

    /**
     * Issue 12: snapshots with discard_zeroes_cow (and some with discard_passdown_origin) take
     * discards among their reads and writes, while snapshots come and go, reload and merge; every
     * read is checked against the model, which knows what a zeroed or discarded chunk reads as.
     */
    @Test
    void discardsAgreeWithTheModel() {
        List<String> failed = new ArrayList<>();
        long discards = 0, passedDown = 0;
        int seeds = Integer.getInteger("sim.discardSeeds", 400);
        for (long seed = 1; seed <= seeds && failed.size() < 3; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Settings.discards(250));
            try {
                w.run();
            } catch (RuntimeException | AssertionError e) {
                w.fail("exception: " + e);
                e.printStackTrace();
            }
            if (!w.failures.isEmpty()) {
                failed.add(w.report());
            }
            discards += w.discards;
            passedDown += w.discardsPassedDown;
        }
        System.out.printf("discards: %d seeds, %d discards (%d passed down to the origin)%n", seeds, discards, passedDown);
        assertTrue(failed.isEmpty(), () -> String.join("\n\n", failed));
        assertTrue(passedDown > 0, "no discard was passed down");
    }

    /**
     * Issue 12: tiny COWs that grow online, by autoextend at random thresholds and by hand, the
     * growths taking a while and sometimes failing, racing the allocations, with crashes. A
     * snapshot with autoextend whose growths all succeed is never invalidated or overflowed, and
     * every read agrees with the model.
     */
    @Test
    void cowsGrowOnlineWhileTheyFill() {
        List<String> failed = new ArrayList<>();
        long growths = 0, failedGrowths = 0;
        int seeds = Integer.getInteger("sim.growthSeeds", 400);
        for (long seed = 1; seed <= seeds && failed.size() < 3; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Settings.growth(250));
            try {
                w.run();
            } catch (RuntimeException | AssertionError e) {
                w.fail("exception: " + e);
                e.printStackTrace();
            }
            if (!w.failures.isEmpty()) {
                failed.add(w.report());
            }
            growths += w.growths;
            failedGrowths += w.failedGrowths;
        }
        System.out.printf("growth: %d seeds, %d COWs grown online, %d growths failed%n", seeds, growths, failedGrowths);
        assertTrue(failed.isEmpty(), () -> String.join("\n\n", failed));
        assertTrue(growths > 100, "only " + growths + " growths");
    }

    /**
     * At least 64 snapshots of one origin, created and removed while I/O runs on the origin and on
     * them; small COWs, so some fill up and get invalidated on the way.
     */
    @Test
    void sixtyFourSnapshotsComeAndGoUnderIo() {
        List<String> failed = new ArrayList<>();
        int most = 0;
        for (long seed = 1; seed <= 6; seed++) {
            SimWorld w = new SimWorld(seed, new SimWorld.Settings(1500, false, false, true, 72, 0, true, null, false));
            try {
                w.run();
            } catch (RuntimeException | AssertionError e) {
                w.fail("exception: " + e);
            }
            most = Math.max(most, w.peakSnapshots);
            if (!w.failures.isEmpty()) {
                failed.add(w.report());
            }
        }
        System.out.println("many snapshots: at most " + most + " at once");
        assertTrue(failed.isEmpty(), () -> String.join("\n\n", failed));
        assertTrue(most >= 64, "only " + most + " snapshots at once");
    }
}
