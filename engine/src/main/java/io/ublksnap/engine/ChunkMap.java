package io.ublksnap.engine;

import java.util.Arrays;

/**
 * A compact map from chunk number to a long, for millions of entries: the completed-exception
 * table (old chunk to new chunk) and the counters of tracked reads.
 *
 * <p>Open addressing with linear probing in one interleaved array (key, value, key, value...), so
 * a lookup touches one cache line. The array is an {@code int[]} while every key and value fits in
 * an int (the chunks of any device under 8 TiB at 4 KiB chunks), and becomes a {@code long[]} for
 * good at the first one that does not. The capacity is not a power of two: the home slot comes from
 * a multiplicative hash scaled to the capacity, which lets the table grow by 1.5x and keeps the heap
 * cost between about 10 and 15 bytes per entry in ints (20 and 30 in longs: the payload at a load
 * of 0.53 to 0.8). Removal shifts later entries back, so there are no tombstones. Keys are
 * non-negative; not thread-safe.
 */
public final class ChunkMap {
    private static final long EMPTY = -1L;
    private static final double MAX_LOAD = 0.8;
    private static final int MIN_CAPACITY = 16;

    private int[] narrow; // 2 * capacity, while every key and value fits in an int; else null
    private long[] wide;  // 2 * capacity, once one did not; else null
    private int capacity;
    private int size;
    private int growAt;

    public ChunkMap() {
        this(MIN_CAPACITY);
    }

    public ChunkMap(int expected) {
        init(Math.max(MIN_CAPACITY, (int) Math.min(Integer.MAX_VALUE / 2 - 8, (long) (expected / MAX_LOAD) + 1)), false);
    }

    private void init(int cap, boolean wideSlots) {
        capacity = cap;
        if (wideSlots) {
            narrow = null;
            wide = new long[2 * cap];
            Arrays.fill(wide, EMPTY);
        } else {
            wide = null;
            narrow = new int[2 * cap];
            Arrays.fill(narrow, (int) EMPTY);
        }
        growAt = (int) (cap * MAX_LOAD);
        size = 0;
    }

    private static boolean fitsInt(long x) {
        return x == (int) x;
    }

    private long keyAt(int i) {
        return narrow != null ? narrow[2 * i] : wide[2 * i];
    }

    private long valueAt(int i) {
        return narrow != null ? narrow[2 * i + 1] : wide[2 * i + 1];
    }

    /** Stores an entry; the caller has made sure it fits ({@link #makeRoomFor}). */
    private void setAt(int i, long key, long value) {
        if (narrow != null) {
            narrow[2 * i] = (int) key;
            narrow[2 * i + 1] = (int) value;
        } else {
            wide[2 * i] = key;
            wide[2 * i + 1] = value;
        }
    }

    /** Widens the slots if {@code key} or {@code value} does not fit in the int ones. */
    private void makeRoomFor(long key, long value) {
        if (narrow != null && !(fitsInt(key) && fitsInt(value))) {
            rehash(capacity, true);
        }
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
            long k = keyAt(i);
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
        return i < 0 ? missing : valueAt(i);
    }

    /** Sets {@code key} to {@code value}; returns the previous value or {@code missing}. */
    public long put(long key, long value, long missing) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        makeRoomFor(key, value);
        int i = home(key);
        while (true) {
            long k = keyAt(i);
            if (k == key) {
                long old = valueAt(i);
                setAt(i, key, value);
                return old;
            }
            if (k == EMPTY) {
                setAt(i, key, value);
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
        if (i < 0) {
            put(key, delta, 0);
            return delta;
        }
        long sum = valueAt(i) + delta;
        if (narrow != null && !fitsInt(sum)) {
            put(key, sum, 0);
        } else {
            setAt(i, key, sum);
        }
        return sum;
    }

    /** Removes {@code key}; returns its value or {@code missing}. */
    public long remove(long key, long missing) {
        int i = find(key);
        if (i < 0) {
            return missing;
        }
        long old = valueAt(i);
        // Backward-shift deletion: move later members of the probe run into the hole.
        int hole = i;
        int j = i;
        while (true) {
            if (++j == capacity) {
                j = 0;
            }
            long k = keyAt(j);
            if (k == EMPTY) {
                break;
            }
            int h = home(k);
            // Can the entry at j move to the hole? Only if its home is not cyclically within (hole, j].
            boolean homeInRange = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
            if (!homeInRange) {
                setAt(hole, k, valueAt(j));
                hole = j;
            }
        }
        setAt(hole, EMPTY, EMPTY);
        size--;
        return old;
    }

    /** Calls {@code visitor} for every entry, in no particular order. */
    public void forEach(Visitor visitor) {
        for (int i = 0; i < capacity; i++) {
            long k = keyAt(i);
            if (k != EMPTY) {
                visitor.visit(k, valueAt(i));
            }
        }
    }

    /** Heap bytes held by the table (the slot array). */
    public long heapBytes() {
        return narrow != null ? 16L + 4L * narrow.length : 16L + 8L * wide.length;
    }

    private void grow() {
        long next = Math.max(MIN_CAPACITY, capacity + (capacity >> 1));
        if (next > Integer.MAX_VALUE / 2 - 8) {
            throw new IllegalStateException("exception table full: " + size + " entries");
        }
        rehash((int) next, narrow == null);
    }

    private void rehash(int cap, boolean wideSlots) {
        int[] oldNarrow = narrow;
        long[] oldWide = wide;
        int oldCap = capacity;
        init(cap, wideSlots);
        for (int i = 0; i < oldCap; i++) {
            long k = oldNarrow != null ? oldNarrow[2 * i] : oldWide[2 * i];
            if (k != EMPTY) {
                put(k, oldNarrow != null ? oldNarrow[2 * i + 1] : oldWide[2 * i + 1], EMPTY);
            }
        }
    }

    @FunctionalInterface
    public interface Visitor {
        void visit(long key, long value);
    }
}
