package io.ublksnap.engine.store;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.io.MemoryDevice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading COWs offline (inspect) and the chunk-size bounds checked before anything is allocated. */
class CowInspectionTest {

    private static void assertOneLine(SnapshotException e, String expected) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void inspectRefusesAnyVersionButOne() {
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> PersistentStore.inspect(new BigCow(1 << 20, 8, 2, 3), BufferAllocator.DIRECT, (o, n) -> true));
        assertOneLine(e, "version 2");
    }

    @Test
    void inspectChecksTheChunkSizeFirst() {
        // a version other than 1 with chunk size 0 made export loop forever
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> PersistentStore.inspect(new BigCow(1 << 20, 0, 7, 0), BufferAllocator.DIRECT, (o, n) -> true));
        assertOneLine(e, "chunk size 0");
    }

    @Test
    void aHugeChunkIsRefusedForServingBeforeAnyChunkBufferIsAllocated() {
        BigCow cow = new BigCow(3L << 30, 1 << 21, 1, 0); // a 1 GiB chunk, as the kernel allows
        SnapshotException e = assertThrows(SnapshotException.class, () -> PersistentStore.open(cow, StoreType.PERSISTENT, 0,
                false, 0, BigCow.allocatorUpTo(64 << 10), (o, n) -> true, w -> { }));
        assertOneLine(e, "2048 sectors");
        SnapshotException asked = assertThrows(SnapshotException.class, () -> PersistentStore.open(cow, StoreType.PERSISTENT,
                1 << 21, false, 0, BigCow.allocatorUpTo(64 << 10), (o, n) -> true, w -> { }));
        assertOneLine(asked, "2048 sectors");
    }

    @Test
    void inspectReadsAHugeChunkCowWithSmallBuffers() throws IOException {
        BigCow cow = new BigCow(8L << 30, 1 << 21, 1, 5);
        List<Long> seen = new ArrayList<>();
        PersistentStore.CowInfo info = PersistentStore.inspect(cow, BigCow.allocatorUpTo(1 << 20), (o, n) -> seen.add(o));
        assertEquals(1 << 21, info.chunkSectors());
        assertEquals(5, info.exceptions());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
    }

    @Test
    void inspectStreamsAcrossManyAreas() throws IOException {
        long n = 3 * 256 + 17;
        long[] count = {0};
        PersistentStore.CowInfo info = PersistentStore.inspect(BigCow.withExceptions(n), BigCow.allocatorUpTo(64 << 10), (o, c) -> {
            assertEquals(count[0]++, o);
            return true;
        });
        assertEquals(n, info.exceptions());
        assertEquals(n, count[0]);
        assertEquals(new StoreUsage((1 + 4 * 257L) * 8 - 8 * (256 - 17), BigCow.withExceptions(n).sizeSectors(), 5 * 8), info.usage());
    }

    private static byte[] image(CowImage.Output[] holder, long size) {
        byte[] img = new byte[(int) size];
        holder[0] = (offset, data) -> data.byteBuffer().get(0, img, (int) offset, (int) data.length());
        return img;
    }

    @Test
    void exportWritesTheOriginWithTheRemappedChunksFromTheCow() throws IOException {
        int chunkBytes = 4096;
        MemoryDevice origin = new MemoryDevice("origin", 10L * chunkBytes + 1024); // a partial last chunk
        HostBuffer fill = HostBuffer.allocate((int) origin.sizeBytes(), 4096);
        for (int i = 0; i < fill.length(); i++) {
            fill.byteBuffer().put(i, (byte) 1);
        }
        origin.writeSync(0, fill);
        MemoryDevice cow = new MemoryDevice("cow", 64L * chunkBytes);
        PersistentStore ps = PersistentStore.open(cow, StoreType.PERSISTENT, 8, false, 0, BufferAllocator.DIRECT, (o, n) -> true, w -> { });
        PersistentStoreTest.RecordingQueue q = new PersistentStoreTest.RecordingQueue();
        for (long old : new long[]{3, 10, 0}) {
            long n = ps.prepareException();
            HostBuffer data = HostBuffer.allocate(chunkBytes, 4096);
            for (int i = 0; i < chunkBytes; i++) {
                data.byteBuffer().put(i, (byte) (100 + old));
            }
            cow.writeSync(n * chunkBytes, data);
            ps.commitException(old, n, true, q, ok -> { });
        }
        q.drain();
        CowImage.Output[] out = new CowImage.Output[1];
        byte[] img = image(out, origin.sizeBytes());
        CowImage.Result r = CowImage.export(origin, cow, BigCow.allocatorUpTo(1 << 20), out[0]);
        assertEquals(new CowImage.Result(origin.sizeBytes(), 3, 8), r);
        for (int c = 0; c <= 10; c++) {
            byte want = (byte) (c == 0 || c == 3 || c == 10 ? 100 + c : 1);
            int from = c * chunkBytes;
            int to = (int) Math.min(img.length, from + chunkBytes);
            byte[] expected = new byte[to - from];
            Arrays.fill(expected, want);
            assertTrue(Arrays.equals(expected, Arrays.copyOfRange(img, from, to)), "chunk " + c);
        }
    }

    @Test
    void exportRefusesWhatIsNotAValidSnapshotBeforeWritingAnything() throws IOException {
        MemoryDevice origin = new MemoryDevice("origin", 1 << 20);
        CowImage.Output nothing = (offset, data) -> {
            throw new AssertionError("wrote at " + offset);
        };
        for (BigCow bad : new BigCow[]{new BigCow(1 << 20, 8, 2, 3), new BigCow(1 << 20, 0, 7, 0), new BigCow(1 << 20, 12, 1, 0)}) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> CowImage.export(origin, bad, BufferAllocator.DIRECT, nothing));
            assertFalse(e.getMessage().contains("\n"));
        }
        SnapshotException blank = assertThrows(SnapshotException.class,
                () -> CowImage.export(origin, new MemoryDevice("blank", 1 << 20), BufferAllocator.DIRECT, nothing));
        assertOneLine(blank, "holds no snapshot");
        // exceptions for origin chunks beyond the origin: refused before the first write
        SnapshotException beyond = assertThrows(SnapshotException.class,
                () -> CowImage.export(new MemoryDevice("small", 8192), BigCow.withExceptions(5), BufferAllocator.DIRECT, nothing));
        assertOneLine(beyond, "beyond the origin");
    }
}
