package io.ublksnap.engine;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.sim.Pattern;
import io.ublksnap.engine.sim.SimDevice;
import io.ublksnap.engine.sim.SimQueue;
import io.ublksnap.engine.sim.SimScheduler;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.engine.store.StoreUsage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot's COW growing online (issue 12): the fill reported as it changes, autoextend asked
 * for at its threshold, requests that find the COW full waiting for a growth under way instead of
 * invalidating the snapshot, and what happens when the growth fails.
 */
class GrowthTest {
    static final int SECTORS = 2048; // origin: 1 MiB, 256 chunks of 8 sectors

    final SimScheduler sched = new SimScheduler(3);
    final SimQueue q = new SimQueue(sched, "q");
    final List<String> log = new ArrayList<>();
    final SimDevice originDev = new SimDevice("origin", SECTORS * 512L);
    final Origin origin = new Origin("origin", originDev, BufferAllocator.DIRECT, Origin.Options.DEFAULT, log::add);
    final Listener listener = new Listener();

    /** Records what it hears. */
    static final class Listener implements FillListener {
        final List<Integer> percents = new ArrayList<>();
        final List<CowGrowth> growths = new ArrayList<>();
        final List<String> exhausted = new ArrayList<>();

        @Override
        public void usage(String name, int percent, StoreUsage usage) {
            percents.add(percent);
        }

        @Override
        public void growthNeeded(CowGrowth growth) {
            growths.add(growth);
        }

        @Override
        public void exhausted(String name, SnapshotStatus.State state, String reason) {
            exhausted.add(name + " " + state);
        }
    }

    GrowthTest() {
        byte[] init = new byte[SECTORS * 512];
        Pattern.fill(ByteBuffer.wrap(init), 0, 0, SECTORS, 0);
        originDev.fill(0, init);
        origin.fillListener(listener);
    }

    /** A snapshot on a COW of {@code chunks} 4 KiB chunks. */
    SnapshotTarget snapshot(String name, long chunks, StoreType type) throws IOException {
        SnapshotTarget t = origin.load(new SnapshotConfig(name, new SimDevice("cow-" + name, chunks * 4096), type, 8));
        CompletableFuture<Void> f = origin.activate(t, q).toCompletableFuture();
        sched.runUntilIdle(1_000_000);
        f.join();
        return t;
    }

    static SimDevice cow(SnapshotTarget t) {
        return (SimDevice) t.config().cow();
    }

    /** Submits a write of chunk {@code c} (version {@code v}); the result slot is filled when it completes. */
    int[] write(Target t, long c, long v) {
        HostBuffer buf = HostBuffer.allocate(4096, 4096);
        Pattern.fill(buf.byteBuffer(), 0, c * 8, 8, v);
        int[] res = {1};
        t.submit(new BlockRequest().set(BlockRequest.Op.WRITE, c * 8, 8, buf, false, q, (r, rc) -> res[0] = rc));
        return res;
    }

    long versionAt(Target t, long sector) {
        HostBuffer buf = HostBuffer.allocate(512, 4096);
        int[] res = {1};
        t.submit(new BlockRequest().set(BlockRequest.Op.READ, sector, 1, buf, false, q, (r, rc) -> res[0] = rc));
        sched.runUntilIdle(100_000);
        assertEquals(0, res[0]);
        return Pattern.versionOf(buf.byteBuffer(), 0, sector);
    }

    void settle() {
        sched.runUntilIdle(1_000_000);
    }

    @Test
    void autoextendIsAskedAtItsThresholdAndRequestsWaitForItInsteadOfInvalidating() throws IOException {
        // 20 chunks: header, area 0 and 18 data chunks; 70 % is reached at the 12th exception (14 of 20)
        SnapshotTarget s = snapshot("s", 20, StoreType.PERSISTENT);
        origin.autoGrow(s, 70);
        List<int[]> results = new ArrayList<>();
        for (int c = 0; c < 13; c++) {
            results.add(write(origin, c, 10 + c));
            settle();
        }
        assertEquals(1, listener.growths.size(), "asked once, at 70 %");
        assertTrue(listener.percents.contains(70), listener.percents.toString());
        CowGrowth g = listener.growths.getFirst();
        assertTrue(g.automatic() && g.pending());
        // the COW fills while the growth is under way: the writes that find it full wait
        for (int c = 13; c < 30; c++) {
            results.add(write(origin, c, 10 + c));
        }
        settle();
        assertTrue(s.status().valid(), "not invalidated while the COW grows");
        long waiting = results.stream().filter(r -> r[0] == 1).count();
        assertEquals(30 - 18, waiting, "the writes beyond the COW's 18 data chunks wait");
        assertSame(g, origin.growCow(s), "the operator joins the growth under way");

        cow(s).grow(40 * 4096); // the device first, then the store learns it
        StoreUsage after = g.grown();
        assertEquals(40 * 8, after.totalSectors());
        assertFalse(g.pending());
        settle();
        assertTrue(results.stream().allMatch(r -> r[0] == 0), "every write went through");
        assertTrue(s.status().valid());
        for (int c = 0; c < 30; c++) {
            assertEquals(0, versionAt(s, c * 8L), "chunk " + c + " kept for the snapshot");
            assertEquals(10 + c, versionAt(origin, c * 8L));
        }
        assertTrue(listener.percents.getLast() < 100, "the fill dropped: " + listener.percents);
        // 30 exceptions of 38 data chunks: 32/40 = 80 % is past 70: the next growth is asked for at once
        assertEquals(2, listener.growths.size());
        assertTrue(listener.exhausted.isEmpty());
    }

    @Test
    void aFailedGrowthLetsTheWaitingRequestsInvalidateOrOverflowAsTheKernelWould() throws IOException {
        SnapshotTarget p = snapshot("p", 6, StoreType.PERSISTENT);
        origin.autoGrow(p, 50);
        List<int[]> results = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            results.add(write(origin, c, 10 + c));
        }
        settle();
        assertEquals(1, listener.growths.size());
        assertTrue(p.status().valid());
        listener.growths.getFirst().failed("no space left on the file system");
        settle();
        assertTrue(results.stream().allMatch(r -> r[0] == 0), "origin writes never fail");
        assertFalse(p.status().valid(), "no room after all: invalid");
        assertEquals(List.of("p invalid"), listener.exhausted);
        assertTrue(log.stream().anyMatch(l -> l.contains("no space left")), log.toString());

        SnapshotTarget po = snapshot("po", 6, StoreType.PERSISTENT_OVERFLOW);
        origin.autoGrow(po, 50);
        results.clear();
        for (int c = 0; c < 6; c++) {
            results.add(write(po, 100 + c, 20 + c));
        }
        settle();
        CowGrowth g = listener.growths.getLast();
        assertTrue(g.pending());
        g.failed("no space");
        settle();
        assertEquals(4, results.stream().filter(r -> r[0] == 0).count(), "four data chunks: four writes");
        assertTrue(results.stream().filter(r -> r[0] != 0).allMatch(r -> r[0] == -Errno.EIO));
        assertEquals("Overflow", po.status().infoLine());
        assertEquals(2, listener.growths.size(), "one growth each, and no new one at the fill where it failed: "
                + listener.growths);
    }

    @Test
    void anAutoextendThatGainsNoRoomIsAFailureNotALoop() throws IOException {
        SnapshotTarget p = snapshot("p", 6, StoreType.PERSISTENT);
        origin.autoGrow(p, 50);
        for (int c = 0; c < 6; c++) {
            write(origin, c, 10 + c);
        }
        settle();
        listener.growths.getFirst().grown(); // "grown", but the device is as it was
        settle();
        assertEquals(1, listener.growths.size(), "not asked again and again");
        assertFalse(p.status().valid());
        assertTrue(log.stream().anyMatch(l -> l.contains("no bigger")), log.toString());
    }

    @Test
    void anInvalidOrOverflowedSnapshotStaysSoWhateverItsCowsSize() throws IOException {
        SnapshotTarget p = snapshot("p", 4, StoreType.PERSISTENT);
        for (int c = 0; c < 3; c++) {
            write(origin, c, 10 + c);
        }
        settle();
        assertFalse(p.status().valid());
        SnapshotException e = assertThrows(SnapshotException.class, () -> origin.growCow(p));
        assertTrue(e.getMessage().contains("invalid"), e.getMessage());
        SnapshotTarget po = snapshot("po", 4, StoreType.PERSISTENT_OVERFLOW);
        for (int c = 0; c < 3; c++) {
            write(po, 10 + c, 10 + c);
        }
        settle();
        assertEquals("Overflow", po.status().infoLine());
        e = assertThrows(SnapshotException.class, () -> origin.growCow(po));
        assertTrue(e.getMessage().contains("overflowed"), e.getMessage());
        assertTrue(listener.growths.isEmpty(), "no autoextend was set: nothing asked");
    }

    @Test
    void anOperatorsGrowthRacingTheLastAllocationWins() throws IOException {
        SnapshotTarget s = snapshot("s", 4, StoreType.PERSISTENT); // two data chunks
        CowGrowth g = origin.growCow(s);
        assertFalse(g.automatic());
        List<int[]> results = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            results.add(write(origin, c, 10 + c));
        }
        settle();
        assertEquals(2, results.stream().filter(r -> r[0] == 1).count(), "two wait for the growth");
        assertTrue(s.status().valid());
        cow(s).grow(8 * 4096);
        g.grown();
        settle();
        assertTrue(results.stream().allMatch(r -> r[0] == 0));
        assertEquals(4, s.status().exceptions());
        assertEquals("48/64 16", s.status().infoLine());
        assertTrue(listener.growths.isEmpty(), "no autoextend");
    }

    @Test
    void aGrowthWithoutNewRoomEndsAllTheSameAndOnlyOnce() throws IOException {
        SnapshotTarget s = snapshot("s", 16, StoreType.PERSISTENT);
        CowGrowth g = origin.growCow(s);
        // the device did not grow: the same size is no failure, it is just no room gained
        assertEquals(16 * 8, g.grown().totalSectors());
        assertFalse(g.pending());
        assertEquals(16 * 8, g.grown().totalSectors(), "a second end is ignored");
    }

    @Test
    void autoextendNeedsAListenerAndIsAskedAtOnceForACowPastItsThreshold() throws IOException {
        SnapshotTarget s = snapshot("s", 20, StoreType.PERSISTENT);
        for (int c = 0; c < 16; c++) {
            write(origin, c, 10 + c);
        }
        settle();
        origin.autoGrow(s, 70);
        assertEquals(1, listener.growths.size(), "already past 70 %");
        Origin bare = new Origin("bare", new SimDevice("o2", 64 * 4096), BufferAllocator.DIRECT, Origin.Options.DEFAULT, log::add);
        SnapshotTarget t = bare.load(new SnapshotConfig("t", new SimDevice("c", 16 * 4096), StoreType.PERSISTENT, 8));
        assertThrows(SnapshotException.class, () -> bare.autoGrow(t, 70));
        bare.autoGrow(t, 0);
    }
}
