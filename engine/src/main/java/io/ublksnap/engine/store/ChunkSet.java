package io.ublksnap.engine.store;

import io.ublksnap.engine.ChunkMap;

/**
 * A set of chunk numbers that costs about a bit per member when members are dense (as a COW's
 * data chunks are: allocated in order) and a few dozen bytes per member when they are scattered:
 * 64-bit words of a bitmap, kept in a {@link ChunkMap} by word index. Used to find chunks named
 * twice while reading a COW, without a heap object per chunk.
 */
final class ChunkSet {
    private final ChunkMap words = new ChunkMap();

    /** Adds {@code chunk} (non-negative); false if it was a member already. */
    boolean add(long chunk) {
        long key = chunk >>> 6;
        long bit = 1L << (chunk & 63);
        long word = words.get(key, 0);
        if ((word & bit) != 0) {
            return false;
        }
        words.put(key, word | bit, 0);
        return true;
    }
}
