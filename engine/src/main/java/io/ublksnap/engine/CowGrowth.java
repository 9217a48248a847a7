package io.ublksnap.engine;

import io.ublksnap.engine.store.StoreUsage;

/**
 * One growth of a snapshot's COW, under way: asked for by the engine when the COW reaches its
 * autoextend threshold ({@link FillListener#growthNeeded}) or by the operator
 * ({@link Origin#growCow}). While it is under way, a request that finds the COW full waits for it
 * instead of invalidating (P, N) or overflowing (PO) the snapshot, so a growth racing the last
 * allocations wins. Whoever grows the device ends it exactly once: {@link #grown()} once the
 * device has its new size (the store learns it then, never before), or {@link #failed}. Either
 * way the waiting requests go on; without room they then invalidate or overflow the snapshot as
 * dm-snapshot would.
 *
 * <p>Callable from any thread, never from inside a {@link FillListener} call.
 */
public final class CowGrowth {
    private final Snapshot snapshot;
    private final boolean automatic;
    private boolean done; // guarded by the origin's lock

    CowGrowth(Snapshot snapshot, boolean automatic) {
        this.snapshot = snapshot;
        this.automatic = automatic;
    }

    /** The snapshot's name. */
    public String snapshot() {
        return snapshot.name;
    }

    /** Asked for by the autoextend threshold (true) or by the operator (false). */
    public boolean automatic() {
        return automatic;
    }

    public int chunkSectors() {
        return snapshot.chunkSectors;
    }

    /** The COW's usage as its store knows it now (its total is the size it uses). */
    public StoreUsage usage() {
        return snapshot.store.usage();
    }

    /** Whether it is still to be ended (neither grown nor failed). */
    public boolean pending() {
        snapshot.origin.lock.lock();
        try {
            return !done;
        } finally {
            snapshot.origin.lock.unlock();
        }
    }

    /**
     * The device has its new size: the store learns it ({@link io.ublksnap.engine.store.ExceptionStore#grow})
     * and the waiting requests go on. Returns the usage after. A second end is ignored.
     *
     * @throws SnapshotException when the device is smaller than the store knows it (the growth
     *                           failed; the waiting requests go on all the same)
     */
    public StoreUsage grown() {
        return snapshot.endGrowth(this, null);
    }

    /** It could not be done: the waiting requests go on (and, without room, end the snapshot). */
    public void failed(String reason) {
        snapshot.endGrowth(this, reason == null ? "failed" : reason);
    }

    /** Marks it ended; false if it was already. Holds the origin's lock. */
    boolean lockedEnd() {
        if (done) {
            return false;
        }
        done = true;
        return true;
    }

    @Override
    public String toString() {
        return (automatic ? "autoextend" : "extend") + " of the COW of " + snapshot.name;
    }
}
