package io.ublksnap.engine.store;

import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.IoBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The header of a persistent COW (chunk 0, see {@link CowFormat}), read and checked in one place:
 * opening a store, inspecting a COW and exporting its image all start here.
 *
 * @param chunkSectors as found, unsigned; only {@link #check} says whether it is usable
 */
public record CowHeader(int magic, boolean valid, int version, long chunkSectors) {

    /** Reads the header from the first logical block of {@code cow} (nothing larger is allocated). */
    public static CowHeader read(BackingDevice cow, BufferAllocator allocator) throws IOException {
        int lbs = logicalBlockSize(cow);
        if (cow.sizeBytes() < lbs) {
            throw new SnapshotException("COW " + cow.name() + " is too small (" + cow.sizeBytes() + " bytes) to hold a snapshot header");
        }
        IoBuffer first = allocator.allocate(lbs);
        cow.readSync(0, first);
        ByteBuffer h = CowFormat.le(first.byteBuffer());
        return new CowHeader(h.getInt(CowFormat.HDR_MAGIC), h.getInt(CowFormat.HDR_VALID) != 0,
                h.getInt(CowFormat.HDR_VERSION), Integer.toUnsignedLong(h.getInt(CowFormat.HDR_CHUNK_SIZE)));
    }

    /**
     * No header: the first four bytes are zero. That alone does not make a COW blank (a file
     * system may start with zeros): {@link PersistentStore#open} looks further.
     */
    public boolean absent() {
        return magic == 0;
    }

    /**
     * Checks a header that is there, in the kernel's order: the magic, the chunk size (anything
     * the kernel accepts), then the version (only 1 exists).
     *
     * @return the chunk size in sectors
     * @throws SnapshotException naming what is wrong, in one line
     */
    public int check(BackingDevice cow) {
        if (magic != CowFormat.MAGIC) {
            throw new SnapshotException(String.format("COW %s is not a snapshot COW (magic 0x%08x, expected 0x%08x \"SnAp\"):"
                    + " check the path, or ask for --init to start a new snapshot on it (what it holds is lost)",
                    cow.name(), magic, CowFormat.MAGIC));
        }
        int chunk;
        try {
            chunk = ChunkSize.validateInCow(chunkSectors, logicalBlockSize(cow));
        } catch (SnapshotException e) {
            throw new SnapshotException("COW " + cow.name() + " has a corrupt header: chunk size " + chunkSectors
                    + " is not valid (" + e.getMessage() + ")");
        }
        if (version != CowFormat.VERSION) {
            throw new SnapshotException("COW " + cow.name() + " has snapshot format version " + Integer.toUnsignedString(version)
                    + ", but only version 1 (dm-snapshot's) exists: refusing to read it");
        }
        return chunk;
    }

    /** The COW's logical block size, checked: a power of two from 512 to 64 KiB. */
    static int logicalBlockSize(BackingDevice cow) {
        int lbs = cow.logicalBlockSize();
        if (lbs < 512 || lbs > 65536 || Integer.bitCount(lbs) != 1) {
            throw new SnapshotException("COW " + cow.name() + " reports a logical block size of " + lbs
                    + " bytes: expected a power of two from 512 to 65536");
        }
        return lbs;
    }
}
