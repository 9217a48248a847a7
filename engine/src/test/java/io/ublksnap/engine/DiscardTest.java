package io.ublksnap.engine;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.sim.Pattern;
import io.ublksnap.engine.sim.SimDevice;
import io.ublksnap.engine.sim.SimQueue;
import io.ublksnap.engine.sim.SimScheduler;
import io.ublksnap.engine.store.StoreType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.ublksnap.engine.SnapshotFeature.DISCARD_PASSDOWN_ORIGIN;
import static io.ublksnap.engine.SnapshotFeature.DISCARD_ZEROES_COW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discards as dm-snapshot takes them (drivers/md/dm-snap.c: snapshot_map's REQ_OP_DISCARD cases,
 * zero_exception, snapshot_io_hints, parse_snapshot_features, origin_ctr without discard bios).
 */
class DiscardTest {
    static final int SECTORS = 256;
    static final Set<SnapshotFeature> ZEROES = EnumSet.of(DISCARD_ZEROES_COW);
    static final Set<SnapshotFeature> BOTH = EnumSet.of(DISCARD_ZEROES_COW, DISCARD_PASSDOWN_ORIGIN);
    static final long ZERO = -2; // versionAt of an all-zero sector

    final SimScheduler sched = new SimScheduler(7);
    final SimQueue q = new SimQueue(sched, "q");
    final List<String> log = new ArrayList<>();
    SimDevice originDev;
    Origin origin;

    DiscardTest() {
        origin = originOf(SECTORS);
    }

    Origin originOf(int sectors) {
        originDev = new SimDevice("origin", sectors * 512L);
        byte[] init = new byte[sectors * 512];
        Pattern.fill(ByteBuffer.wrap(init), 0, 0, sectors, 0);
        originDev.fill(0, init);
        return new Origin("origin", originDev, BufferAllocator.DIRECT, Origin.Options.DEFAULT, log::add);
    }

    SnapshotTarget snapshot(String name, long cowBytes, StoreType type, Set<SnapshotFeature> features) throws IOException {
        SimDevice cow = new SimDevice("cow-" + name, cowBytes);
        SnapshotTarget t = origin.load(new SnapshotConfig(name, cow, type, 8, false, features));
        await(origin.activate(t, q));
        return t;
    }

    void await(CompletionStage<?> stage) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        sched.runUntilIdle(1_000_000);
        assertTrue(f.isDone());
        f.join();
    }

    int io(Target t, BlockRequest.Op op, long sector, int count, long version) {
        HostBuffer buf = op == BlockRequest.Op.DISCARD ? null : HostBuffer.allocate(count * 512, 4096);
        if (op == BlockRequest.Op.WRITE) {
            Pattern.fill(buf.byteBuffer(), 0, sector, count, version);
        }
        int[] res = {1};
        t.submit(new BlockRequest().set(op, sector, count, buf, false, q, (r, rc) -> res[0] = rc));
        sched.runUntilIdle(100_000);
        return res[0];
    }

    /** The version a sector holds, or ZERO when it reads as zeros. */
    long versionAt(Target t, long sector) {
        HostBuffer buf = HostBuffer.allocate(512, 4096);
        int[] res = {1};
        t.submit(new BlockRequest().set(BlockRequest.Op.READ, sector, 1, buf, false, q, (r, rc) -> res[0] = rc));
        sched.runUntilIdle(100_000);
        assertEquals(0, res[0], "read of sector " + sector);
        ByteBuffer b = buf.byteBuffer();
        boolean zeros = true;
        for (int i = 0; i < 512; i += 8) {
            zeros &= b.getLong(i) == 0;
        }
        return zeros ? ZERO : Pattern.versionOf(b, 0, sector);
    }

    static SimDevice cowOf(SnapshotTarget t) {
        return (SimDevice) t.config().cow();
    }

    @Test
    void theOriginTakesNoDiscardsAsTheKernelsSnapshotOriginHasNone() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, BOTH);
        assertEquals(-Errno.EOPNOTSUPP, io(origin, BlockRequest.Op.DISCARD, 8, 8, 0));
        assertEquals(0, versionAt(origin, 8), "the origin kept its data");
        assertEquals(0, s.status().exceptions(), "nothing was copied out");
        assertEquals(0, originDev.discarded);
        // no snapshots at all: still none (the kernel's origin target never has discard bios)
        Origin bare = originOf(64);
        assertEquals(-Errno.EOPNOTSUPP, io(bare, BlockRequest.Op.DISCARD, 0, 8, 0));
    }

    @Test
    void withoutFeaturesASnapshotTakesNoDiscards() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, Set.of());
        assertEquals(0, s.discardSectors(), "the device offers no discard");
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 0, 8, 5));
        assertEquals(-Errno.EOPNOTSUPP, io(s, BlockRequest.Op.DISCARD, 0, 8, 0));
        assertEquals(5, versionAt(s, 0));
    }

    @Test
    void aWholeChunkWithAnExceptionIsZeroedAndTheExceptionStays() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, ZEROES);
        assertEquals(8, s.discardSectors(), "granularity and largest discard: one chunk");
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 8, 8, 5));  // chunk 1: an exception by a snapshot write
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 16, 8, 6)); // chunk 2: copied out by an origin write
        String usage = s.status().infoLine();
        long writes = cowOf(s).writes;
        assertEquals(0, io(s, BlockRequest.Op.DISCARD, 8, 24, 0)); // chunks 1, 2 and 3 (3 has no exception)
        assertEquals(ZERO, versionAt(s, 8));
        assertEquals(ZERO, versionAt(s, 15));
        assertEquals(ZERO, versionAt(s, 16));
        assertEquals(0, versionAt(s, 24), "a chunk without an exception is left alone (no copy-out)");
        assertEquals(2, s.status().exceptions(), "the exceptions stay");
        assertEquals(usage, s.status().infoLine(), "COW usage does not change");
        assertEquals(writes + 2, cowOf(s).writes, "two chunks of zeros written, nothing else");
        assertEquals(0, cowOf(s).discarded, "whole chunks are zeroed, not discarded");
        assertEquals(6, versionAt(origin, 16), "the origin is not touched");
        assertEquals(0, originDev.discarded);
    }

    @Test
    void partOfAChunkWithAnExceptionIsDiscardedOnTheCow() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, ZEROES);
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 8, 8, 5));
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 16, 8, 6));
        // sectors 12..19: the second half of chunk 1 and the first half of chunk 2, each a piece of its own
        assertEquals(0, io(s, BlockRequest.Op.DISCARD, 12, 8, 0));
        assertEquals(5, versionAt(s, 11));
        assertEquals(ZERO, versionAt(s, 12));
        assertEquals(ZERO, versionAt(s, 19));
        assertEquals(6, versionAt(s, 20));
        assertEquals(8 * 512, cowOf(s).discarded, "two half chunks discarded on the COW");
        // a piece of a chunk without an exception: nothing
        assertEquals(0, io(s, BlockRequest.Op.DISCARD, 40, 4, 0));
        assertEquals(0, versionAt(s, 40));
    }

    @Test
    void theLastChunkOfADeviceThatEndsInsideItIsNeverWhole() throws IOException {
        origin = originOf(SECTORS - 4); // the last chunk has 4 sectors
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, ZEROES);
        long last = SECTORS - 8;
        assertEquals(0, io(s, BlockRequest.Op.WRITE, last, 4, 5));
        long writes = cowOf(s).writes;
        assertEquals(0, io(s, BlockRequest.Op.DISCARD, last, 4, 0));
        assertEquals(ZERO, versionAt(s, last));
        assertEquals(4 * 512, cowOf(s).discarded, "its piece is discarded on the COW, as the kernel's bio is not chunk-sized");
        assertEquals(writes, cowOf(s).writes);
    }

    @Test
    void aDiscardWhileTheChunkIsBeingCopiedIsLeftAlone() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, ZEROES);
        int[] done = {1};
        HostBuffer buf = HostBuffer.allocate(4096, 4096);
        Pattern.fill(buf.byteBuffer(), 0, 8, 8, 9);
        origin.submit(new BlockRequest().set(BlockRequest.Op.WRITE, 8, 8, buf, false, q, (r, rc) -> done[0] = rc));
        sched.run(2);
        assertEquals(1, s.status().pending(), "the copy is in flight");
        int[] d = {1};
        s.submit(new BlockRequest().set(BlockRequest.Op.DISCARD, 8, 8, null, false, q, (r, rc) -> d[0] = rc));
        sched.runUntilIdle(100_000);
        assertEquals(0, d[0]);
        assertEquals(0, done[0]);
        assertEquals(0, versionAt(s, 8), "the snapshot keeps the copied data");
        assertEquals(9, versionAt(origin, 8));
    }

    @Test
    void passdownDiscardsTheOriginsDeviceWithoutCopyingOut() throws IOException {
        SnapshotTarget s = snapshot("s", 64L * 4096, StoreType.PERSISTENT, BOTH);
        SnapshotTarget other = snapshot("other", 64L * 4096, StoreType.PERSISTENT, Set.of());
        assertEquals(0, io(s, BlockRequest.Op.WRITE, 8, 8, 5));        // s: chunk 1 has an exception
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 16, 8, 6));  // both: chunk 2 copied out
        assertEquals(0, io(s, BlockRequest.Op.DISCARD, 8, 24, 0));     // chunks 1..3
        assertEquals(24 * 512, originDev.discarded, "the origin's device got the whole range");
        assertEquals(ZERO, versionAt(origin, 8));
        assertEquals(ZERO, versionAt(origin, 16), "even the origin's newest data: the origin is bypassed");
        assertEquals(ZERO, versionAt(origin, 24));
        assertEquals(ZERO, versionAt(s, 8), "exception zeroed");
        assertEquals(ZERO, versionAt(s, 16), "exception zeroed");
        assertEquals(ZERO, versionAt(s, 24), "no exception: reads the discarded origin");
        assertEquals(ZERO, versionAt(other, 8), "chunks the other snapshot never copied are gone for it too (no copy-out)");
        assertEquals(0, versionAt(other, 16), "it kept its copy of chunk 2");
        assertEquals(ZERO, versionAt(other, 24));
        assertEquals(2, s.status().exceptions());
        assertEquals(1, other.status().exceptions(), "the discard copied nothing out");
        assertEquals(0, versionAt(origin, 40), "outside the range nothing changed");
        origin.lock.lock();
        try {
            assertTrue(!s.snapshot.tables.anyTracked(), "the passdown's tracked chunks are released");
        } finally {
            origin.lock.unlock();
        }
    }

    @Test
    void anOverflowedOrInvalidSnapshotTakesNoDiscard() throws IOException {
        SnapshotTarget po = snapshot("po", 4L * 4096, StoreType.PERSISTENT_OVERFLOW, ZEROES);
        assertEquals(0, io(po, BlockRequest.Op.WRITE, 0, 8, 5));
        assertEquals(0, io(po, BlockRequest.Op.WRITE, 8, 8, 6));
        assertEquals(-Errno.EIO, io(po, BlockRequest.Op.WRITE, 16, 8, 7));
        assertEquals("Overflow", po.status().infoLine());
        assertEquals(-Errno.EIO, io(po, BlockRequest.Op.DISCARD, 0, 8, 0), "a discard is a write");
        assertEquals(5, versionAt(po, 0));
        SnapshotTarget p = snapshot("p", 4L * 4096, StoreType.PERSISTENT, ZEROES);
        for (int c = 0; c < 3; c++) {
            io(origin, BlockRequest.Op.WRITE, 64 + c * 8L, 8, 10 + c);
        }
        assertEquals("Invalid", p.status().infoLine());
        assertEquals(-Errno.EIO, io(p, BlockRequest.Op.DISCARD, 64, 8, 0));
    }

    @Test
    void discardsNeedBothDevicesToTakeThem() throws IOException {
        SimDevice cow = new SimDevice("cow", 64L * 4096);
        cow.discards = false;
        SnapshotTarget s = origin.load(new SnapshotConfig("s", cow, StoreType.PERSISTENT, 8, false, ZEROES));
        await(origin.activate(s, q));
        assertEquals(0, s.discardSectors(), "a COW without discard: the device offers none, as a dm table would not");
        assertEquals(-Errno.EOPNOTSUPP, io(s, BlockRequest.Op.DISCARD, 0, 8, 0));
        originDev.discards = false;
        SnapshotTarget t = snapshot("t", 64L * 4096, StoreType.PERSISTENT, ZEROES);
        assertEquals(0, t.discardSectors(), "nor with an origin device without discard");
    }

    @Test
    void featuresBelongToTheTableAndAReloadMayChangeThem() throws IOException {
        SnapshotTarget a = snapshot("a", 64L * 4096, StoreType.PERSISTENT, BOTH);
        assertEquals("o c P 8 2 discard_zeroes_cow discard_passdown_origin", a.tableLine("o", "c"));
        assertEquals(0, io(a, BlockRequest.Op.WRITE, 0, 8, 5));
        SnapshotTarget[] next = new SnapshotTarget[1];
        await(origin.reload(a, new SnapshotConfig("a", a.config().cow(), StoreType.PERSISTENT, 8, false, Set.of()), q,
                t -> next[0] = t));
        assertEquals("o c P 8", next[0].tableLine("o", "c"));
        assertEquals(-Errno.EOPNOTSUPP, io(next[0], BlockRequest.Op.DISCARD, 0, 8, 0));
        assertEquals(5, versionAt(next[0], 0));
    }

    @Test
    void featureArgumentsParseAsTheKernelsConstructorDoes() {
        assertEquals(Set.of(), SnapshotFeature.parse(List.of()));
        assertEquals(Set.of(), SnapshotFeature.parse(List.of("0")));
        assertEquals(ZEROES, SnapshotFeature.parse(List.of("1", "Discard_Zeroes_COW")), "names are case-insensitive");
        assertEquals(BOTH, SnapshotFeature.parse(List.of("2", "discard_passdown_origin", "discard_zeroes_cow")));
        assertEquals(" 1 discard_zeroes_cow", SnapshotFeature.tableArgs(SnapshotFeature.parse(List.of("2", "discard_zeroes_cow",
                "discard_zeroes_cow"))), "a repeated feature counts once, as the kernel's status prints it");
        assertEquals(" 2 discard_zeroes_cow discard_passdown_origin", SnapshotFeature.tableArgs(BOTH), "the kernel's order");
        for (List<String> bad : List.of(List.of("3", "a", "b", "c"), List.of("-1"), List.of("1"), List.of("2", "discard_zeroes_cow"),
                List.of("1", "discard"), List.of("x"), List.of("1", "discard_passdown_origin"))) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotFeature.parse(bad), bad.toString());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(SnapshotException.class, () -> new SnapshotConfig("s", originDev, StoreType.PERSISTENT, 8, false,
                EnumSet.of(DISCARD_PASSDOWN_ORIGIN)), "passdown needs zeroes_cow");
    }
}
