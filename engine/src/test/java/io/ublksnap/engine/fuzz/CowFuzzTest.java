package io.ublksnap.engine.fuzz;

import io.ublksnap.engine.ChunkMap;
import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.store.CowImage;
import io.ublksnap.engine.store.ExceptionStore;
import io.ublksnap.engine.store.PersistentStore;
import io.ublksnap.engine.store.StoreType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz targets for COW parsing (issue 9, "keep it that way"): opening a persistent store (and
 * then using it: commits, merge steps), inspecting a COW, and computing a snapshot's image
 * (export). Each runs a fixed budget of inputs ({@code -Dfuzz.inputs}, default 20,000), made
 * deterministically from the seed corpus in src/test/resources/cow-corpus ({@link CowCorpus}) by
 * {@link Mutator}. Expected: 0 hangs (a watchdog, and a bound on the reads and callbacks of one
 * input), 0 unexpected exceptions (only {@link SnapshotException} and {@link IOException}, with a
 * one-line message), no write to a COW that is refused or that already holds a snapshot, every
 * commit answered, and inspect and open agreeing on every input. An input that breaks one of
 * these is written to target/fuzz-failures to replay.
 */
class CowFuzzTest {
    private static final int INPUTS = Integer.getInteger("fuzz.inputs", 20_000);
    private static final long READ_BUDGET = 200_000;
    private static final long STALL_SECONDS = 30;

    @FunctionalInterface
    interface Target {
        void run(SparseImage input, Random rnd, ArenaAllocator arena) throws IOException;
    }

    private static boolean expected(Throwable e) {
        return (e instanceof SnapshotException || e instanceof IOException) && e.getMessage() != null
                && !e.getMessage().isBlank() && !e.getMessage().contains("\n");
    }

    private static int header(SparseImage img, int field) {
        byte[] h = new byte[16];
        img.get(0, h, 0, 16);
        return ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(field * 4);
    }

    /** Runs {@code target} on the inputs with a watchdog; returns the failures (empty: all fine). */
    private static List<String> fuzz(String name, long seed, Target target) throws Exception {
        List<SparseImage> corpus = new ArrayList<>(CowCorpus.load().values());
        Mutator mutator = new Mutator(seed, corpus);
        ArenaAllocator arena = new ArenaAllocator(16 << 20);
        List<String> failures = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        SparseImage[] current = new SparseImage[1];
        Thread worker = Thread.ofPlatform().daemon().name("fuzz-" + name).unstarted(() -> {
            for (int i = 0; i < INPUTS && failures.size() < 5; i++) {
                SparseImage input = mutator.next();
                current[0] = input.copy();
                arena.reset();
                try {
                    target.run(input, mutator.random(), arena);
                } catch (Throwable e) {
                    if (!expected(e)) {
                        failures.add(name + " input " + i + ": " + e + " at " + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?")
                                + " (saved as " + save(name, i, current[0]) + ")");
                    }
                }
                done.incrementAndGet();
            }
        });
        long t0 = System.nanoTime();
        worker.start();
        long seen = -1;
        long stalledSince = System.nanoTime();
        while (worker.isAlive()) {
            worker.join(1000);
            long now = done.get();
            if (now != seen) {
                seen = now;
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > STALL_SECONDS * 1_000_000_000L) {
                failures.add(name + " hangs on input " + now + " (saved as " + save(name, (int) now, current[0]) + ")");
                break;
            }
        }
        System.out.printf("fuzz %s: %d inputs, %d failures in %.1f s%n", name, done.get(), failures.size(), (System.nanoTime() - t0) / 1e9);
        return failures;
    }

    private static String save(String name, int i, SparseImage img) {
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Path p = dir.resolve(name + "-" + i + "-size" + img.size + ".img.gz");
            try (OutputStream out = Files.newOutputStream(p)) {
                if (img.size <= (64 << 20)) {
                    img.write(out);
                }
            }
            return p.toString();
        } catch (IOException e) {
            return "(not saved: " + e.getMessage() + ")";
        }
    }

    /** Opens the store as a snapshot table would, then uses it: commits, and merge steps. */
    static void open(SparseImage input, Random rnd, ArenaAllocator arena) throws IOException {
        FuzzDevice cow = new FuzzDevice("cow", input, rndLbs(rnd), READ_BUDGET);
        boolean hadHeader = header(input, 0) != 0;
        int requested = new int[]{0, 0, 8, 16, 32, 4096, 12}[rnd.nextInt(7)];
        long originSectors = new long[]{0, 128, 2048, 1L << 40}[rnd.nextInt(4)];
        ChunkMap table = new ChunkMap();
        PersistentStore ps;
        try {
            ps = PersistentStore.open(cow, rnd.nextBoolean() ? StoreType.PERSISTENT : StoreType.PERSISTENT_OVERFLOW, requested,
                    false, originSectors, arena, (o, n) -> table.put(o, n, -1) == -1, w -> { });
        } catch (SnapshotException | IOException e) {
            if (cow.writes > 0) {
                throw new AssertionError("wrote " + cow.writes + " times to a COW it refused: " + e.getMessage());
            }
            throw e;
        }
        if (hadHeader && cow.writes > 0) {
            throw new AssertionError("wrote " + cow.writes + " times to a COW with a header while opening it");
        }
        // Every prepared exception's commit is answered, whatever the COW looked like.
        FuzzQueue q = new FuzzQueue();
        int k = rnd.nextInt(300);
        List<Long> chunks = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            long c = ps.prepareException();
            if (c == ExceptionStore.NO_SPACE) {
                break;
            }
            chunks.add(c);
        }
        int[] answered = {0};
        for (int i = 0; i < chunks.size(); i++) {
            ps.commitException(1_000_000 + i, chunks.get(i), true, q, ok -> answered[0]++);
        }
        q.drain(100_000);
        if (answered[0] != chunks.size()) {
            throw new AssertionError(chunks.size() - answered[0] + " of " + chunks.size() + " commits never answered");
        }
        // A few merge steps from the end of the list.
        for (int step = 0; step < 10; step++) {
            int[] run = {-1};
            ps.prepareMerge(q, (count, lastOld, lastNew) -> run[0] = count);
            q.drain(1000);
            if (run[0] <= 0) {
                break;
            }
            int[] rc = {1};
            ps.commitMerge(run[0], q, r -> rc[0] = r);
            q.drain(1000);
            if (rc[0] == 1) {
                throw new AssertionError("merge commit never answered");
            }
            if (rc[0] < 0) {
                break;
            }
        }
        ps.close();
    }

    private static int rndLbs(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> 4096;
            case 1 -> 1000;
            default -> 512;
        };
    }

    /** Inspects the COW; then opens it too, and the two must agree. */
    static void inspect(SparseImage input, Random rnd, ArenaAllocator arena) throws IOException {
        int lbs = rndLbs(rnd);
        long[] listed = {0};
        PersistentStore.CowInfo info;
        try {
            info = PersistentStore.inspect(new FuzzDevice("cow", input.copy(), lbs, READ_BUDGET), arena, (o, n) -> ++listed[0] > 0);
        } catch (SnapshotException | IOException e) {
            // What inspect refuses, open refuses too (unless it starts a new snapshot: no header).
            if (header(input, 0) != 0) {
                arena.reset();
                ChunkMap table = new ChunkMap();
                try {
                    PersistentStore.open(new FuzzDevice("cow", input.copy(), lbs, READ_BUDGET), StoreType.PERSISTENT, 0, false, 0,
                            arena, (o, n) -> table.put(o, n, -1) == -1, w -> { });
                } catch (SnapshotException | IOException expected) {
                    throw e;
                }
                throw new AssertionError("inspect refused what open accepted: " + e.getMessage());
            }
            throw e;
        }
        if (info.initialized() && info.valid()) {
            if (info.usage() == null || info.exceptions() != listed[0]) {
                throw new AssertionError("inspect counted " + info.exceptions() + " exceptions and listed " + listed[0]);
            }
            if (info.chunkSectors() <= ChunkSize.MAX_SECTORS) {
                arena.reset();
                long[] loaded = {0};
                ChunkMap table = new ChunkMap();
                PersistentStore ps = PersistentStore.open(new FuzzDevice("cow", input.copy(), lbs, READ_BUDGET), StoreType.PERSISTENT, 0,
                        false, 0, arena, (o, n) -> table.put(o, n, -1) == -1 && ++loaded[0] > 0, w -> { });
                if (loaded[0] != info.exceptions() || !info.usage().equals(ps.usage())) {
                    throw new AssertionError("open loaded " + loaded[0] + " exceptions (" + ps.usage() + "), inspect found "
                            + info.exceptions() + " (" + info.usage() + ")");
                }
            }
        }
    }

    /** Computes the snapshot's image over a small origin. */
    static void export(SparseImage input, Random rnd, ArenaAllocator arena) throws IOException {
        long originSize = new long[]{0, 4096, 64 << 10, (64 << 10) + 512, 1 << 20}[rnd.nextInt(5)];
        FuzzDevice origin = new FuzzDevice("origin", new SparseImage(originSize), 512, READ_BUDGET);
        FuzzDevice cow = new FuzzDevice("cow", input, rndLbs(rnd), READ_BUDGET);
        long[] bytes = {0};
        CowImage.Result r = CowImage.export(origin, cow, arena, (offset, data) -> {
            if (offset < 0 || offset + data.length() > originSize) {
                throw new AssertionError("wrote " + data.length() + " bytes at " + offset + " of a " + originSize + "-byte image");
            }
            bytes[0] += data.length();
        });
        if (r.bytes() != originSize || bytes[0] < originSize) {
            throw new AssertionError("exported " + r.bytes() + " (wrote " + bytes[0] + ") of a " + originSize + "-byte origin");
        }
        if (cow.writes > 0) {
            throw new AssertionError("export wrote to the COW");
        }
    }

    @Test
    void openingAndUsingAStore() throws Exception {
        List<String> f = fuzz("open", 11, CowFuzzTest::open);
        assertTrue(f.isEmpty(), () -> String.join("\n", f));
    }

    @Test
    void inspectingACow() throws Exception {
        List<String> f = fuzz("inspect", 23, CowFuzzTest::inspect);
        assertTrue(f.isEmpty(), () -> String.join("\n", f));
    }

    @Test
    void exportingAnImage() throws Exception {
        List<String> f = fuzz("export", 37, CowFuzzTest::export);
        assertTrue(f.isEmpty(), () -> String.join("\n", f));
    }
}
