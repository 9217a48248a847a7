package io.ublksnap.engine;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.engine.sim.Pattern;
import io.ublksnap.engine.sim.SimDevice;
import io.ublksnap.engine.sim.SimQueue;
import io.ublksnap.engine.sim.SimScheduler;
import io.ublksnap.engine.store.StoreType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10.3: an origin write that waits for its own chunk's copy alone rides at the end of the
 * copy's chain (origin read, FUA COW write, FUA metadata write, the write itself: one submission),
 * and what that changes stays safe: reads of the chunk through the snapshot never see the new
 * data, a failed copy or commit re-issues the write on its own, a failed write fails the request
 * and keeps the exception.
 */
class ChainedOriginWriteTest {
    static final int SECTORS = 256;
    SimScheduler sched;
    TracingQueue q;
    SimDevice originDev;
    Origin origin;

    @BeforeEach
    void setUp() {
        sched = new SimScheduler(7);
        q = new TracingQueue(new SimQueue(sched, "q"));
        originDev = new SimDevice("origin", SECTORS * 512L);
        byte[] init = new byte[SECTORS * 512];
        Pattern.fill(ByteBuffer.wrap(init), 0, 0, SECTORS, 0);
        originDev.fill(0, init);
        EventLog quiet = (level, message) -> { };
        origin = new Origin("origin", originDev, BufferAllocator.DIRECT, Origin.Options.DEFAULT, quiet);
    }

    SnapshotTarget snapshot(String name, StoreType type) throws IOException {
        SnapshotTarget t = origin.load(new SnapshotConfig(name, new SimDevice("cow-" + name, 64L * 4096), type, 8));
        CompletableFuture<Void> f = origin.activate(t, q).toCompletableFuture();
        sched.runUntilIdle(1_000_000);
        assertNull(f.join());
        q.log.clear();
        return t;
    }

    /** Submits a request without running the simulation; its result lands in {@code res[0]} (1 until then). */
    int[] submit(Target t, BlockRequest.Op op, long sector, int count, boolean fua, long version, HostBuffer buf) {
        if (op == BlockRequest.Op.WRITE) {
            Pattern.fill(buf.byteBuffer(), 0, sector, count, version);
        }
        int[] res = {1};
        t.submit(new BlockRequest().set(op, sector, count, buf, fua, q, (r, rc) -> res[0] = rc));
        return res;
    }

    int io(Target t, BlockRequest.Op op, long sector, int count, boolean fua, long version) {
        int[] res = submit(t, op, sector, count, fua, version, HostBuffer.allocate(count * 512, 4096));
        sched.runUntilIdle(100_000);
        return res[0];
    }

    long versionAt(Target t, long sector) {
        HostBuffer b = HostBuffer.allocate(512, 4096);
        int[] res = submit(t, BlockRequest.Op.READ, sector, 1, false, 0, b);
        sched.runUntilIdle(100_000);
        assertEquals(0, res[0]);
        return Pattern.versionOf(b.byteBuffer(), 0, sector);
    }

    @Test
    void aCopyingOriginWriteIsOneChainThatEndsWithTheWriteItself() throws IOException {
        SnapshotTarget s = snapshot("s", StoreType.PERSISTENT);
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 8, 4, false, 5));
        assertEquals(List.of("chain: copy origin@4096 -> cow-s@8192 fua, write cow-s@4096 fua, last write origin@4096"), q.log);
        q.log.clear();
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 12, 4, true, 6));
        assertEquals(List.of("write origin@6144 fua"), q.log, "the chunk is copied already: the write alone");
        assertEquals(5, versionAt(origin, 8));
        assertEquals(6, versionAt(origin, 12));
        assertEquals(0, versionAt(s, 8));
        assertEquals(0, versionAt(s, 12));

        q.log.clear();
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 16, 8, true, 7));
        assertEquals(List.of("chain: copy origin@8192 -> cow-s@12288 fua, write cow-s@4096 fua, last write origin@8192 fua"), q.log,
                "the request's FUA goes with it");
    }

    /**
     * With several snapshots one origin read feeds them all; each snapshot's COW write and its commit
     * then go as one chain of two FUA writes (no fdatasync, which io_uring hands to a worker thread),
     * and the origin write follows the last commit.
     */
    @Test
    void withSeveralSnapshotsEachCowWriteAndItsCommitAreOneChain() throws IOException {
        SnapshotTarget a = snapshot("a", StoreType.PERSISTENT);
        SnapshotTarget b = snapshot("b", StoreType.PERSISTENT);
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 8, 4, false, 5));
        assertEquals(List.of("read origin@4096",
                "chain: write cow-a@8192 fua, write cow-a@4096 fua",
                "chain: write cow-b@8192 fua, write cow-b@4096 fua",
                "write origin@4096"), q.log);
        assertEquals(0, versionAt(a, 8));
        assertEquals(0, versionAt(b, 8));
        assertEquals(5, versionAt(origin, 8));
    }

    @Test
    void aTransientSnapshotsCopyCarriesNoWrite() throws IOException {
        snapshot("t", StoreType.TRANSIENT);
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 8, 4, false, 5));
        assertEquals(List.of("chain: copy origin@4096 -> cow-t@0", "write origin@4096"), q.log, "no commit in the chain: the write waits as before");
    }

    @Test
    void aSnapshotReadOfTheChunkWaitsForTheChainInsteadOfReadingTheOrigin() throws IOException {
        SnapshotTarget s = snapshot("s", StoreType.PERSISTENT);
        int[] write = submit(origin, BlockRequest.Op.WRITE, 8, 4, false, 5, HostBuffer.allocate(4 * 512, 4096));
        assertTrue(q.log.getFirst().startsWith("chain:"), q.log.toString());
        // A read of the origin sent now would be held back until the chain has written the origin.
        q.holdOriginReads = true;
        HostBuffer one = HostBuffer.allocate(512, 4096);
        int[] read = submit(s, BlockRequest.Op.READ, 9, 1, false, 0, one);
        HostBuffer two = HostBuffer.allocate(16 * 512, 4096);
        int[] readAcross = submit(s, BlockRequest.Op.READ, 0, 16, false, 0, two);
        sched.runUntilIdle(100_000);
        q.releaseHeld();
        sched.runUntilIdle(100_000);
        assertEquals(0, write[0]);
        assertEquals(0, read[0]);
        assertEquals(0, readAcross[0]);
        assertEquals(0, Pattern.versionOf(one.byteBuffer(), 0, 9), "the snapshot read saw the origin write");
        for (int i = 0; i < 16; i++) {
            assertEquals(0, Pattern.versionOf(two.byteBuffer(), i * 512, i), "sector " + i + " of the read across chunks");
        }
        assertEquals(5, versionAt(origin, 9));
    }

    @Test
    void aFailedCopyInvalidatesTheSnapshotAndTheWriteIsIssuedOnItsOwn() throws IOException {
        SnapshotTarget s = snapshot("s", StoreType.PERSISTENT);
        ((SimDevice) s.config().cow()).failing = true;
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 8, 4, false, 5));
        assertEquals(List.of("chain: copy origin@4096 -> cow-s@8192 fua, write cow-s@4096 fua, last write origin@4096",
                "write cow-s@0 fua", "write origin@4096"), q.log, "the header says invalid, then the write goes alone");
        assertFalse(s.status().valid());
        assertEquals(5, versionAt(origin, 8));
    }

    @Test
    void aFailedWriteAtTheEndFailsTheRequestAndKeepsTheException() throws IOException {
        SnapshotTarget s = snapshot("s", StoreType.PERSISTENT);
        q.failLastWrite = true;
        assertEquals(-Errno.EIO, io(origin, BlockRequest.Op.WRITE, 8, 4, false, 5));
        assertTrue(s.status().valid());
        assertEquals("24/512 16", s.status().infoLine(), "the exception is committed: one chunk beside the header and the area");
        assertEquals(0, versionAt(s, 8));
    }

    @Test
    void aChainThatCannotTakeTheWriteLeavesItWaitingAsBefore() throws IOException {
        SnapshotTarget s = snapshot("s", StoreType.PERSISTENT);
        q.refuseLastWrite = true;
        assertEquals(0, io(origin, BlockRequest.Op.WRITE, 8, 4, false, 5));
        assertEquals(List.of("chain: copy origin@4096 -> cow-s@8192 fua, write cow-s@4096 fua", "write origin@4096"), q.log);
        assertEquals(0, versionAt(s, 8));
        assertEquals(5, versionAt(origin, 8));
    }

    /**
     * A queue over a {@link SimQueue} that logs what it is given, chains as one line each. It can
     * hold back reads of the origin, and fail or refuse a chain's last write.
     */
    static final class TracingQueue implements IoQueue {
        final SimQueue sim;
        final List<String> log = new ArrayList<>();
        boolean holdOriginReads;
        boolean failLastWrite;
        boolean refuseLastWrite;
        private final List<Runnable> held = new ArrayList<>();

        TracingQueue(SimQueue sim) {
            this.sim = sim;
        }

        static String at(BackingDevice dev, long offset) {
            return dev.name() + "@" + offset;
        }

        static String fua(int flags) {
            return ((flags & PREFLUSH) != 0 ? " preflush" : "") + ((flags & FUA) != 0 ? " fua" : "");
        }

        void releaseHeld() {
            holdOriginReads = false;
            List<Runnable> go = new ArrayList<>(held);
            held.clear();
            go.forEach(Runnable::run);
        }

        @Override
        public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback) {
            log.add("read " + at(dev, offset));
            if (holdOriginReads && dev.name().equals("origin")) {
                held.add(() -> sim.read(dev, offset, buf, callback));
                return;
            }
            sim.read(dev, offset, buf, callback);
        }

        @Override
        public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback) {
            log.add("write " + at(dev, offset) + fua(flags));
            sim.write(dev, offset, buf, flags, callback);
        }

        @Override
        public void copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, IoCallback callback) {
            log.add("copy " + at(src, srcOffset) + " -> " + at(dst, dstOffset));
            sim.copy(src, srcOffset, dst, dstOffset, buf, callback);
        }

        @Override
        public void flush(BackingDevice dev, IoCallback callback) {
            log.add("flush " + dev.name());
            sim.flush(dev, callback);
        }

        @Override
        public void discard(BackingDevice dev, long offset, long length, IoCallback callback) {
            log.add("discard " + at(dev, offset));
            sim.discard(dev, offset, length, callback);
        }

        @Override
        public void execute(Runnable task) {
            sim.execute(task);
        }

        @Override
        public IoChain chain() {
            IoChain inner = sim.chain();
            List<String> steps = new ArrayList<>();
            return new IoChain() {
                @Override
                public IoChain copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, int writeFlags) {
                    steps.add("copy " + at(src, srcOffset) + " -> " + at(dst, dstOffset) + fua(writeFlags));
                    inner.copy(src, srcOffset, dst, dstOffset, buf, writeFlags);
                    return this;
                }

                @Override
                public IoChain write(BackingDevice dev, long offset, IoBuffer buf, int flags) {
                    steps.add("write " + at(dev, offset) + fua(flags));
                    inner.write(dev, offset, buf, flags);
                    return this;
                }

                @Override
                public IoChain writeLast(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback own) {
                    if (refuseLastWrite) {
                        throw new IllegalArgumentException("a buffer this chain cannot take");
                    }
                    steps.add("last write " + at(dev, offset) + fua(flags));
                    inner.writeLast(dev, offset, buf, flags, failLastWrite ? r -> own.done(r < 0 ? r : -Errno.EIO) : own);
                    return this;
                }

                @Override
                public void submit(IoCallback callback) {
                    log.add("chain: " + String.join(", ", steps));
                    inner.submit(callback);
                }
            };
        }
    }
}
