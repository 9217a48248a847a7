package io.ublksnap.engine.store;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.engine.io.MemoryDevice;
import io.ublksnap.engine.io.MemoryQueue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The persistent store against dm-snapshot's on-disk format, checked by hand-computed offsets:
 * header in chunk 0, metadata area a at chunk 1 + a*(epa+1), 16-byte little-endian exceptions.
 */
class PersistentStoreTest {
    private static final int CHUNK = 8;             // sectors
    private static final int CHUNK_BYTES = CHUNK * 512;
    private static final int EPA = CHUNK_BYTES / 16; // 256

    /** A queue that records what it was asked to do, then does it on a MemoryQueue. */
    static final class RecordingQueue implements IoQueue {
        final MemoryQueue q = new MemoryQueue();
        final List<String> ops = new ArrayList<>();

        @Override
        public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback cb) {
            ops.add("read " + offset / CHUNK_BYTES);
            q.read(dev, offset, buf, cb);
        }

        @Override
        public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback cb) {
            ops.add("write " + offset / CHUNK_BYTES + ((flags & PREFLUSH) != 0 ? " preflush" : "") + ((flags & FUA) != 0 ? " fua" : ""));
            q.write(dev, offset, buf, flags, cb);
        }

        @Override
        public void flush(BackingDevice dev, IoCallback cb) {
            ops.add("flush");
            q.flush(dev, cb);
        }

        @Override
        public void discard(BackingDevice dev, long offset, long length, IoCallback cb) {
            q.discard(dev, offset, length, cb);
        }

        @Override
        public void execute(Runnable task) {
            q.execute(task);
        }

        void drain() {
            q.runUntilIdle();
        }
    }

    static ByteBuffer raw(MemoryDevice dev, long offset, int length) throws IOException {
        HostBuffer b = HostBuffer.allocate(length, 4096);
        dev.readSync(offset, b);
        return b.byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] bytes(MemoryDevice dev) throws IOException {
        ByteBuffer b = raw(dev, 0, (int) dev.sizeBytes());
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static PersistentStore open(MemoryDevice cow, int chunk, Map<Long, Long> sink, List<String> warnings) throws IOException {
        return PersistentStore.open(cow, StoreType.PERSISTENT, chunk, false, 0, BufferAllocator.DIRECT,
                (o, n) -> sink.put(o, n) == null, warnings::add);
    }

    static void commit(PersistentStore ps, RecordingQueue q, long old, long nw, List<Boolean> results) {
        ps.commitException(old, nw, true, q, results::add);
    }

    @Test
    void newStoreWritesHeaderAndZeroedFirstArea() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        // garbage where the first area will be: only an explicit init request may overwrite it
        HostBuffer junk = HostBuffer.allocate(CHUNK_BYTES, 4096);
        junk.byteBuffer().put(0, new byte[CHUNK_BYTES]).putLong(0, -1L);
        cow.writeSync(CHUNK_BYTES, junk);

        PersistentStore ps = PersistentStore.open(cow, StoreType.PERSISTENT, CHUNK, true, 0, BufferAllocator.DIRECT,
                (o, n) -> true, w -> { });
        ByteBuffer h = raw(cow, 0, CHUNK_BYTES);
        assertEquals(0x53, h.get(0));
        assertEquals(0x6e, h.get(1));
        assertEquals(0x41, h.get(2));
        assertEquals(0x70, h.get(3)); // "SnAp"
        assertEquals(1, h.getInt(4), "valid");
        assertEquals(1, h.getInt(8), "version");
        assertEquals(CHUNK, h.getInt(12), "chunk size");
        for (int i = 16; i < CHUNK_BYTES; i++) {
            assertEquals(0, h.get(i), "rest of the header chunk is zero");
        }
        assertEquals(0, raw(cow, CHUNK_BYTES, CHUNK_BYTES).getLong(0), "area 0 zeroed");
        // dm-snapshot: a fresh store with 8-sector chunks reports 16/<total> 16
        StoreUsage u = ps.usage();
        assertEquals(16, u.allocatedSectors());
        assertEquals(16, u.metadataSectors());
        assertEquals(64L * CHUNK, u.totalSectors());
    }

    @Test
    void exceptionsAreWrittenAsLittleEndianPairsAfterGroupCommit() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        long a = ps.prepareException();
        long b = ps.prepareException();
        long c = ps.prepareException();
        assertEquals(List.of(2L, 3L, 4L), List.of(a, b, c), "data chunks follow area 0 at chunk 1");
        List<Boolean> results = new ArrayList<>();
        commit(ps, q, 100, a, results);
        commit(ps, q, 7, b, results);
        q.drain();
        assertTrue(q.ops.isEmpty(), "no area write while an exception is still pending: " + q.ops);
        assertTrue(results.isEmpty());
        commit(ps, q, 0x1_0000_0001L, c, results);
        q.drain();
        assertEquals(List.of("write 1 preflush fua"), q.ops, "one preflushed FUA write of area 0 for the batch");
        assertEquals(List.of(true, true, true), results);
        ByteBuffer area = raw(cow, CHUNK_BYTES, CHUNK_BYTES);
        assertEquals(100, area.getLong(0));
        assertEquals(2, area.getLong(8));
        assertEquals(7, area.getLong(16));
        assertEquals(3, area.getLong(24));
        assertEquals(0x1_0000_0001L, area.getLong(32));
        assertEquals(4, area.getLong(40));
        assertEquals(0, area.getLong(56), "end of list: new_chunk 0");
        assertEquals(1, area.get(32 + 4), "little-endian high word");

        Map<Long, Long> loaded = new LinkedHashMap<>();
        PersistentStore again = open(cow, CHUNK, loaded, new ArrayList<>());
        assertEquals(Map.of(100L, 2L, 7L, 3L, 0x1_0000_0001L, 4L), loaded);
        assertEquals(List.of(100L, 7L, 0x1_0000_0001L), new ArrayList<>(loaded.keySet()), "in on-disk order");
        assertEquals(5, again.prepareException(), "next free after the highest loaded chunk");
    }

    /**
     * Issue 10.3: the only pending exception commits in its copy's chain: the area write is the chain's last
     * operation, after the copy; the copy's write is FUA and the area write FUA alone (no flush: an fdatasync
     * is a trip through an io_uring worker thread); the commit's callback waits for the chain's result. A store
     * with another exception prepared, or an area write in flight, refuses, and the usual commit follows
     * (preflushed).
     */
    @Test
    void theOnlyPendingExceptionCommitsInItsCopysChain() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        List<Boolean> results = new ArrayList<>();
        long a = ps.prepareException();
        long b = ps.prepareException();
        io.ublksnap.engine.io.IoChain chain = q.chain();
        assertFalse(ps.mayCommitInChain(), "another exception is prepared");
        assertEquals(null, ps.commitInChain(40, a, chain, results::add), "another exception is prepared: commit as usual");
        commit(ps, q, 40, a, results);
        q.drain();
        assertTrue(q.ops.isEmpty(), "group commit waits for b: " + q.ops);

        HostBuffer data = HostBuffer.allocate(CHUNK_BYTES, 4096);
        data.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0x5eed);
        MemoryDevice origin = new MemoryDevice("origin", 64L * CHUNK_BYTES);
        origin.writeSync(41L * CHUNK_BYTES, data);
        io.ublksnap.engine.io.IoChain chainB = q.chain().copy(origin, 41L * CHUNK_BYTES, cow, b * CHUNK_BYTES, HostBuffer.allocate(CHUNK_BYTES, 4096), 0);
        ExceptionStore.ChainedCommit cb = ps.commitInChain(41, b, chainB, results::add);
        assertEquals(null, cb, "a's commit waits in the batch");
        commit(ps, q, 41, b, results);
        q.drain();
        assertEquals(List.of("write 1 preflush fua"), q.ops);
        assertEquals(List.of(true, true), results);
        q.ops.clear();
        results.clear();

        long c = ps.prepareException();
        assertTrue(ps.mayCommitInChain(), "alone and idle");
        io.ublksnap.engine.io.IoChain chainC = q.chain().copy(origin, 41L * CHUNK_BYTES, cow, c * CHUNK_BYTES, HostBuffer.allocate(CHUNK_BYTES, 4096),
                io.ublksnap.engine.io.IoQueue.FUA);
        ExceptionStore.ChainedCommit cc = ps.commitInChain(42, c, chainC, results::add);
        assertTrue(cc != null, "alone and idle: in the chain");
        long d = ps.prepareException();
        assertEquals(null, ps.commitInChain(43, d, q.chain(), results::add), "an area write is in flight (c's)");
        int[] chainResult = {1};
        chainC.submit(r -> {
            chainResult[0] = r;
            cc.chainDone(r, q);
        });
        commit(ps, q, 43, d, results); // waits for c's area write, then goes alone
        q.drain();
        assertEquals(CHUNK_BYTES, chainResult[0], "the chain's last operation: the area write");
        assertEquals(List.of("read 41", "write " + c + " fua", "write 1 fua", "write 1 preflush fua"), q.ops,
                "copy (durable), then the area in the same chain (no flush); then d's commit (flushed)");
        assertEquals(List.of(true, true), results);
        assertEquals(0x5eed, raw(cow, c * CHUNK_BYTES, 8).getLong(0), "the copy");
        Map<Long, Long> loaded = new LinkedHashMap<>();
        open(cow, CHUNK, loaded, new ArrayList<>());
        assertEquals(Map.of(40L, a, 41L, b, 42L, c, 43L, d), loaded);
    }

    /** A chain whose copy failed leaves its commit undone: the store is invalid, the commit reports failure. */
    @Test
    void aFailedChainFailsItsCommitAndInvalidatesTheStore() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        List<Boolean> results = new ArrayList<>();
        long a = ps.prepareException();
        ExceptionStore.ChainedCommit cc = ps.commitInChain(7, a, q.chain(), results::add);
        assertTrue(cc != null);
        cc.chainDone(-io.ublksnap.engine.io.Errno.EIO, q);
        q.drain();
        assertEquals(List.of(false), results);
        assertFalse(ps.valid());
        assertEquals(0, raw(cow, CHUNK_BYTES, CHUNK_BYTES).getLong(8), "nothing committed on disk");
    }

    @Test
    void aFullAreaZeroesTheNextOneFirstAndDataSkipsIt() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 600L * CHUNK_BYTES);
        // garbage where area 1 will be (chunk 1 + 257 = 258)
        HostBuffer junk = HostBuffer.allocate(CHUNK_BYTES, 4096);
        junk.byteBuffer().putLong(0, 12345).putLong(8, 77);
        cow.writeSync(258L * CHUNK_BYTES, junk);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        List<Boolean> results = new ArrayList<>();
        for (int i = 0; i < EPA; i++) {
            long n = ps.prepareException();
            assertEquals(2 + i, n);
            commit(ps, q, 1000 + i, n, results);
            q.drain();
        }
        int writes = (int) q.ops.stream().filter(o -> o.startsWith("write")).count();
        assertTrue(q.ops.indexOf("write 258") < q.ops.lastIndexOf("write 1 preflush fua"), "next area zeroed before the full one: " + q.ops.subList(q.ops.size() - 4, q.ops.size()));
        assertEquals(EPA + 1, writes, "one write per commit plus the zeroing");
        assertEquals(0, raw(cow, 258L * CHUNK_BYTES, CHUNK_BYTES).getLong(8), "area 1 zeroed");
        assertEquals(259, ps.prepareException(), "chunk 258 is metadata area 1");
        StoreUsage u = ps.usage();
        assertEquals(3L * CHUNK, u.metadataSectors(), "header + two areas");
        // reload: area 0 full, area 1 empty
        Map<Long, Long> loaded = new LinkedHashMap<>();
        PersistentStore again = open(cow, CHUNK, loaded, new ArrayList<>());
        assertEquals(EPA, loaded.size());
        assertEquals(259, again.prepareException());
    }

    @Test
    void opensACowBuiltByHandAcrossTwoAreas() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 600L * CHUNK_BYTES);
        HostBuffer chunk = HostBuffer.allocate(CHUNK_BYTES, 4096);
        ByteBuffer b = chunk.byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x70416e53).putInt(4, 1).putInt(8, 1).putInt(12, CHUNK);
        cow.writeSync(0, chunk);
        // area 0 full: old = 5000 + i, new = 2 + i
        for (int i = 0; i < EPA; i++) {
            b.putLong(i * 16, 5000 + i).putLong(i * 16 + 8, 2 + i);
        }
        cow.writeSync(CHUNK_BYTES, chunk);
        // area 1 (chunk 258): two entries, new chunks 259 and 300, then the end
        b.clear();
        for (int i = 0; i < CHUNK_BYTES; i += 8) {
            b.putLong(i, 0);
        }
        b.putLong(0, 9).putLong(8, 259).putLong(16, 3).putLong(24, 300);
        cow.writeSync(258L * CHUNK_BYTES, chunk);

        Map<Long, Long> loaded = new LinkedHashMap<>();
        PersistentStore ps = open(cow, CHUNK, loaded, new ArrayList<>());
        assertEquals(EPA + 2, loaded.size());
        assertEquals(259, loaded.get(9L));
        assertEquals(300, loaded.get(3L));
        assertEquals(301, ps.prepareException(), "next free = highest new chunk + 1");
        assertEquals(new StoreUsage(302L * CHUNK, 600L * CHUNK, 3L * CHUNK), ps.usage());
    }

    @Test
    void headerChunkSizeWinsWithAWarning() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * 32 * 512);
        open(cow, 32, new LinkedHashMap<>(), new ArrayList<>()).close();
        List<String> warnings = new ArrayList<>();
        PersistentStore ps = open(cow, 16, new LinkedHashMap<>(), warnings);
        assertEquals(32, ps.chunkSectors());
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("overrides the requested chunk size 16"), warnings.toString());
    }

    private static void assertRefusedUntouched(MemoryDevice cow, int chunk, String expected) throws IOException {
        byte[] before = bytes(cow);
        SnapshotException e = assertThrows(SnapshotException.class, () -> open(cow, chunk, new LinkedHashMap<>(), new ArrayList<>()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertArrayEquals(before, bytes(cow), "nothing written to a refused COW");
    }

    @Test
    void aFileSystemWhoseFirstBytesAreZeroIsNotTakenForABlankCow() throws IOException {
        // ext2/3/4 leave the first 1024 bytes alone and put their superblock (magic 0xEF53 at byte 56) after them
        MemoryDevice ext4 = new MemoryDevice("ext4.img", 64L * CHUNK_BYTES);
        HostBuffer sb = HostBuffer.allocate(1024, 4096);
        sb.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).putInt(0, 4096).putShort(56, (short) 0xEF53);
        ext4.writeSync(1024, sb);
        assertRefusedUntouched(ext4, CHUNK, "not blank");
        // anything in the first metadata area counts too
        MemoryDevice junk = new MemoryDevice("junk", 64L * CHUNK_BYTES);
        HostBuffer b = HostBuffer.allocate(512, 4096);
        b.byteBuffer().put(511, (byte) 1);
        junk.writeSync(2L * CHUNK_BYTES - 512, b);
        assertRefusedUntouched(junk, CHUNK, "not blank");
    }

    @Test
    void anExplicitInitStartsANewSnapshotOnAnything() throws IOException {
        MemoryDevice ext4 = new MemoryDevice("ext4.img", 64L * CHUNK_BYTES);
        HostBuffer sb = HostBuffer.allocate(1024, 4096);
        sb.byteBuffer().putShort(56, (short) 0xEF53);
        ext4.writeSync(1024, sb);
        PersistentStore ps = PersistentStore.open(ext4, StoreType.PERSISTENT, CHUNK, true, 0, BufferAllocator.DIRECT,
                (o, n) -> true, w -> { });
        assertTrue(ps.valid());
        assertEquals(0, raw(ext4, 1024, 512).getShort(56), "the header chunk was rewritten whole");
        // an old snapshot COW is started afresh too
        MemoryDevice old = cowWithArea0(1, 2, 3, 4);
        Map<Long, Long> loaded = new LinkedHashMap<>();
        PersistentStore.open(old, StoreType.PERSISTENT, CHUNK, true, 0, BufferAllocator.DIRECT, (o, n) -> loaded.put(o, n) == null, w -> { });
        assertTrue(loaded.isEmpty());
        open(old, CHUNK, loaded, new ArrayList<>());
        assertTrue(loaded.isEmpty(), "its exceptions are gone: " + loaded);
    }

    @Test
    void aBlankCowNeedsNoInit() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        HostBuffer b = HostBuffer.allocate(512, 4096);
        b.byteBuffer().put(0, (byte) 7);
        cow.writeSync(2L * CHUNK_BYTES, b); // data after the first area does not matter
        assertTrue(open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>()).valid());
    }

    @Test
    void refusesWrongMagic() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        HostBuffer b = HostBuffer.allocate(512, 4096);
        b.byteBuffer().put(0, "XFSB".getBytes());
        cow.writeSync(0, b);
        assertRefusedUntouched(cow, CHUNK, "is not a snapshot COW");
    }

    @Test
    void refusesUnknownVersion() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        HostBuffer b = HostBuffer.allocate(512, 4096);
        b.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x70416e53).putInt(4, 1).putInt(8, 2).putInt(12, CHUNK);
        cow.writeSync(0, b);
        assertRefusedUntouched(cow, CHUNK, "format version 2");
    }

    @Test
    void refusesCorruptChunkSizeInHeader() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        HostBuffer b = HostBuffer.allocate(512, 4096);
        b.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x70416e53).putInt(4, 1).putInt(8, 1).putInt(12, 12);
        cow.writeSync(0, b);
        assertRefusedUntouched(cow, CHUNK, "corrupt header");
    }

    private static MemoryDevice cowWithArea0(long old, long nw, long old2, long nw2) throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>()).close();
        HostBuffer b = HostBuffer.allocate(CHUNK_BYTES, 4096);
        b.byteBuffer().order(ByteOrder.LITTLE_ENDIAN).putLong(0, old).putLong(8, nw).putLong(16, old2).putLong(24, nw2);
        cow.writeSync(CHUNK_BYTES, b);
        return cow;
    }

    @Test
    void refusesCorruptAreas() throws IOException {
        assertRefusedUntouched(cowWithArea0(1, 2, 2, 6400), CHUNK, "beyond the COW's end");
        assertRefusedUntouched(cowWithArea0(1, 2, 2, 1), CHUNK, "is a metadata chunk");
        assertRefusedUntouched(cowWithArea0(1, 2, 1, 3), CHUNK, "already has an exception");
    }

    /** A COW whose area 0 is full ({@code newOf(i)} for entry i, old chunks 5000 + i) and that has {@code chunks} chunks. */
    private static MemoryDevice cowWithFullArea0(long chunks, java.util.function.IntToLongFunction newOf) throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", chunks * CHUNK_BYTES);
        HostBuffer b = HostBuffer.allocate(CHUNK_BYTES, 4096);
        ByteBuffer bb = b.byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, 0x70416e53).putInt(4, 1).putInt(8, 1).putInt(12, CHUNK);
        cow.writeSync(0, b);
        for (int i = 0; i < EPA; i++) {
            bb.putLong(i * 16, 5000 + i).putLong(i * 16 + 8, newOf.applyAsLong(i));
        }
        cow.writeSync(CHUNK_BYTES, b);
        return cow;
    }

    @Test
    void refusesAFullAreaAtTheCowsEndAsTheKernelDoes() throws IOException {
        // Header, area 0 full, its 256 data chunks, and nothing after: the kernel's read of area 1 fails.
        assertRefusedUntouched(cowWithFullArea0(2 + EPA, i -> 2 + i), CHUNK, "ends");
    }

    @Test
    void refusesTwoExceptionsSharingACowChunk() throws IOException {
        assertRefusedUntouched(cowWithArea0(1, 2, 7, 2), CHUNK, "COW chunk 2");
        // the crafted COW of issue 9: a full last area whose entries reuse a few COW chunks
        assertRefusedUntouched(cowWithFullArea0(2 + EPA, i -> 2 + i % 8), CHUNK, "COW chunk");
    }

    @Test
    void filledToTheLastChunkEveryCommitIsAnsweredAndTheCowReopens() throws IOException {
        // COW sizes around the end of area 0 and the start of area 1 (chunk 1 + 257 = 258)
        for (long chunks : new long[]{3, 10, EPA + 1, EPA + 2, EPA + 3, EPA + 4, 2 * EPA + 3, 2 * EPA + 4}) {
            MemoryDevice cow = new MemoryDevice("cow", chunks * CHUNK_BYTES);
            PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
            RecordingQueue q = new RecordingQueue();
            List<Boolean> results = new ArrayList<>();
            int n = 0;
            for (long c; (c = ps.prepareException()) != ExceptionStore.NO_SPACE; n++) {
                commit(ps, q, 10_000 + n, c, results);
                q.drain();
            }
            assertEquals(n, results.size(), chunks + " chunks: every commit answered");
            assertTrue(results.stream().allMatch(r -> r), chunks + " chunks: " + results);
            Map<Long, Long> loaded = new LinkedHashMap<>();
            open(cow, CHUNK, loaded, new ArrayList<>());
            assertEquals(n, loaded.size(), chunks + " chunks: reopened with every exception");
        }
    }

    @Test
    void refusesACowSmallerThanTwoChunks() throws IOException {
        assertRefusedUntouched(new MemoryDevice("cow", CHUNK_BYTES + 512), CHUNK, "too small");
    }

    @Test
    void invalidSnapshotLoadsInvalidWithoutExceptions() throws IOException {
        MemoryDevice cow = cowWithArea0(1, 2, 0, 0);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        ps.drop(q, null);
        q.drain();
        assertEquals(0, raw(cow, 0, 512).getInt(4), "header valid = 0");
        Map<Long, Long> loaded = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        PersistentStore again = open(cow, CHUNK, loaded, warnings);
        assertFalse(again.valid());
        assertTrue(loaded.isEmpty());
        assertTrue(warnings.getFirst().contains("marked invalid"));
    }

    @Test
    void failedCopyInvalidatesAndNothingIsWritten() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        long n = ps.prepareException();
        List<Boolean> results = new ArrayList<>();
        ps.commitException(9, n, false, q, results::add);
        q.drain();
        assertEquals(List.of(false), results);
        assertFalse(ps.valid());
        assertEquals(0, raw(cow, CHUNK_BYTES, 64).getLong(8), "no entry for a failed copy");
    }

    @Test
    void runsOutOfSpaceAndNeverHandsOutAnAreaWithoutRoomForTheNext() throws IOException {
        // 10 chunks: header, area 0, data 2..9
        MemoryDevice cow = new MemoryDevice("cow", 10L * CHUNK_BYTES);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        for (int i = 2; i < 10; i++) {
            assertEquals(i, ps.prepareException());
        }
        assertEquals(ExceptionStore.NO_SPACE, ps.prepareException());
        // exactly 1 + 1 + 256 chunks: the last data chunk of area 0 would leave no room for area 1
        MemoryDevice exact = new MemoryDevice("exact", (2L + EPA) * CHUNK_BYTES);
        PersistentStore ps2 = open(exact, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        long last = -1;
        for (long n; (n = ps2.prepareException()) != ExceptionStore.NO_SPACE; ) {
            last = n;
        }
        assertEquals(EPA, last, "chunk 257 (the area's last) is not handed out");
    }

    @Test
    void mergeTakesRunsFromTheEndAndForgetsThemOnDisk() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        List<Boolean> results = new ArrayList<>();
        long[] olds = {50, 10, 11, 12};
        long[] news = new long[4];
        for (int i = 0; i < 4; i++) {
            news[i] = ps.prepareException();
        }
        for (int i = 0; i < 4; i++) {
            commit(ps, q, olds[i], news[i], results);
        }
        q.drain();
        long[] run = new long[3];
        ps.prepareMerge(q, (count, lastOld, lastNew) -> {
            run[0] = count;
            run[1] = lastOld;
            run[2] = lastNew;
        });
        q.drain();
        assertEquals(3, run[0], "10,11,12 -> 3,4,5 are consecutive");
        assertEquals(12, run[1]);
        assertEquals(5, run[2]);
        int[] rc = {1};
        ps.commitMerge(3, q, r -> rc[0] = r);
        q.drain();
        assertEquals(0, rc[0]);
        ByteBuffer area = raw(cow, CHUNK_BYTES, CHUNK_BYTES);
        assertEquals(50, area.getLong(0));
        assertEquals(0, area.getLong(16 + 8), "merged entries zeroed on disk");
        ps.prepareMerge(q, (count, lastOld, lastNew) -> run[0] = count);
        q.drain();
        assertEquals(1, run[0]);
        ps.commitMerge(1, q, r -> rc[0] = r);
        q.drain();
        ps.prepareMerge(q, (count, lastOld, lastNew) -> run[0] = count);
        q.drain();
        assertEquals(0, run[0], "done");
        StoreUsage u = ps.usage();
        assertEquals(u.metadataSectors(), u.allocatedSectors(), "a merged-out store reports allocated == metadata");
    }

    /**
     * A merge's commit rides in the chain of its run's copy: COW read, FUA origin write, then the
     * area write with FUA alone (the data it lets go of is in the origin durably already, written
     * with FUA by the chain's copy: a flush before it orders nothing). A chain that fails before the
     * area write leaves the store as it was: the run is found again.
     */
    @Test
    void mergeCommitFollowsItsCopyInOneChainWithFuaAlone() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        PersistentStore ps = open(cow, CHUNK, new LinkedHashMap<>(), new ArrayList<>());
        RecordingQueue q = new RecordingQueue();
        List<Boolean> results = new ArrayList<>();
        long[] news = new long[3];
        for (int i = 0; i < 3; i++) {
            news[i] = ps.prepareException();
        }
        for (int i = 0; i < 3; i++) {
            commit(ps, q, 10 + i, news[i], results);
        }
        q.drain();
        int[] run = new int[1];
        ps.prepareMerge(q, (count, lastOld, lastNew) -> run[0] = count);
        q.drain();
        assertEquals(3, run[0]);

        MemoryDevice tiny = new MemoryDevice("tiny origin", 4L * CHUNK_BYTES);
        HostBuffer data = HostBuffer.allocate(3 * CHUNK_BYTES, 4096);
        io.ublksnap.engine.io.IoChain failing = q.chain().copy(cow, news[0] * CHUNK_BYTES, tiny, 10L * CHUNK_BYTES, data,
                io.ublksnap.engine.io.IoQueue.FUA);
        ExceptionStore.ChainedCommit lost = ps.commitMerge(3, failing, r -> results.add(r == 0));
        q.ops.clear();
        results.clear();
        failing.submit(r -> lost.chainDone(r, q));
        q.drain();
        assertEquals(List.of("read 2", "write 10 fua"), q.ops, "the origin write failed: no area write");
        assertEquals(List.of(false), results);
        ps.prepareMerge(q, (count, lastOld, lastNew) -> run[0] = count);
        q.drain();
        assertEquals(3, run[0], "nothing was forgotten");

        MemoryDevice origin = new MemoryDevice("origin", 64L * CHUNK_BYTES);
        io.ublksnap.engine.io.IoChain chain = q.chain().copy(cow, news[0] * CHUNK_BYTES, origin, 10L * CHUNK_BYTES, data,
                io.ublksnap.engine.io.IoQueue.FUA);
        ExceptionStore.ChainedCommit done = ps.commitMerge(3, chain, r -> results.add(r == 0));
        q.ops.clear();
        results.clear();
        chain.submit(r -> done.chainDone(r, q));
        q.drain();
        assertEquals(List.of("read 2", "write 10 fua", "write 1 fua"), q.ops);
        assertEquals(List.of(true), results);
        assertEquals(0, raw(cow, CHUNK_BYTES, CHUNK_BYTES).getLong(0), "the run's entries are zeroed on disk");
        ps.prepareMerge(q, (count, lastOld, lastNew) -> run[0] = count);
        q.drain();
        assertEquals(0, run[0], "done");
    }
}
