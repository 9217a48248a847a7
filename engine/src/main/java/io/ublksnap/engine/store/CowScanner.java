package io.ublksnap.engine.store;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.IoBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

import static io.ublksnap.engine.store.CowFormat.areaLocation;

/**
 * Reads the exception list of a persistent COW, area by area, in pieces of at most
 * {@value #PIECE_BYTES} bytes whatever the chunk size, and checks every entry as it goes. Each
 * exception is handed to the caller and forgotten: memory does not grow with the list, except for
 * a compact set of the COW chunks seen (about a bit per exception; see {@link ChunkSet}).
 *
 * <p>What is refused, with the kernel's rules first: a list that goes on (its last area is full)
 * past the COW's end, where the kernel's read of the next area fails. Then what the kernel does not
 * check but that cannot come from dm-snapshot or ublksnap and would corrupt data or hang commits:
 * a COW chunk beyond the COW's end or on a metadata area, two exceptions sharing a COW chunk, an
 * origin chunk beyond the origin, and (through the visitor) two exceptions for one origin chunk.
 */
final class CowScanner {
    static final int PIECE_BYTES = 64 << 10;

    @FunctionalInterface
    interface Visitor {
        /** One exception, in on-disk order; false if its origin chunk has one already. */
        boolean visit(long oldChunk, long newChunk) throws IOException;
    }

    /** Where the list ends (the area and index of its terminator) and the first free chunk after it. */
    record Result(long currentArea, int currentCommitted, long nextFree, long exceptions) {
        /** dm-snapshot's usage numbers for a store in this state. */
        StoreUsage usage(int chunkSectors, long cowSectors) {
            return new StoreUsage(nextFree * chunkSectors, cowSectors, (currentArea + 1 + CowFormat.HEADER_CHUNKS) * chunkSectors);
        }
    }

    private CowScanner() {
    }

    /**
     * Scans the list of a COW with a valid header and chunk size {@code chunkSectors}.
     *
     * @param originChunks exceptions must map origin chunks below this; {@code Long.MAX_VALUE} when unknown
     */
    static Result scan(BackingDevice cow, int chunkSectors, long originChunks, BufferAllocator allocator, Visitor visitor)
            throws IOException {
        long chunkBytes = (long) chunkSectors << 9;
        int epa = CowFormat.exceptionsPerArea(chunkSectors);
        long cowChunks = cow.sizeSectors() / chunkSectors;
        int pieceBytes = (int) Math.min(chunkBytes, PIECE_BYTES);
        int perPiece = pieceBytes / CowFormat.EXCEPTION_BYTES;
        IoBuffer piece = allocator.allocate(pieceBytes);
        ChunkSet used = new ChunkSet();
        long nextFree = CowFormat.HEADER_CHUNKS + 1;
        long count = 0;
        for (long a = 0; ; a++) {
            long loc = areaLocation(a, epa);
            if (loc >= cowChunks) {
                // Area a-1 is full, so the list goes on in area a, which is not there. The kernel's
                // read of it fails; when an area fills it zeroes the next one first, and ublksnap
                // never hands out the last data chunk of an area without room for the next.
                throw new SnapshotException("COW " + cow.name() + " is corrupt: metadata area " + (a - 1)
                        + " is full, but the COW ends (" + cowChunks + " chunks) before metadata area " + a
                        + " (chunk " + loc + ") where the list must go on; was it truncated? refusing to use it (nothing was written)");
            }
            for (int p = 0; p * perPiece < epa; p++) {
                cow.readSync(loc * chunkBytes + (long) p * pieceBytes, piece);
                ByteBuffer b = piece.byteBuffer();
                for (int j = 0; j < perPiece; j++) {
                    int i = p * perPiece + j;
                    long oldChunk = CowFormat.oldChunk(b, j);
                    long newChunk = CowFormat.newChunk(b, j);
                    if (newChunk == 0) {
                        return new Result(a, i, CowFormat.skipMetadata(nextFree, epa), count);
                    }
                    String problem = null;
                    if (newChunk < 0 || newChunk >= cowChunks) {
                        problem = "which lies beyond the COW's end (" + cowChunks + " chunks)";
                    } else if (CowFormat.isMetadataChunk(newChunk, epa)) {
                        problem = "which is a metadata chunk";
                    } else if (!used.add(newChunk)) {
                        // The kernel does not look for this, but two origin chunks sharing one COW
                        // chunk means writing either corrupts the other, and a list longer than the
                        // chunks it names leaves no room to commit the next exception.
                        problem = "which an earlier exception uses already";
                    } else if (oldChunk < 0 || oldChunk >= originChunks) {
                        problem = "but origin chunk " + Long.toUnsignedString(oldChunk) + " lies beyond the origin's end";
                    } else if (!visitor.visit(oldChunk, newChunk)) {
                        problem = "but origin chunk " + oldChunk + " already has an exception";
                    }
                    if (problem != null) {
                        throw new SnapshotException("COW " + cow.name() + " is corrupt: metadata area " + a + " entry " + i
                                + " maps origin chunk " + Long.toUnsignedString(oldChunk) + " to COW chunk "
                                + Long.toUnsignedString(newChunk) + ", " + problem + "; refusing to use it (nothing was written)");
                    }
                    nextFree = Math.max(nextFree, newChunk + 1);
                    count++;
                }
            }
        }
    }

    /** The offset of the first non-zero byte in [0, length) of {@code cow}, or -1. */
    static long firstNonZero(BackingDevice cow, long length, BufferAllocator allocator) throws IOException {
        int pieceBytes = (int) Math.min(length, PIECE_BYTES);
        IoBuffer buf = allocator.allocate(pieceBytes);
        for (long offset = 0; offset < length; offset += pieceBytes) {
            cow.readSync(offset, buf);
            ByteBuffer b = buf.byteBuffer();
            for (int i = 0; i < pieceBytes; i += 8) {
                if (b.getLong(i) != 0) {
                    int at = i;
                    while (b.get(at) == 0) {
                        at++;
                    }
                    return offset + at;
                }
            }
        }
        return -1;
    }
}
