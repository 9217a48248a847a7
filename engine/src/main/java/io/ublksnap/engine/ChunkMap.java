package io.ublksnap.engine;

import java.util.Arrays;

/**
 * A compact map from chunk number to a long, for millions of entries: the completed-exception
 * table (old chunk to new chunk) and the counters of tracked reads.
 *
 * <p>Open addressing with linear probing in one interleaved {@code long[]} (key, value, key, value...),
 * so a lookup touches one cache line. The capacity is not a power of two: the home slot comes from
 * a multiplicative hash scaled to the capacity, which lets the table grow by 1.5x and keeps the heap
 * cost between about 20 and 30 bytes per entry (16 bytes of payload at a load of 0.53 to 0.8).
 * Removal shifts later entries back, so there are no tombstones. Keys are non-negative; not thread-safe.
 */
public final class ChunkMap {
    private static final long EMPTY = -1L;
    private static final double MAX_LOAD = 0.8;
    private static final int MIN_CAPACITY = 16;

    private long[] slots; // 2 * capacity
    private int capacity;
    private int size;
    private int growAt;

    public ChunkMap() {
        this(MIN_CAPACITY);
    }

    public ChunkMap(int expected) {
        init(Math.max(MIN_CAPACITY, (int) Math.min(Integer.MAX_VALUE / 2 - 8, (long) (expected / MAX_LOAD) + 1)));
    }

    private void init(int cap) {
        capacity = cap;
        slots = new long[2 * cap];
        Arrays.fill(slots, EMPTY);
        growAt = (int) (cap * MAX_LOAD);
        size = 0;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    private int home(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int) (((h >>> 32) * capacity) >>> 32);
    }

    private int find(long key) {
        int i = home(key);
        while (true) {
            long k = slots[2 * i];
            if (k == key) {
                return i;
            }
            if (k == EMPTY) {
                return -1;
            }
            if (++i == capacity) {
                i = 0;
            }
        }
    }

    public boolean containsKey(long key) {
        return find(key) >= 0;
    }

    /** The value for {@code key}, or {@code missing} when absent. */
    public long get(long key, long missing) {
        int i = find(key);
        return i < 0 ? missing : slots[2 * i + 1];
    }

    /** Sets {@code key} to {@code value}; returns the previous value or {@code missing}. */
    public long put(long key, long value, long missing) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        int i = home(key);
        while (true) {
            long k = slots[2 * i];
            if (k == key) {
                long old = slots[2 * i + 1];
                slots[2 * i + 1] = value;
                return old;
            }
            if (k == EMPTY) {
                slots[2 * i] = key;
                slots[2 * i + 1] = value;
                if (++size > growAt) {
                    grow();
                }
                return missing;
            }
            if (++i == capacity) {
                i = 0;
            }
        }
    }

    /** Adds {@code delta} to the value of {@code key} (absent counts as 0) and returns the sum. */
    public long add(long key, long delta) {
        int i = find(key);
        if (i >= 0) {
            return slots[2 * i + 1] += delta;
        }
        put(key, delta, 0);
        return delta;
    }

    /** Removes {@code key}; returns its value or {@code missing}. */
    public long remove(long key, long missing) {
        int i = find(key);
        if (i < 0) {
            return missing;
        }
        long old = slots[2 * i + 1];
        // Backward-shift deletion: move later members of the probe run into the hole.
        int hole = i;
        int j = i;
        while (true) {
            if (++j == capacity) {
                j = 0;
            }
            long k = slots[2 * j];
            if (k == EMPTY) {
                break;
            }
            int h = home(k);
            // Can the entry at j move to the hole? Only if its home is not cyclically within (hole, j].
            boolean homeInRange = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
            if (!homeInRange) {
                slots[2 * hole] = k;
                slots[2 * hole + 1] = slots[2 * j + 1];
                hole = j;
            }
        }
        slots[2 * hole] = EMPTY;
        slots[2 * hole + 1] = EMPTY;
        size--;
        return old;
    }

    /** Calls {@code visitor} for every entry, in no particular order. */
    public void forEach(Visitor visitor) {
        for (int i = 0; i < capacity; i++) {
            long k = slots[2 * i];
            if (k != EMPTY) {
                visitor.visit(k, slots[2 * i + 1]);
            }
        }
    }

    /** Heap bytes held by the table (the slot array). */
    public long heapBytes() {
        return 16L + 8L * slots.length;
    }

    private void grow() {
        long[] old = slots;
        int oldCap = capacity;
        long next = Math.max(MIN_CAPACITY, oldCap + (oldCap >> 1));
        if (next > Integer.MAX_VALUE / 2 - 8) {
            throw new IllegalStateException("exception table full: " + size + " entries");
        }
        init((int) next);
        for (int i = 0; i < oldCap; i++) {
            long k = old[2 * i];
            if (k != EMPTY) {
                put(k, old[2 * i + 1], EMPTY);
            }
        }
    }

    @FunctionalInterface
    public interface Visitor {
        void visit(long key, long value);
    }
}
