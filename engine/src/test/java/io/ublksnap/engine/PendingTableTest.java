package io.ublksnap.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingTableTest {

    private static PendingException pe(long chunk) {
        return new PendingException(null, chunk, chunk + 1_000_000, 0);
    }

    @Test
    void agreesWithHashMapUnderRandomAddsAndRemoves() {
        // Keys from a small range and from far apart (collisions and wrap-around at the array's end),
        // through growth and back down to empty.
        for (long spread : new long[] {300, 1L << 40}) {
            Random rnd = new Random(spread);
            PendingTable t = new PendingTable();
            Map<Long, PendingException> ref = new HashMap<>();
            for (int i = 0; i < 300_000; i++) {
                long k = spread < 1000 ? rnd.nextInt((int) spread) : rnd.nextInt(300) * spread + rnd.nextInt(3);
                switch (rnd.nextInt(5)) {
                    case 0, 1 -> {
                        PendingException p = pe(k);
                        assertSame(ref.putIfAbsent(k, p), t.putIfAbsent(p), "add " + k);
                    }
                    case 2 -> assertSame(ref.remove(k), t.remove(k), "remove " + k);
                    case 3 -> {
                        PendingException other = pe(k); // never in the table: must not remove the one there
                        assertFalse(t.remove(other));
                        PendingException there = ref.get(k);
                        if (there != null) {
                            assertTrue(t.remove(there));
                            ref.remove(k);
                        }
                    }
                    default -> assertSame(ref.get(k), t.get(k), "get " + k);
                }
                assertEquals(ref.size(), t.size());
            }
            for (Map.Entry<Long, PendingException> e : ref.entrySet()) {
                assertSame(e.getValue(), t.get(e.getKey()));
            }
            for (Long k : ref.keySet().toArray(Long[]::new)) {
                assertSame(ref.remove(k), t.remove((long) k));
            }
            assertTrue(t.isEmpty());
            assertNull(t.get(0));
        }
    }
}
