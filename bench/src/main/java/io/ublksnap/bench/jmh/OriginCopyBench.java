package io.ublksnap.bench.jmh;

import io.ublksnap.engine.BlockRequest;
import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotConfig;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.io.FileBacking;
import io.ublksnap.ublkd.io.RingLoop;
import io.ublksnap.ublkd.io.NativeBufferAllocator;
import io.ublksnap.ublkd.io.SegmentBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Origin 4 KiB random writes that each trigger a copy, with 1 and with 4 snapshots, on io_uring
 * file backends (the engine with ublkd's RingLoop and FileBacking, no ublk): operations per
 * second, and bytes moved on the backing devices per byte written (printed per iteration).
 * Files live in {@code -Dbench.dir} (default /tmp/ublksnap-bench).
 */
@State(Scope.Benchmark)
public class OriginCopyBench {
    static final int BATCH = 64;
    static final long CHUNK = 4096;

    @Param({"1", "4"})
    int snapshots;

    @Param({"1", "32"})
    int depth;

    @Param({"131072"})
    int chunks; // 512 MiB origin

    Path dir;
    RingLoop loop;
    FileBacking originDev;
    Origin origin;
    SnapshotTarget[] targets;
    FileBacking[] cows;
    int[] order;
    int next;
    SegmentBuffer[] bufs;
    long written;
    long startRead;
    long startWritten;

    @Setup(Level.Trial)
    public void trial() throws Exception {
        dir = Path.of(System.getProperty("bench.dir", "/tmp/ublksnap-bench"));
        Files.createDirectories(dir);
        Path o = dir.resolve("origin.img");
        long size = chunks * CHUNK;
        if (!Files.exists(o) || Files.size(o) != size) {
            try (FileChannel ch = FileChannel.open(o, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                Random r = new Random(5);
                for (long p = 0; p < size; p += b.capacity()) {
                    b.clear();
                    while (b.hasRemaining()) {
                        b.putLong(r.nextLong());
                    }
                    b.flip();
                    ch.write(b, p);
                }
            }
        }
        loop = RingLoop.start("bench", 1024);
        originDev = FileBacking.open(o.toString());
        origin = new Origin("o", originDev, NativeBufferAllocator.INSTANCE, Origin.Options.DEFAULT, m -> { });
        bufs = new SegmentBuffer[BATCH];
        Arena arena = Arena.ofAuto();
        for (int i = 0; i < BATCH; i++) {
            bufs[i] = new SegmentBuffer(arena.allocate(CHUNK, 4096), -1);
            bufs[i].segment().fill((byte) i);
        }
        order = new int[chunks];
        for (int i = 0; i < chunks; i++) {
            order[i] = i;
        }
    }

    @Setup(Level.Iteration)
    public void freshSnapshots() throws Exception {
        targets = new SnapshotTarget[snapshots];
        cows = new FileBacking[snapshots];
        long cowSize = (chunks + chunks / 256 + 16) * CHUNK;
        for (int i = 0; i < snapshots; i++) {
            Path c = dir.resolve("cow" + i);
            Files.deleteIfExists(c);
            try (RandomAccessFile f = new RandomAccessFile(c.toFile(), "rw")) {
                f.setLength(cowSize);
            }
            cows[i] = FileBacking.open(c.toString());
            targets[i] = origin.load(new SnapshotConfig("s" + i, cows[i], StoreType.PERSISTENT, 8));
            SnapshotTarget t = targets[i];
            origin.activate(t, loop).toCompletableFuture().get();
        }
        Random r = new Random(next + 17L);
        for (int i = chunks - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        next = 0;
        written = 0;
        startRead = loop.call(loop::bytesRead);
        startWritten = loop.call(loop::bytesWritten);
    }

    @TearDown(Level.Iteration)
    public void removeSnapshots() throws Exception {
        long moved = loop.call(() -> loop.bytesRead() + loop.bytesWritten()) - startRead - startWritten;
        System.out.printf("%n  [%d snapshot(s), qd %d] %d writes, %.2f bytes moved per byte written%n",
                snapshots, depth, written / CHUNK, (double) moved / written);
        for (int i = 0; i < snapshots; i++) {
            SnapshotTarget t = targets[i];
            origin.remove(t, loop).toCompletableFuture().get();
            cows[i].close();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        loop.requestStop();
        loop.join();
        originDev.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int writes() throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> new Batch(f).start());
        return f.get();
    }

    /** BATCH writes on the loop thread, at most {@code depth} in flight. */
    final class Batch {
        final CompletableFuture<Integer> done;
        int issued;
        int completed;
        int errors;

        Batch(CompletableFuture<Integer> done) {
            this.done = done;
        }

        void start() {
            for (int i = 0; i < Math.min(depth, BATCH); i++) {
                issue();
            }
        }

        void issue() {
            int slot = issued++;
            long chunk = order[next++ % chunks];
            BlockRequest r = new BlockRequest();
            r.set(BlockRequest.Op.WRITE, chunk * (CHUNK / 512), (int) (CHUNK / 512), bufs[slot], false, loop, (req, res) -> {
                if (res < 0) {
                    errors++;
                }
                written += CHUNK;
                if (++completed == BATCH) {
                    done.complete(errors);
                } else if (issued < BATCH) {
                    issue();
                }
            });
            origin.submit(r);
        }
    }
}
