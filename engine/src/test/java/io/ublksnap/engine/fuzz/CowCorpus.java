package io.ublksnap.engine.fuzz;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.io.MemoryDevice;
import io.ublksnap.engine.io.MemoryQueue;
import io.ublksnap.engine.store.ExceptionStore;
import io.ublksnap.engine.store.PersistentStore;
import io.ublksnap.engine.store.StoreType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fuzzers' seed corpus: small COWs in dm-snapshot's format, made by the engine itself, kept
 * gzip-compressed in src/test/resources/cow-corpus. Regenerate with
 * {@code java -cp engine/target/classes:engine/target/test-classes io.ublksnap.engine.fuzz.CowCorpus engine/src/test/resources/cow-corpus}.
 */
public final class CowCorpus {
    static final List<String> NAMES = List.of("blank", "fresh-chunk8", "three-exceptions", "two-areas", "invalidated",
            "half-merged", "consecutive-runs-chunk16", "ext4-like", "huge-chunk-header", "version2");

    private CowCorpus() {
    }

    /** The seeds, by name, read from the classpath. */
    static Map<String, SparseImage> load() throws IOException {
        Map<String, SparseImage> seeds = new LinkedHashMap<>();
        for (String n : NAMES) {
            try (InputStream in = CowCorpus.class.getResourceAsStream("/cow-corpus/" + n + ".img.gz")) {
                if (in == null) {
                    throw new IOException("seed " + n + " is missing from the corpus");
                }
                seeds.put(n, SparseImage.read(in));
            }
        }
        return seeds;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Map.Entry<String, SparseImage> e : generate().entrySet()) {
            try (OutputStream out = Files.newOutputStream(dir.resolve(e.getKey() + ".img.gz"))) {
                e.getValue().write(out);
            }
        }
    }

    static Map<String, SparseImage> generate() throws IOException {
        Map<String, SparseImage> m = new LinkedHashMap<>();
        m.put("blank", image(new MemoryDevice("c", 64 << 10)));

        MemoryDevice fresh = new MemoryDevice("c", 64 << 10);
        open(fresh, 8);
        m.put("fresh-chunk8", image(fresh));

        MemoryDevice three = new MemoryDevice("c", 64 << 10);
        commit(open(three, 8), three, new long[]{100, 7, 0x1_0000_0001L});
        m.put("three-exceptions", image(three));

        MemoryDevice two = new MemoryDevice("c", 600L * 4096);
        long[] olds = new long[258];
        for (int i = 0; i < olds.length; i++) {
            olds[i] = 5000 + i;
        }
        commit(open(two, 8), two, olds);
        m.put("two-areas", image(two));

        MemoryDevice invalid = new MemoryDevice("c", 128 << 10);
        PersistentStore ps = open(invalid, 16);
        commit(ps, invalid, new long[]{1, 2, 3});
        MemoryQueue q = new MemoryQueue();
        ps.drop(q, null);
        q.runUntilIdle();
        m.put("invalidated", image(invalid));

        MemoryDevice merged = new MemoryDevice("c", 64 << 10);
        PersistentStore pm = open(merged, 8);
        commit(pm, merged, new long[]{50, 10, 11, 12});
        MemoryQueue mq = new MemoryQueue();
        pm.prepareMerge(mq, (count, lastOld, lastNew) -> pm.commitMerge(count, mq, r -> { }));
        mq.runUntilIdle();
        m.put("half-merged", image(merged));

        MemoryDevice runs = new MemoryDevice("c", 256 << 10);
        commit(open(runs, 16), runs, new long[]{3, 4, 5, 9, 20, 21, 22, 23, 1});
        m.put("consecutive-runs-chunk16", image(runs));

        MemoryDevice ext4 = new MemoryDevice("c", 64 << 10);
        HostBuffer sb = HostBuffer.allocate(1024, 4096);
        sb.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).putInt(0, 4096).putShort(56, (short) 0xEF53);
        ext4.writeSync(1024, sb);
        m.put("ext4-like", image(ext4));

        m.put("huge-chunk-header", header(8192, 1, 1, 1 << 21));
        m.put("version2", header(64 << 10, 1, 2, 8));
        return m;
    }

    private static SparseImage header(int size, int valid, int version, int chunk) {
        SparseImage img = new SparseImage(size);
        byte[] h = new byte[16];
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(0x70416e53).putInt(valid).putInt(version).putInt(chunk);
        img.put(0, h, 0, 16);
        return img;
    }

    private static PersistentStore open(MemoryDevice cow, int chunk) throws IOException {
        return PersistentStore.open(cow, StoreType.PERSISTENT, chunk, false, 0, BufferAllocator.DIRECT, (o, n) -> true, w -> { });
    }

    private static void commit(PersistentStore ps, MemoryDevice cow, long[] olds) {
        MemoryQueue q = new MemoryQueue();
        long[] news = new long[olds.length];
        for (int i = 0; i < olds.length; i++) {
            news[i] = ps.prepareException();
            if (news[i] == ExceptionStore.NO_SPACE) {
                throw new IllegalStateException("seed COW too small");
            }
        }
        for (int i = 0; i < olds.length; i++) {
            ps.commitException(olds[i], news[i], true, q, ok -> { });
        }
        q.runUntilIdle();
    }

    private static SparseImage image(MemoryDevice dev) throws IOException {
        byte[] raw = new byte[(int) dev.sizeBytes()];
        HostBuffer b = HostBuffer.allocate(raw.length, 4096);
        dev.readSync(0, b);
        b.byteBuffer().get(0, raw);
        SparseImage img = new SparseImage(raw.length);
        img.put(0, raw, 0, raw.length);
        img.pages.values().removeIf(p -> java.util.Arrays.equals(p, new byte[SparseImage.PAGE]));
        return img;
    }
}
