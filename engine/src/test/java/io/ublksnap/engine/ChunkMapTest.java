package io.ublksnap.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkMapTest {

    @Test
    void agreesWithHashMapUnderRandomPutsAndRemoves() {
        Random rnd = new Random(7);
        ChunkMap m = new ChunkMap();
        Map<Long, Long> ref = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            long k = rnd.nextInt(5000);
            switch (rnd.nextInt(4)) {
                case 0, 1 -> assertEquals(ref.getOrDefault(k, -1L).longValue(), m.put(k, i, -1), "put " + k);
                case 2 -> assertEquals(ref.getOrDefault(k, -1L).longValue(), m.remove(k, -1), "remove " + k);
                default -> assertEquals(ref.getOrDefault(k, -1L).longValue(), m.get(k, -1), "get " + k);
            }
            if (m.get(k, -1) >= 0) {
                ref.put(k, m.get(k, -1));
            } else {
                ref.remove(k);
            }
            assertEquals(ref.size(), m.size());
        }
        ref.forEach((k, v) -> assertEquals(v.longValue(), m.get(k, -1)));
        long[] seen = new long[1];
        m.forEach((k, v) -> {
            assertEquals(ref.get(k).longValue(), v);
            seen[0]++;
        });
        assertEquals(ref.size(), seen[0]);
    }

    @Test
    void addCountsAndRemovalKeepsProbeChainsIntact() {
        ChunkMap m = new ChunkMap();
        for (long k = 0; k < 1000; k++) {
            m.add(k * 7919, 1);
            m.add(k * 7919, 2);
        }
        for (long k = 0; k < 1000; k += 2) {
            m.remove(k * 7919, 0);
        }
        for (long k = 0; k < 1000; k++) {
            assertEquals(k % 2 == 0 ? 0 : 3, m.get(k * 7919, 0));
        }
        assertTrue(m.containsKey(7919));
        assertFalse(m.containsKey(0));
    }

    /** The heap budget: at most 32 bytes per exception with a million exceptions. */
    @Test
    void aMillionExceptionsCostLessThan32BytesEach() {
        double perException = bytesPerException("exception table", 1, 1L << 40);
        assertTrue(perException <= 32, "bytes per exception: " + perException);
    }

    /**
     * Chunk numbers below 2^31 (every chunk of a device under 8 TiB at 4 KiB chunks) take half:
     * at most 16 bytes per exception with a million exceptions.
     */
    @Test
    void aMillionExceptionsWithIntSizedChunksCostAtMost16BytesEach() {
        double perException = bytesPerException("exception table, int-sized chunks", 2, 1L << 30);
        assertTrue(perException <= 16, "bytes per exception: " + perException);
    }

    /** Heap bytes per entry of a table of a million random chunks below {@code bound}. */
    private static double bytesPerException(String what, long seed, long bound) {
        ChunkMap m = new ChunkMap();
        Random rnd = new Random(seed);
        for (long i = 0; i < 1_000_000; i++) {
            m.put(rnd.nextLong(bound), i + 2, -1);
        }
        double perException = (double) m.heapBytes() / m.size();
        System.out.printf("%s: %d exceptions, %d heap bytes, %.1f bytes per exception%n", what, m.size(), m.heapBytes(), perException);
        return perException;
    }

    /** A key, value or sum that needs more than an int widens the table, and every entry stays. */
    @Test
    void entriesBeyondAnIntWidenTheTableAndKeepTheRest() {
        for (long[] big : new long[][]{{1L << 31, 5}, {5, 1L << 40}, {5, -(1L << 35)}, {Integer.MAX_VALUE, Integer.MIN_VALUE}}) {
            ChunkMap m = new ChunkMap();
            Map<Long, Long> ref = new HashMap<>();
            Random rnd = new Random(big[0] ^ big[1]);
            for (int i = 0; i < 5000; i++) {
                long k = rnd.nextInt(1 << 20);
                long v = rnd.nextInt() ;
                m.put(k, v, -1);
                ref.put(k, v);
            }
            m.put(big[0], big[1], -1);
            ref.put(big[0], big[1]);
            assertEquals(ref.size(), m.size());
            ref.forEach((k, v) -> assertEquals(v.longValue(), m.get(k, -1), "key " + k + " after " + big[0] + " -> " + big[1]));
            for (long k : ref.keySet().stream().limit(100).toList()) {
                m.remove(k, -1);
            }
            assertEquals(ref.size() - 100, m.size());
        }
        ChunkMap counts = new ChunkMap();
        counts.add(3, Integer.MAX_VALUE);
        counts.add(4, 1);
        assertEquals(Integer.MAX_VALUE + 1L, counts.add(3, 1), "a sum past an int");
        assertEquals(1, counts.get(4, 0));
        assertEquals(-1, counts.get(5, -1));
    }
}
