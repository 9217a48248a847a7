package io.ublksnap.engine;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.sim.Pattern;
import io.ublksnap.engine.sim.SimDevice;
import io.ublksnap.engine.sim.SimQueue;
import io.ublksnap.engine.sim.SimScheduler;
import io.ublksnap.engine.store.StoreType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Deterministic scenarios for behaviour the random simulation does not aim at: full COWs, status, handover. */
class EngineScenarioTest {
    static final int SECTORS = 256; // origin: 128 KiB
    SimScheduler sched;
    SimQueue q;
    SimDevice originDev;
    Origin origin;
    final List<String> log = new ArrayList<>();
    /** The engine's messages with their levels, as "LEVEL message". */
    final EventLog leveled = (level, message) -> log.add(level + " " + message);

    @BeforeEach
    void setUp() {
        sched = new SimScheduler(42);
        q = new SimQueue(sched, "q");
        originDev = new SimDevice("origin", SECTORS * 512L);
        byte[] init = new byte[SECTORS * 512];
        Pattern.fill(ByteBuffer.wrap(init), 0, 0, SECTORS, 0);
        originDev.fill(0, init);
        origin = new Origin("origin", originDev, BufferAllocator.DIRECT, Origin.Options.DEFAULT, leveled);
    }

    SnapshotTarget snapshot(String name, long cowBytes, StoreType type, int chunk) throws IOException {
        SnapshotTarget t = origin.load(new SnapshotConfig(name, new SimDevice("cow-" + name, cowBytes), type, chunk));
        assertNull(outcome(origin.activate(t, q)));
        return t;
    }

    /** Runs the simulation until {@code stage} is complete; returns its failure (unwrapped), or null. */
    Throwable outcome(CompletionStage<?> stage) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        sched.runUntilIdle(1_000_000);
        assertTrue(f.isDone(), "the stage never completed");
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    int io(Target t, BlockRequest.Op op, long sector, int count, long version, ByteBuffer out) {
        HostBuffer buf = count == 0 ? null : HostBuffer.allocate(count * 512, 4096);
        if (op == BlockRequest.Op.WRITE) {
            Pattern.fill(buf.byteBuffer(), 0, sector, count, version);
        }
        int[] res = {1};
        t.submit(new BlockRequest().set(op, sector, count, buf, false, q, (r, rc) -> res[0] = rc));
        sched.runUntilIdle(100_000);
        if (out != null) {
            out.put(buf.byteBuffer());
            out.flip();
        }
        return res[0];
    }

    long versionAt(Target t, long sector) {
        ByteBuffer b = ByteBuffer.allocate(512);
        assertEquals(0, io(t, BlockRequest.Op.READ, sector, 1, 0, b));
        return Pattern.versionOf(b, 0, sector);
    }

    @Test
    void aCraftedCowNeverHangsOriginWrites() throws IOException {
        // Issue 9 item 8: a full last metadata area with the COW ending right after it, and
        // exceptions that reuse COW chunks. Loading it must fail; if it loads, writes must not hang.
        int epa = 4096 / 16;
        SimDevice bigOrigin = new SimDevice("big", 4096L * 512);
        Origin o = new Origin("big", bigOrigin, BufferAllocator.DIRECT, Origin.Options.DEFAULT, leveled);
        SimDevice cow = new SimDevice("crafted", (2L + epa) * 4096);
        byte[] head = new byte[4096];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x70416e53).putInt(4, 1).putInt(8, 1).putInt(12, 8);
        cow.fill(0, head);
        byte[] area = new byte[4096];
        ByteBuffer a = ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < epa; i++) {
            a.putLong(i * 16, i).putLong(i * 16 + 8, 2 + i % 8);
        }
        cow.fill(4096, area);
        SnapshotException refused = null;
        SnapshotTarget t = null;
        try {
            t = o.load(new SnapshotConfig("crafted", cow, StoreType.PERSISTENT, 8));
        } catch (SnapshotException e) {
            refused = e;
        }
        if (t != null) {
            assertNull(outcome(o.activate(t, q)));
        }
        int[] res = {1};
        HostBuffer buf = HostBuffer.allocate(4096, 4096);
        o.submit(new BlockRequest().set(BlockRequest.Op.WRITE, 400 * 8, 8, buf, false, q, (r, rc) -> res[0] = rc));
        sched.runUntilIdle(100_000);
        assertEquals(0, res[0], "the origin write never completed: a commit waits forever");
        assertTrue(refused != null && refused.getMessage().contains("crafted"), "the crafted COW was accepted");
    }

    @Test
    void onlyABlankCowOrAnInitRequestStartsANewSnapshot() throws IOException {
        SimDevice cow = new SimDevice("image", 64L * 4096);
        byte[] superblock = new byte[512];
        superblock[56] = 0x53;
        superblock[57] = (byte) 0xEF;
        cow.fill(1024, superblock);
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> origin.load(new SnapshotConfig("s", cow, StoreType.PERSISTENT, 8)));
        assertTrue(e.getMessage().contains("is not blank") && e.getMessage().contains("--init"), e.getMessage());
        SnapshotTarget t = origin.load(new SnapshotConfig("s", cow, StoreType.PERSISTENT, 8, true));
        assertTrue(t.status().valid());
    }

    @Test
    void aTransientSnapshotLostInACrashFailsEveryRequestAndSaysInvalid() {
        SnapshotTarget lost = origin.loadLost(new SnapshotConfig("n", new SimDevice("cow-n", 64L * 4096), StoreType.TRANSIENT, 16), SECTORS);
        assertEquals("Invalid", lost.status().infoLine());
        assertEquals(SnapshotStatus.State.INVALID, lost.status().state());
        assertEquals(SECTORS, lost.sizeSectors());
        for (BlockRequest.Op op : BlockRequest.Op.values()) {
            int count = op == BlockRequest.Op.FLUSH ? 0 : 8;
            assertEquals(-Errno.EIO, io(lost, op, 0, count, 1, count == 0 ? null : ByteBuffer.allocate(4096)), op.toString());
        }
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 8, 4, null), "the origin does not care");
        assertNull(outcome(origin.remove(lost, q)));
        assertEquals(SnapshotTarget.Lifecycle.REMOVED, lost.state());
    }

    @Test
    void requestCountersNameWhatEachRequestWas() throws IOException {
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 8, 1, null));
        assertEquals(0, io(origin, BlockRequest.Op.READ, 0, 8, 0, null));
        SnapshotTarget snap = snapshot("s", 64 * 1024, StoreType.PERSISTENT, 8);
        assertEquals(0, io(snap, BlockRequest.Op.READ, 0, 8, 0, null));       // unchanged: from the origin
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 8, 2, null));     // copies chunk 0 first
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 4, 4, 3, null));     // chunk 0 is copied already
        assertEquals(0, io(snap, BlockRequest.Op.READ, 0, 16, 0, null));      // chunk 0 from the COW, 1 from the origin
        assertEquals(0, io(snap, BlockRequest.Op.WRITE, 64, 8, 4, null));
        assertEquals(0, io(origin, BlockRequest.Op.FLUSH, 0, 0, 0, null));
        assertEquals(-Errno.EOPNOTSUPP, io(origin, BlockRequest.Op.DISCARD, 0, 8, 0, null));

        assertEquals("origin-read 1, passthrough-write 1, copying-write 1, origin-write 1, flush 1, other 1 failed 1",
                counts(origin));
        assertEquals("snapshot-read-origin 1, snapshot-read-cow 1, snapshot-write 1", counts(snap));
        for (RequestStats.Count c : origin.stats().counts()) {
            assertTrue(c.serviceNanos() > 0, c.toString());
            assertEquals(0, c.kernelEntries(), "the simulation's queue enters no kernel");
        }
    }

    private static String counts(Target t) {
        return String.join(", ", t.stats().counts().stream()
                .map(c -> c.kind().label() + " " + c.requests() + (c.failed() > 0 ? " failed " + c.failed() : "")).toList());
    }

    @Test
    void statusLinesFollowTheKernel() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, 8);
        assertEquals("16/512 16", s.status().infoLine(), "fresh 8-sector store: header + area 0");
        assertEquals(SnapshotStatus.State.ACTIVE, s.status().state());
        // the words status output has always shown
        assertEquals("active", SnapshotStatus.State.ACTIVE.toString());
        assertEquals("handed over", SnapshotStatus.State.HANDED_OVER.toString());
        assertEquals("failed", MergeStatus.State.FAILED.toString());
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 16, 1, null));
        assertEquals("32/512 16", s.status().infoLine(), "two chunks copied");
        assertEquals(2, s.status().exceptions());
        assertEquals("s origin-cow P 8".replace("origin-cow", "cow-s"), s.tableLine("s", "cow-s"));
        SnapshotTarget n = snapshot("n", 64L * 4096, StoreType.TRANSIENT, 16);
        assertEquals("0/512 0", n.status().infoLine());
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 64, 1, 2, null));
        assertEquals("16/512 0", n.status().infoLine());
    }

    @Test
    void persistentSnapshotIsInvalidatedWhenAnOriginWriteFindsItsCowFull() throws IOException {
        // 4 chunks of 8 sectors: header, area 0, two data chunks
        SnapshotTarget s = snapshot("s", 4L * 4096, StoreType.PERSISTENT, 8);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, io(origin, BlockRequest.Op.WRITE, c * 8L, 8, 10 + c, null), "origin writes never fail");
        }
        assertEquals("Invalid", s.status().infoLine());
        assertEquals(10, versionAt(origin, 0));
        assertEquals(12, versionAt(origin, 16), "the origin lost nothing");
        assertEquals(-Errno.EIO, io(s, BlockRequest.Op.READ, 0, 1, 0, ByteBuffer.allocate(512)));
        SimDevice cow = (SimDevice) s.config().cow();
        assertEquals(0, cow.contents().order(ByteOrder.LITTLE_ENDIAN).getInt(4), "header says invalid");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("ERROR snapshot s invalidated") && l.contains("is full")),
                log.toString());
    }

    @Test
    void overflowSnapshotFailsWritesButStaysReadable() throws IOException {
        SnapshotTarget s = snapshot("s", 4L * 4096, StoreType.PERSISTENT_OVERFLOW, 8);
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 0, 8, 5, null));
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 8, 3, 6, null));
        assertEquals(-Errno.EIO, io(s, BlockRequest.Op.WRITE, 16, 1, 7, null), "no room for a third exception");
        assertEquals("Overflow", s.status().infoLine());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("ERROR snapshot s overflowed")), log.toString());
        assertEquals(-Errno.EIO, io(s, BlockRequest.Op.WRITE, 0, 1, 8, null), "after overflow all writes fail, as in the kernel");
        assertEquals(5, versionAt(s, 0));
        assertEquals(6, versionAt(s, 8));
        assertEquals(0, versionAt(s, 11));
        assertEquals(0, versionAt(s, 16));
        assertTrue(s.status().valid());
    }

    @Test
    void transientSnapshotIsInvalidatedWhenFull() throws IOException {
        SnapshotTarget s = snapshot("n", 2L * 4096, StoreType.TRANSIENT, 8);
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 0, 8, 5, null));
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 8, 8, 6, null));
        assertEquals(-Errno.EIO, io(s, BlockRequest.Op.WRITE, 16, 8, 7, null));
        assertEquals("Invalid", s.status().infoLine());
    }

    @Test
    void fullChunkSnapshotWriteSkipsTheOriginRead() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, 8);
        long readsBefore = originDev.reads;
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 8, 8, 3, null));
        assertEquals(readsBefore, originDev.reads, "a write covering the whole chunk is the copy");
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 16, 4, 4, null));
        assertEquals(readsBefore + 1, originDev.reads, "a partial write copies the chunk first");
        assertEquals(3, versionAt(s, 8));
        assertEquals(4, versionAt(s, 16));
        assertEquals(0, versionAt(s, 20));
    }

    @Test
    void oneOriginReadFeedsEverySnapshot() throws IOException {
        for (int i = 0; i < 4; i++) {
            snapshot("s" + i, 64L * 4096, StoreType.PERSISTENT, 8);
        }
        long readsBefore = originDev.reads;
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 32, 9, null));
        assertEquals(readsBefore + 1, originDev.reads, "4 chunks x 4 snapshots copied with one origin read");
    }

    @Test
    void handoverMovesEveryExceptionIncludingPendingOnes() throws IOException {
        SnapshotTarget a = snapshot("a", 64L * 4096, StoreType.PERSISTENT, 8);
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 8, 1, null));
        // start copies and leave them in flight
        int[] done = {0};
        for (int c = 1; c <= 4; c++) {
            HostBuffer buf = HostBuffer.allocate(4096, 4096);
            Pattern.fill(buf.byteBuffer(), 0, c * 8L, 8, 100 + c);
            origin.submit(new BlockRequest().set(BlockRequest.Op.WRITE, c * 8L, 8, buf, false, q, (r, rc) -> done[0]++));
        }
        sched.run(3);
        assertTrue(a.status().pending() > 0, "exceptions in flight at the handover");

        SnapshotTarget b = origin.load(new SnapshotConfig("b", a.config().cow(), StoreType.PERSISTENT_OVERFLOW, 0));
        Throwable notSuspended = outcome(origin.activate(b, q));
        assertTrue(notSuspended instanceof SnapshotException && notSuspended.getMessage().startsWith("Unable to perform snapshot handover until source is suspended"));
        SnapshotException third = assertThrows(SnapshotException.class,
                () -> origin.load(new SnapshotConfig("c", a.config().cow(), StoreType.PERSISTENT, 0)));
        assertTrue(third.getMessage().startsWith("Unable to handover snapshot to two devices at once"), third.getMessage());

        boolean[] quiet = {false};
        a.suspend(() -> quiet[0] = true);
        assertTrue(quiet[0]);
        Throwable resumeSource = outcome(origin.activate(a, q));
        assertTrue(resumeSource.getMessage().startsWith("Unable to resume snapshot source until handover completes"), resumeSource.getMessage());
        assertNull(outcome(origin.activate(b, q)));
        assertEquals(4, done[0]);
        assertTrue(a.retired());
        a.resume();
        assertEquals(5, b.status().exceptions(), "the completed one and the four that were pending");
        for (int c = 0; c <= 4; c++) {
            assertEquals(0, versionAt(b, c * 8L), "chunk " + c + " kept its old data");
        }
        // A request that read the device's table just before the reload still reaches the new one (issue 9 item 11).
        assertEquals(0, io(a, BlockRequest.Op.WRITE, 40, 8, 77, null), "the old instance forwards to its successor");
        assertEquals(77, versionAt(b, 40));
    }

    @Test
    void requestsHeldByTheOldTableDuringAReloadGoToTheNewOne() throws IOException {
        SnapshotTarget a = snapshot("a", 64L * 4096, StoreType.PERSISTENT, 8);
        SnapshotTarget b = origin.load(new SnapshotConfig("b", a.config().cow(), StoreType.PERSISTENT, 0));
        a.suspend(() -> { });
        int[] res = {1};
        HostBuffer buf = HostBuffer.allocate(4096, 4096);
        Pattern.fill(buf.byteBuffer(), 0, 16, 8, 5);
        a.submit(new BlockRequest().set(BlockRequest.Op.WRITE, 16, 8, buf, false, q, (r, rc) -> res[0] = rc));
        sched.runUntilIdle(100_000);
        assertEquals(1, res[0], "held while the old table is suspended");
        assertNull(outcome(origin.activate(b, q)));
        a.resume();
        sched.runUntilIdle(100_000);
        assertEquals(0, res[0], "the held write was served by the new table, not failed with EIO");
        assertEquals(5, versionAt(b, 16));
        assertEquals(0, a.inflight());
        assertEquals(0, b.inflight());
    }

    @Test
    void reloadHandsTheStateOverAndTheDevicePointsAtTheNewTable() throws IOException {
        SnapshotTarget a = snapshot("a", 64L * 4096, StoreType.PERSISTENT, 8);
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 8, 3, null));
        Target[] device = {a};
        CompletableFuture<SnapshotTarget> f = origin.reload(a, new SnapshotConfig("a", a.config().cow(), StoreType.PERSISTENT_OVERFLOW, 0),
                q, next -> device[0] = next).toCompletableFuture();
        assertNull(outcome(f));
        SnapshotTarget b = f.join();
        assertEquals(b, device[0]);
        assertEquals(SnapshotTarget.Lifecycle.HANDED_OVER, a.state());
        assertEquals(SnapshotTarget.Lifecycle.ACTIVE, b.state());
        assertEquals("a cow-a PO 8", b.tableLine("a", "cow-a"));
        assertEquals(0, versionAt(b, 0));
        assertEquals(0, versionAt(a, 0), "the old table forwards");

        Throwable otherCow = outcome(origin.reload(b, new SnapshotConfig("a", new SimDevice("elsewhere", 64L * 4096), StoreType.PERSISTENT, 0), q, x -> { }));
        assertTrue(otherCow instanceof SnapshotException && otherCow.getMessage().contains("must keep the COW"), String.valueOf(otherCow));
    }

    @Test
    void aReloadThatLosesItsSourceFailsAndChangesNothingElse() throws IOException {
        SnapshotTarget a = snapshot("a", 64L * 4096, StoreType.PERSISTENT, 8);
        CompletionStage<Void> removal = origin.remove(a, q);
        CompletionStage<SnapshotTarget> reload = origin.reload(a, new SnapshotConfig("a", a.config().cow(), StoreType.PERSISTENT, 0), q,
                x -> fail("switched to a table that has nothing"));
        assertNull(outcome(removal));
        Throwable e = outcome(reload);
        assertTrue(e instanceof SnapshotException && e.getMessage().contains("handover source went away"), String.valueOf(e));
        assertEquals(SnapshotTarget.Lifecycle.REMOVED, a.state());
        assertEquals(0, a.inflight());
    }

    @Test
    void aSecondSuspendWaitsItsTurnInsteadOfThrowing() {
        List<String> order = new ArrayList<>();
        origin.suspend(() -> order.add("first"));
        origin.suspend(() -> order.add("second"));
        assertEquals(List.of("first"), order);
        int[] res = {1};
        origin.submit(new BlockRequest().set(BlockRequest.Op.READ, 0, 8, HostBuffer.allocate(4096, 4096), false, q, (r, rc) -> res[0] = rc));
        sched.runUntilIdle(100_000);
        origin.resume();
        assertEquals(List.of("first", "second"), order, "the second suspender's turn comes when the first resumes");
        sched.runUntilIdle(100_000);
        assertEquals(1, res[0], "requests stay held until the last suspender resumes");
        origin.resume();
        sched.runUntilIdle(100_000);
        assertEquals(0, res[0]);
    }

    @Test
    void aSnapshotActivatedWhileAMergeSwitchesWaitsAndIsRefused() throws IOException {
        SnapshotTarget p = snapshot("p", 64L * 4096, StoreType.PERSISTENT, 8);
        assertEquals(0, io(p, BlockRequest.Op.WRITE, 0, 16, 7, null));
        // an origin write in flight, so the switch to snapshot-merge has to wait for it
        HostBuffer buf = HostBuffer.allocate(4096, 4096);
        int[] res = {1};
        origin.submit(new BlockRequest().set(BlockRequest.Op.WRITE, 64, 8, buf, false, q, (r, rc) -> res[0] = rc));
        CompletionStage<Void> merging = origin.startMerge(p, q, new MergeListener() { });
        while (!origin.suspended()) {
            sched.step(); // until the switch holds the origin, waiting for the write
        }
        assertEquals(1, res[0], "the origin write is still in flight");
        SnapshotTarget s = origin.load(new SnapshotConfig("s", new SimDevice("cow-s", 64L * 4096), StoreType.PERSISTENT, 8));
        Throwable err = outcome(origin.activate(s, q));
        assertNull(outcome(merging));
        assertEquals(0, res[0]);
        assertTrue(err instanceof SnapshotException && err.getMessage().contains("merging"), String.valueOf(err));
        assertEquals(7, versionAt(origin, 0), "the merge went on");
    }

    @Test
    void removingAHandoverSourceCancelsTheHandover() throws IOException {
        SnapshotTarget a = snapshot("a", 64L * 4096, StoreType.PERSISTENT, 8);
        SnapshotTarget b = origin.load(new SnapshotConfig("b", a.config().cow(), StoreType.PERSISTENT, 0));
        assertNull(outcome(origin.remove(a, q)));
        assertTrue(outcome(origin.activate(b, q)) instanceof SnapshotException);
        assertFalse(b.status().valid());
        assertTrue(log.stream().anyMatch(l -> l.contains("cancelling snapshot handover")));
    }

    @Test
    void onlyPersistentValidSnapshotsMergeAndOnlyOneAtATime() throws IOException {
        SnapshotTarget n = snapshot("n", 64L * 4096, StoreType.TRANSIENT, 8);
        Throwable e = outcome(origin.startMerge(n, q, new MergeListener() { }));
        assertTrue(e instanceof SnapshotException && e.getMessage().contains("transient"), String.valueOf(e));
        SnapshotTarget p = snapshot("p", 64L * 4096, StoreType.PERSISTENT, 8);
        SnapshotTarget p2 = snapshot("p2", 64L * 4096, StoreType.PERSISTENT, 8);
        assertEquals(0, io(p, BlockRequest.Op.WRITE, 0, 64, 7, null));
        CompletableFuture<Void> started = origin.startMerge(p, q, new MergeListener() { }).toCompletableFuture();
        while (!started.isDone()) {
            sched.step();
        }
        Throwable two = outcome(origin.startMerge(p2, q, new MergeListener() { }));
        assertTrue(two.getMessage().contains("only one merge per origin"), two.getMessage());
        sched.runUntilIdle(1_000_000);
        assertNull(origin.mergeStatus(), "merge finished and the snapshot was released");
        assertEquals(7, versionAt(origin, 0));
        assertEquals(0, versionAt(p2, 0), "the other snapshot kept its image");
    }

    @Test
    void mergeFailureLosesNothing() throws IOException {
        SnapshotTarget p = snapshot("p", 64L * 4096, StoreType.PERSISTENT, 8);
        assertEquals(0, io(p, BlockRequest.Op.WRITE, 0, 64, 7, null));
        String[] reason = {null};
        SimDevice cow = (SimDevice) p.config().cow();
        origin.startMerge(p, q, new MergeListener() {
            @Override
            public void failed(String r) {
                reason[0] = r;
            }
        });
        sched.run(2);
        cow.failing = true;
        sched.runUntilIdle(1_000_000);
        assertTrue(reason[0] != null && reason[0].contains("cannot"), String.valueOf(reason[0]));
        assertEquals(MergeStatus.State.FAILED, origin.mergeStatus().state());
        cow.failing = false;
        for (int s = 0; s < 64; s += 8) {
            assertEquals(7, versionAt(origin, s), "the origin still shows the snapshot's image at " + s);
        }
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 0, 8, 9, null), "and takes writes");
        assertEquals(9, versionAt(origin, 0));
    }
}
