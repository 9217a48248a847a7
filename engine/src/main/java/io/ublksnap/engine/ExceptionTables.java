package io.ublksnap.engine;

/**
 * One snapshot's exceptions, and the one place where a chunk's {@link ChunkState} changes.
 *
 * <ul>
 * <li>{@code complete}: committed exceptions, origin chunk to COW chunk (compact, millions of entries);</li>
 * <li>{@code pending}: exceptions being copied or draining, with their waiters (a handful);</li>
 * <li>{@code tracked}: per chunk, the I/O in flight that a copy or a merge must not overtake:
 *     snapshot reads sent to the origin, and (while merging) origin writes sent to the COW.</li>
 * </ul>
 * Guarded by the origin's lock. These tables are what a handover moves to another instance.
 */
final class ExceptionTables {
    private static final long NO_CHUNK = -1;

    private final ChunkMap complete;
    private final PendingTable pending = new PendingTable();
    private final ChunkMap tracked = new ChunkMap();

    ExceptionTables(int expectedExceptions) {
        complete = new ChunkMap(expectedExceptions);
    }

    /** The chunk's state: what an origin write over it must do (see {@link ChunkState}). */
    ChunkState state(long chunk) {
        PendingException pe = pending(chunk);
        if (pe != null) {
            return pe.state();
        }
        return complete.containsKey(chunk) ? ChunkState.COMPLETED : ChunkState.NONE;
    }

    /** The COW chunk of a completed exception (states DRAINING and COMPLETED), or -1. */
    long remapped(long chunk) {
        return complete.get(chunk, NO_CHUNK);
    }

    boolean isCompleted(long chunk) {
        return complete.containsKey(chunk);
    }

    PendingException pending(long chunk) {
        return pending.isEmpty() ? null : pending.get(chunk);
    }

    int pendingCount() {
        return pending.size();
    }

    long completedCount() {
        return complete.size();
    }

    /** Loading a store: a committed exception found on disk. False if the chunk already has one. */
    boolean load(long oldChunk, long newChunk) {
        return complete.put(oldChunk, newChunk, NO_CHUNK) == NO_CHUNK;
    }

    /**
     * NONE to PENDING. The caller has looked for a completed exception first (a snapshot write, an
     * origin write); one made anyway would shadow the completed one when it completes.
     */
    void beginPending(PendingException pe) {
        if (pending.putIfAbsent(pe) != null) {
            throw new IllegalStateException("two pending exceptions for one chunk: " + pe);
        }
    }

    /**
     * PENDING to COMPLETED, or to DRAINING while tracked I/O on the chunk is in flight (unless
     * {@code drainReads} is off: the guard of seed 001). Returns true when the pending exception is
     * gone (COMPLETED).
     */
    boolean completePending(PendingException pe, boolean drainReads) {
        complete.put(pe.oldChunk, pe.newChunk, NO_CHUNK);
        if (drainReads && tracked.get(pe.oldChunk, 0) > 0) {
            pe.completed = true;
            return false;
        }
        pending.remove(pe.oldChunk);
        return true;
    }

    /** PENDING to NONE: the copy failed. */
    void abortPending(PendingException pe) {
        pending.remove(pe);
    }

    /** COMPLETED to NONE: the chunk was merged into the origin. */
    boolean removeCompleted(long chunk) {
        return complete.remove(chunk, NO_CHUNK) != NO_CHUNK;
    }

    /** I/O that a copy or merge of {@code chunk} must wait for has started. */
    void track(long chunk) {
        tracked.add(chunk, 1);
    }

    /**
     * That I/O finished. Returns the pending exception that just went from DRAINING to COMPLETED
     * (its waiters may go now), or null.
     */
    PendingException untrack(long chunk) {
        long left = tracked.add(chunk, -1);
        if (left > 0) {
            return null;
        }
        if (left < 0) {
            throw new IllegalStateException("untracked chunk " + chunk + " more often than tracked");
        }
        tracked.remove(chunk, 0);
        PendingException pe = pending.get(chunk);
        if (pe != null && pe.completed) {
            pending.remove(chunk);
            return pe;
        }
        return null;
    }

    boolean isTracked(long chunk) {
        return tracked.get(chunk, 0) > 0;
    }

    boolean anyTracked() {
        return !tracked.isEmpty();
    }
}
