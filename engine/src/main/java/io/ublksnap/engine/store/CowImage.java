package io.ublksnap.engine.store;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.IoBuffer;

import java.io.IOException;

/**
 * The image a persistent snapshot shows, computed offline from its origin and its COW (what
 * {@code cow export} writes): the origin, with every chunk that has an exception taken from the COW.
 *
 * <p>Memory does not grow with the COW: the COW is read twice, once to check all of it (nothing is
 * written for a COW that is refused) and once to copy the remapped chunks over the origin's image,
 * in pieces of at most {@value #PIECE_BYTES} bytes whatever the chunk size.
 */
public final class CowImage {
    static final int PIECE_BYTES = 1 << 20;

    /** Where the image goes: {@code data} belongs at byte {@code offset} of the image. */
    @FunctionalInterface
    public interface Output {
        void write(long offset, IoBuffer data) throws IOException;
    }

    /** What was written: the image's bytes (the origin's size) and how many chunks came from the COW. */
    public record Result(long bytes, long chunksFromCow, int chunkSectors) {
    }

    private CowImage() {
    }

    /**
     * Writes the image of the snapshot on {@code cow} over {@code origin} to {@code out}: every byte
     * of [0, origin size) once from the origin, then the remapped chunks again from the COW.
     *
     * @throws SnapshotException for a COW without a valid snapshot (blank, invalidated, corrupt, or
     *                           with exceptions beyond the origin), before anything is written
     */
    public static Result export(BackingDevice origin, BackingDevice cow, BufferAllocator allocator, Output out) throws IOException {
        CowHeader header = CowHeader.read(cow, allocator);
        if (header.absent()) {
            throw new SnapshotException("COW " + cow.name() + " holds no snapshot (no header): there is no image to export");
        }
        int chunk = header.check(cow);
        if (!header.valid()) {
            throw new SnapshotException("COW " + cow.name() + " is marked invalid: its snapshot's image is lost"
                    + " (the kernel's dm-snapshot cannot recover it either)");
        }
        long chunkBytes = (long) chunk << 9;
        if (cow.sizeBytes() < 2 * chunkBytes) {
            throw new SnapshotException("COW " + cow.name() + " is too small for its header's chunk size (" + chunk + " sectors)");
        }
        long size = origin.sizeBytes();
        long originChunks = (size + chunkBytes - 1) / chunkBytes;
        ChunkSet olds = new ChunkSet();
        CowScanner.Result checked = CowScanner.scan(cow, chunk, originChunks, allocator, (o, n) -> olds.add(o));
        IoBuffer piece = allocator.allocate((int) Math.min(PIECE_BYTES, Math.max(chunkBytes, 512)));
        copy(origin, 0, 0, size, piece, out);
        long[] fromCow = {0};
        CowScanner.scan(cow, chunk, originChunks, allocator, (o, n) -> {
            long at = o * chunkBytes;
            copy(cow, n * chunkBytes, at, Math.min(chunkBytes, size - at), piece, out);
            fromCow[0]++;
            return true;
        });
        if (fromCow[0] != checked.exceptions()) {
            throw new IOException("COW " + cow.name() + " changed while it was exported");
        }
        return new Result(size, fromCow[0], chunk);
    }

    private static void copy(BackingDevice from, long fromOffset, long toOffset, long length, IoBuffer piece, Output out)
            throws IOException {
        for (long done = 0; done < length; ) {
            long n = Math.min(piece.length(), length - done);
            IoBuffer part = n == piece.length() ? piece : piece.slice(0, n);
            from.readSync(fromOffset + done, part);
            out.write(toOffset + done, part);
            done += n;
        }
    }
}
