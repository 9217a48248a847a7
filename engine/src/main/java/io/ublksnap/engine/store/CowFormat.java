package io.ublksnap.engine.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The persistent COW layout, byte-compatible with the kernel's dm-snapshot ("P" store).
 *
 * <pre>
 * chunk 0              header: le32 magic 0x70416e53 ("SnAp"), le32 valid (1/0),
 *                      le32 version (1), le32 chunk size in sectors; rest of the chunk zero
 * chunk 1              metadata area 0: exceptions-per-area entries of 16 bytes
 *                      {le64 old_chunk (origin), le64 new_chunk (COW)}
 * chunks 2 .. epa+1    data chunks described by area 0
 * chunk epa+2          metadata area 1, then its epa data chunks, and so on
 * </pre>
 *
 * Exceptions-per-area (epa) = chunk bytes / 16. Area {@code a} lives at chunk {@code 1 + a * (epa + 1)}.
 * Within an area the list ends at the first entry whose new_chunk is 0 (chunk 0 is the header,
 * so no exception can point there); an area whose epa entries are all used is full and the list
 * continues in the next area. When an area fills, the next area is zeroed on disk before the
 * full area is written, so a reader always finds the end of the list.
 */
public final class CowFormat {
    public static final int MAGIC = 0x70416e53;
    public static final int VERSION = 1;
    public static final int HEADER_CHUNKS = 1;
    public static final int EXCEPTION_BYTES = 16;
    /** Byte offsets in the header. */
    public static final int HDR_MAGIC = 0, HDR_VALID = 4, HDR_VERSION = 8, HDR_CHUNK_SIZE = 12;

    private CowFormat() {
    }

    public static int exceptionsPerArea(int chunkSectors) {
        return (chunkSectors << 9) / EXCEPTION_BYTES;
    }

    /** The COW chunk that holds metadata area {@code area}. */
    public static long areaLocation(long area, int epa) {
        return HEADER_CHUNKS + area * (epa + 1L);
    }

    /** Whether {@code chunk} is the header or a metadata area (never a data chunk). */
    public static boolean isMetadataChunk(long chunk, int epa) {
        return chunk < HEADER_CHUNKS || (chunk - HEADER_CHUNKS) % (epa + 1L) == 0;
    }

    /** The first data chunk at or after {@code chunk}: steps over a metadata area. */
    public static long skipMetadata(long chunk, int epa) {
        return chunk % (epa + 1L) == HEADER_CHUNKS ? chunk + 1 : chunk;
    }

    /** The metadata area that describes data chunk {@code chunk}. */
    public static long areaOf(long chunk, int epa) {
        return (chunk - HEADER_CHUNKS) / (epa + 1L);
    }

    /** A little-endian view of {@code buf} for reading or writing the format. */
    public static ByteBuffer le(ByteBuffer buf) {
        return buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes a header (and zeros the rest of {@code chunk}). */
    public static void writeHeader(ByteBuffer chunk, boolean valid, int chunkSectors) {
        ByteBuffer b = le(chunk);
        for (int i = 0; i < b.capacity(); i += 8) {
            if (b.capacity() - i >= 8) {
                b.putLong(i, 0);
            } else {
                b.put(i, (byte) 0);
            }
        }
        b.putInt(HDR_MAGIC, MAGIC);
        b.putInt(HDR_VALID, valid ? 1 : 0);
        b.putInt(HDR_VERSION, VERSION);
        b.putInt(HDR_CHUNK_SIZE, chunkSectors);
    }

    public static long oldChunk(ByteBuffer area, int index) {
        return le(area).getLong(index * EXCEPTION_BYTES);
    }

    public static long newChunk(ByteBuffer area, int index) {
        return le(area).getLong(index * EXCEPTION_BYTES + 8);
    }

    public static void putException(ByteBuffer area, int index, long oldChunk, long newChunk) {
        ByteBuffer b = le(area);
        b.putLong(index * EXCEPTION_BYTES, oldChunk);
        b.putLong(index * EXCEPTION_BYTES + 8, newChunk);
    }
}
