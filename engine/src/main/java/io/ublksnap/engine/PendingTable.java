package io.ublksnap.engine;

/**
 * A snapshot's pending exceptions by origin chunk: a set of {@link PendingException}s keyed by their
 * {@code oldChunk}, without boxing a key or allocating a node per entry (a copying write adds one and
 * removes one; a {@code HashMap<Long, ...>} made three objects for that).
 *
 * <p>Open addressing with linear probing over a power-of-two array of the entries themselves (the
 * key is the entry's own chunk), at most half full; removal shifts later entries back, so there are
 * no tombstones. Not thread-safe (the origin's lock guards it).
 */
final class PendingTable {
    private static final int MIN_CAPACITY = 16;

    private PendingException[] slots = new PendingException[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The pending exception of {@code chunk}, or null. */
    PendingException get(long chunk) {
        PendingException[] s = slots;
        int mask = s.length - 1;
        for (int i = home(chunk, mask); ; i = (i + 1) & mask) {
            PendingException pe = s[i];
            if (pe == null || pe.oldChunk == chunk) {
                return pe;
            }
        }
    }

    /** Adds {@code pe} unless its chunk has one already; returns that one, or null when added. */
    PendingException putIfAbsent(PendingException pe) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        PendingException[] s = slots;
        int mask = s.length - 1;
        int i = home(pe.oldChunk, mask);
        for (; s[i] != null; i = (i + 1) & mask) {
            if (s[i].oldChunk == pe.oldChunk) {
                return s[i];
            }
        }
        s[i] = pe;
        size++;
        return null;
    }

    /** Removes the pending exception of {@code chunk}; returns it, or null if there was none. */
    PendingException remove(long chunk) {
        PendingException[] s = slots;
        int mask = s.length - 1;
        for (int i = home(chunk, mask); s[i] != null; i = (i + 1) & mask) {
            PendingException pe = s[i];
            if (pe.oldChunk == chunk) {
                removeAt(i);
                return pe;
            }
        }
        return null;
    }

    /** Removes {@code pe} if it is the one its chunk has (not another made since); true if removed. */
    boolean remove(PendingException pe) {
        PendingException[] s = slots;
        int mask = s.length - 1;
        for (int i = home(pe.oldChunk, mask); s[i] != null; i = (i + 1) & mask) {
            if (s[i].oldChunk == pe.oldChunk) {
                if (s[i] != pe) {
                    return false;
                }
                removeAt(i);
                return true;
            }
        }
        return false;
    }

    /** Empties slot {@code i} and moves back the entries after it that could not sit at their home. */
    private void removeAt(int i) {
        PendingException[] s = slots;
        int mask = s.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; s[j] != null; j = (j + 1) & mask) {
            int h = home(s[j].oldChunk, mask);
            // s[j] may fill the hole when its home is not in the cyclic range (hole, j].
            if (((j - h) & mask) >= ((j - hole) & mask)) {
                s[hole] = s[j];
                hole = j;
            }
        }
        s[hole] = null;
        size--;
    }

    private void grow() {
        PendingException[] old = slots;
        slots = new PendingException[old.length * 2];
        size = 0;
        for (PendingException pe : old) {
            if (pe != null) {
                putIfAbsent(pe);
            }
        }
    }

    private static int home(long chunk, int mask) {
        long h = chunk * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
