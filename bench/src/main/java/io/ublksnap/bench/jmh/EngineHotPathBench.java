package io.ublksnap.bench.jmh;

import io.ublksnap.engine.BlockRequest;
import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotConfig;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.io.MemoryDevice;
import io.ublksnap.engine.io.MemoryQueue;
import io.ublksnap.engine.store.StoreType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;

/**
 * The engine's decisions on the hot paths, over in-memory devices (so the cost is the engine's,
 * not storage's): an origin write whose chunks are already copied into every snapshot (a lookup
 * per snapshot and chunk), and snapshot reads of remapped chunks.
 *
 * <p>With {@code -prof gc} both show 48 B/op, all of it the in-memory queue's: {@link MemoryQueue}
 * completes each backing I/O through a lambda queued on a {@code ConcurrentLinkedQueue} (a node),
 * as JFR's allocation samples show (2026-11-24). The engine's own work on these paths allocates
 * nothing.
 */
@State(Scope.Thread)
public class EngineHotPathBench {
    @Param({"1", "4"})
    int snapshots;

    static final int CHUNKS = 4096; // 16 MiB origin, 4 KiB chunks
    MemoryQueue q;
    Origin origin;
    SnapshotTarget snap;
    BlockRequest req;
    HostBuffer buf;
    Random rnd = new Random(3);
    int result;
    final BlockRequest.Completion done = (r, res) -> result = res;

    @Setup
    public void setUp() throws Exception {
        q = new MemoryQueue();
        origin = new Origin("o", new MemoryDevice("origin", CHUNKS * 4096L), BufferAllocator.DIRECT, Origin.Options.DEFAULT, m -> { });
        for (int i = 0; i < snapshots; i++) {
            SnapshotTarget t = origin.load(new SnapshotConfig("s" + i, new MemoryDevice("cow" + i, (CHUNKS + 64) * 4096L),
                    StoreType.PERSISTENT, 8));
            origin.activate(t, q);
            q.runUntilIdle();
            snap = t;
        }
        buf = HostBuffer.allocate(4096, 4096);
        req = new BlockRequest();
        // copy every chunk into every snapshot
        for (int c = 0; c < CHUNKS; c++) {
            origin.submit(req.set(BlockRequest.Op.WRITE, c * 8L, 8, buf, false, q, done));
            q.runUntilIdle();
        }
    }

    @Benchmark
    public int originWriteAfterCopy() {
        origin.submit(req.set(BlockRequest.Op.WRITE, rnd.nextInt(CHUNKS) * 8L, 8, buf, false, q, done));
        q.runUntilIdle();
        return result;
    }

    @Benchmark
    public int snapshotReadRemapped() {
        snap.submit(req.set(BlockRequest.Op.READ, rnd.nextInt(CHUNKS) * 8L, 8, buf, false, q, done));
        q.runUntilIdle();
        return result;
    }
}
