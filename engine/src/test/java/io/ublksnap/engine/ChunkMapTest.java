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
        ChunkMap m = new ChunkMap();
        Random rnd = new Random(1);
        for (long i = 0; i < 1_000_000; i++) {
            m.put(rnd.nextLong(1L << 40), i + 2, -1);
        }
        double perException = (double) m.heapBytes() / m.size();
        System.out.printf("exception table: %d exceptions, %d heap bytes, %.1f bytes per exception%n",
                m.size(), m.heapBytes(), perException);
        assertTrue(perException <= 32, "bytes per exception: " + perException);
    }
}
