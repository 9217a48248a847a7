package io.ublksnap.engine.store;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.MemoryDevice;
import io.ublksnap.engine.io.MemoryQueue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A COW grown while its store is open (issue 12): the store hands out chunks up to the new end,
 * exactly as a store opened on the grown COW would, and the COW stays one the kernel opens (its
 * list never ends with a full area at the COW's end, where dm-snapshot's read of the next area
 * fails). Sizes are taken around every interesting boundary: the last data chunk of an area, the
 * area chunk itself, the first data chunk after it, and sizes that are not whole chunks.
 */
class CowGrowthTest {
    static final int CHUNK = 8;                  // sectors
    static final int CHUNK_BYTES = CHUNK * 512;
    static final int EPA = CHUNK_BYTES / 16;     // 256

    static PersistentStore open(MemoryDevice cow, Map<Long, Long> sink) throws IOException {
        return PersistentStore.open(cow, StoreType.PERSISTENT, CHUNK, false, 0, BufferAllocator.DIRECT,
                (o, n) -> sink.put(o, n) == null, w -> { });
    }

    /** Allocates and commits exceptions until the store has no room; returns the COW chunks it gave. */
    static List<Long> fill(PersistentStore ps, MemoryQueue q, long firstOld) {
        List<Long> got = new ArrayList<>();
        while (true) {
            long c = ps.prepareException();
            if (c == ExceptionStore.NO_SPACE) {
                break;
            }
            got.add(c);
            ps.commitException(firstOld + got.size(), c, true, q, ok -> assertTrue(ok, "commit failed"));
            q.runUntilIdle();
        }
        return got;
    }

    /** The chunks a store opened on a COW of {@code bytes} hands out. */
    static List<Long> chunksOfFreshCow(long bytes) throws IOException {
        MemoryDevice cow = new MemoryDevice("fresh", bytes);
        return fill(open(cow, new LinkedHashMap<>()), new MemoryQueue(), 0);
    }

    static long area(int a) {
        return CowFormat.areaLocation(a, EPA);
    }

    @Test
    void aGrownCowHandsOutWhatACowOfItsNewSizeWouldAndStaysValid() throws IOException {
        List<Long> sizes = new ArrayList<>(); // in chunks
        for (int a = 1; a <= 2; a++) {
            for (long d = -2; d <= 2; d++) {
                sizes.add(area(a) + d);
            }
        }
        sizes.add(3L);
        sizes.add(4L);
        long[] extraBytes = {0, 3 * 512};                // whole chunks, and a partial last chunk
        long[] growBy = {0, 512, CHUNK_BYTES, 2L * CHUNK_BYTES, (EPA + 1L) * CHUNK_BYTES, (EPA + 3L) * CHUNK_BYTES};
        long capacity = (area(4) + 2) * CHUNK_BYTES;
        int cases = 0;
        for (long chunks : sizes) {
            for (long extra : extraBytes) {
                for (long grow : growBy) {
                    long before = chunks * CHUNK_BYTES + extra;
                    long after = before + grow;
                    String what = "COW of " + before + " bytes grown to " + after;
                    MemoryDevice cow = new MemoryDevice("cow", before, 512, capacity);
                    MemoryQueue q = new MemoryQueue();
                    PersistentStore ps = open(cow, new LinkedHashMap<>());
                    List<Long> got = fill(ps, q, 0);
                    assertEquals(chunksOfFreshCow(before), got, what + ": before growing");
                    cow.grow(after);
                    assertEquals(before / 512, ps.usage().totalSectors(), what + ": the store waits to be told");
                    assertEquals(after / 512, ps.grow());
                    assertEquals(after / 512, ps.usage().totalSectors());
                    got.addAll(fill(ps, q, got.size()));
                    assertEquals(chunksOfFreshCow(after), got, what + ": the same chunks as a COW of the new size");
                    ps.close();

                    // It reopens, here and (the scanner follows the kernel's read) in the kernel.
                    Map<Long, Long> loaded = new LinkedHashMap<>();
                    PersistentStore again = open(cow, loaded);
                    assertEquals(got.size(), loaded.size(), what + ": exceptions lost on reopening");
                    assertEquals(ps.usage(), again.usage(), what);
                    assertEquals(ExceptionStore.NO_SPACE, again.prepareException(), what + ": full after reopening too");
                    cases++;
                }
            }
        }
        assertTrue(cases > 100);
    }

    @Test
    void theLastDataChunkOfAnAreaWaitsForRoomForTheNextAreaThenGoes() throws IOException {
        // Chunks 0 .. area(1): the next area is the last chunk, so area 0's last data chunk cannot be
        // handed out (filling area 0 would zero area 1, past the end).
        long before = (area(1)) * (long) CHUNK_BYTES;
        MemoryDevice cow = new MemoryDevice("cow", before, 512, 64L * CHUNK_BYTES + area(2) * CHUNK_BYTES);
        MemoryQueue q = new MemoryQueue();
        PersistentStore ps = open(cow, new LinkedHashMap<>());
        List<Long> got = fill(ps, q, 0);
        assertEquals(EPA - 1, got.size(), "all but the last data chunk of area 0");
        cow.grow(before + CHUNK_BYTES); // now area 1 fits
        ps.grow();
        long c = ps.prepareException();
        assertEquals(area(1) - 1, c, "the last data chunk of area 0");
        ps.commitException(99_999, c, true, q, ok -> assertTrue(ok));
        q.runUntilIdle();
        assertEquals(ExceptionStore.NO_SPACE, ps.prepareException(), "area 1 has no data chunk yet");
        assertEquals(0, PersistentStoreTest.raw(cow, area(1) * CHUNK_BYTES, 16).getLong(8), "area 1 was zeroed: the list ends there");
        cow.grow(before + 2L * CHUNK_BYTES);
        ps.grow();
        assertEquals(area(1) + 1, ps.prepareException(), "the first data chunk of area 1");
    }

    @Test
    void aCowCannotShrink() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 64L * CHUNK_BYTES);
        PersistentStore ps = open(cow, new LinkedHashMap<>());
        assertEquals(64L * CHUNK, ps.grow(), "the same size: nothing changes");
        TransientStore n = TransientStore.create(cow, CHUNK);
        assertEquals(64L * CHUNK, n.grow());
        ShrinkingDevice shrinking = new ShrinkingDevice(64L * CHUNK_BYTES);
        PersistentStore p2 = PersistentStore.open(shrinking, StoreType.PERSISTENT, CHUNK, false, 0, BufferAllocator.DIRECT,
                (o, x) -> true, w -> { });
        shrinking.size = 32L * CHUNK_BYTES;
        SnapshotException e = assertThrows(SnapshotException.class, p2::grow);
        assertTrue(e.getMessage().contains("cannot shrink"), e.getMessage());
        assertEquals(64L * CHUNK, p2.usage().totalSectors(), "nothing changed");
        TransientStore t2 = TransientStore.create(shrinking, CHUNK);
        shrinking.size = 16L * CHUNK_BYTES;
        assertThrows(SnapshotException.class, t2::grow);
    }

    @Test
    void aTransientStoreUsesTheGrownCow() throws IOException {
        MemoryDevice cow = new MemoryDevice("cow", 2L * CHUNK_BYTES, 512, 8L * CHUNK_BYTES);
        TransientStore n = TransientStore.create(cow, CHUNK);
        assertEquals(0, n.prepareException());
        assertEquals(1, n.prepareException());
        assertEquals(ExceptionStore.NO_SPACE, n.prepareException());
        cow.grow(3L * CHUNK_BYTES + 512);
        assertEquals(ExceptionStore.NO_SPACE, n.prepareException(), "not before it is told");
        n.grow();
        assertEquals(2, n.prepareException());
        assertEquals(ExceptionStore.NO_SPACE, n.prepareException(), "a partial chunk is no room");
        assertEquals(3L * CHUNK + 1, n.usage().totalSectors());
    }

    /** A device whose reported size a test sets (a block device shrunk underneath). */
    static final class ShrinkingDevice implements io.ublksnap.engine.io.BackingDevice {
        final MemoryDevice inner;
        volatile long size;

        ShrinkingDevice(long bytes) {
            inner = new MemoryDevice("shrinking", bytes);
            size = bytes;
        }

        @Override
        public String name() {
            return "shrinking";
        }

        @Override
        public long sizeBytes() {
            return size;
        }

        @Override
        public int logicalBlockSize() {
            return 512;
        }

        @Override
        public boolean supportsDiscard() {
            return true;
        }

        @Override
        public void readSync(long offset, io.ublksnap.engine.io.IoBuffer buf) throws IOException {
            inner.readSync(offset, buf);
        }

        @Override
        public void writeSync(long offset, io.ublksnap.engine.io.IoBuffer buf) throws IOException {
            inner.writeSync(offset, buf);
        }

        @Override
        public void flushSync() {
        }
    }
}
