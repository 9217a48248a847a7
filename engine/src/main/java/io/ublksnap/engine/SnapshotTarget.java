package io.ublksnap.engine;

import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.store.StoreType;

/**
 * One snapshot table: the instance a SNAP device's requests go to (dm's {@code snapshot} target).
 *
 * <p>Its lifecycle is a {@link Lifecycle}; every change goes through {@link #lockedMoveTo}, which
 * refuses the transitions the table below does not list. Two instances share a COW only for a
 * handover: the newer one is loaded while the older one is live, takes over its exception state
 * when activated (the older one must be suspended), and the older one then forwards whatever
 * still reaches it to the newer one.
 *
 * <p>All state is guarded by the origin's lock.
 */
public final class SnapshotTarget extends Target {

    /**
     * Where a snapshot table is in its life, and what its requests get.
     *
     * <pre>
     *   LOADED ------------(activate)-----------------> ACTIVE
     *   AWAITING_HANDOVER --(activate: takes the state)-> ACTIVE
     *   AWAITING_HANDOVER --(its source removed)-------> HANDOVER_CANCELLED
     *   AWAITING_HANDOVER --(removed)------------------> REMOVED, and its source is ACTIVE again
     *   ACTIVE ------------(a table loaded on its COW)-> HANDOVER_SOURCE
     *   HANDOVER_SOURCE ---(the new table activated)---> HANDED_OVER(successor)
     *   ACTIVE ------------(merge started)-------------> MERGING
     *   LOADED, ACTIVE, HANDOVER_SOURCE, MERGING,
     *   HANDOVER_CANCELLED, LOST ----(removed)---------> REMOVED
     * </pre>
     * HANDED_OVER and REMOVED are final.
     */
    public enum Lifecycle {
        /** Has its exception state (read from the COW), not serving yet: requests fail with EIO. */
        LOADED,
        /** Loaded on the COW of a live table, whose state it will take over when activated: requests fail with EIO. */
        AWAITING_HANDOVER,
        /** Serving. */
        ACTIVE,
        /** Serving, and a table loaded on its COW will take its state over once this one is suspended. */
        HANDOVER_SOURCE,
        /** Gave its state to its successor: requests that still come here are forwarded there. */
        HANDED_OVER,
        /** Its state went to the origin's merge: requests fail with EIO, as the kernel's do. */
        MERGING,
        /** Removed: requests fail with EIO. */
        REMOVED,
        /** The table it was to take over from went away: nothing to serve, status Invalid. */
        HANDOVER_CANCELLED,
        /** A snapshot that could not come back (transient, after a daemon crash): every request fails, status Invalid. */
        LOST;

        /** The transitions, all in one place. */
        boolean canMoveTo(Lifecycle next) {
            return switch (this) {
                case LOADED -> next == ACTIVE || next == REMOVED;
                case AWAITING_HANDOVER -> next == ACTIVE || next == HANDOVER_CANCELLED || next == REMOVED;
                case ACTIVE -> next == HANDOVER_SOURCE || next == MERGING || next == REMOVED;
                case HANDOVER_SOURCE -> next == HANDED_OVER || next == ACTIVE || next == REMOVED;
                case MERGING, HANDOVER_CANCELLED, LOST -> next == REMOVED;
                case HANDED_OVER, REMOVED -> false;
            };
        }

        /** Whether the table holds a snapshot's exception state. */
        boolean holdsState() {
            return this == LOADED || this == ACTIVE || this == HANDOVER_SOURCE;
        }
    }

    final Origin origin;
    final SnapshotConfig config;
    private Lifecycle state;
    /**
     * The other table of a handover: the source while AWAITING_HANDOVER, the destination while
     * HANDOVER_SOURCE, the successor when HANDED_OVER; null otherwise.
     */
    private SnapshotTarget peer;
    /** The exception state while {@link Lifecycle#holdsState()}; null otherwise. */
    Snapshot snapshot;
    /** The device size of a LOST table (it has no snapshot to take it from). */
    private final long lostSizeSectors;

    SnapshotTarget(Origin origin, SnapshotConfig config, Lifecycle initial, Snapshot snapshot, SnapshotTarget peer, long lostSizeSectors) {
        this.origin = origin;
        this.config = config;
        this.state = initial;
        this.snapshot = snapshot;
        this.peer = peer;
        this.lostSizeSectors = lostSizeSectors;
    }

    /**
     * Moves to {@code next}, with the handover peer that state names (null for the others).
     * Holds the origin's lock.
     *
     * @throws IllegalStateException for a transition the lifecycle does not have
     */
    void lockedMoveTo(Lifecycle next, SnapshotTarget nextPeer) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("snapshot table " + name() + " cannot go from " + state + " to " + next);
        }
        boolean linked = next == Lifecycle.AWAITING_HANDOVER || next == Lifecycle.HANDOVER_SOURCE || next == Lifecycle.HANDED_OVER;
        if (linked != (nextPeer != null)) {
            throw new IllegalStateException("snapshot table " + name() + ": state " + next + (linked ? " needs" : " takes no") + " peer");
        }
        state = next;
        peer = nextPeer;
        if (!next.holdsState()) {
            snapshot = null;
        }
    }

    Lifecycle lockedState() {
        return state;
    }

    SnapshotTarget lockedPeer() {
        return peer;
    }

    public String name() {
        return config.name();
    }

    public SnapshotConfig config() {
        return config;
    }

    public Origin origin() {
        return origin;
    }

    /** Where this table is in its life. */
    public Lifecycle state() {
        origin.lock.lock();
        try {
            return state;
        } finally {
            origin.lock.unlock();
        }
    }

    /** Size of the snapshot device: the origin's size when the snapshot was taken. */
    @Override
    public long sizeSectors() {
        origin.lock.lock();
        try {
            Snapshot s = snapshot != null ? snapshot
                    : state == Lifecycle.AWAITING_HANDOVER && peer.snapshot != null ? peer.snapshot : null;
            if (state == Lifecycle.LOST) {
                return lostSizeSectors;
            }
            return s != null ? s.sizeSectors : origin.sizeSectors();
        } finally {
            origin.lock.unlock();
        }
    }

    /** The chunk size in use (a persistent COW's own), or the configured one before activation. */
    public int chunkSectors() {
        origin.lock.lock();
        try {
            return snapshot != null ? snapshot.chunkSectors : config.chunkSectors();
        } finally {
            origin.lock.unlock();
        }
    }

    public boolean active() {
        origin.lock.lock();
        try {
            return state == Lifecycle.ACTIVE || state == Lifecycle.HANDOVER_SOURCE;
        } finally {
            origin.lock.unlock();
        }
    }

    /** Whether this table no longer serves requests itself: handed over, merging, removed. */
    public boolean retired() {
        origin.lock.lock();
        try {
            return state == Lifecycle.HANDED_OVER || state == Lifecycle.MERGING || state == Lifecycle.REMOVED;
        } finally {
            origin.lock.unlock();
        }
    }

    @Override
    void map(BlockRequest r) {
        Snapshot s = null;
        SnapshotTarget next = null;
        boolean discards = false;
        origin.lock.lock();
        try {
            switch (state) {
                case ACTIVE, HANDOVER_SOURCE -> s = snapshot;
                case HANDED_OVER -> next = peer;
                default -> {
                }
            }
            discards = s != null && lockedDiscardSectors() > 0;
        } finally {
            origin.lock.unlock();
        }
        if (next != null) {
            // The request read the device's table before a reload swapped it: the new table serves it.
            forward(r, next);
            return;
        }
        if (s == null) {
            r.queue().execute(() -> r.finish(-Errno.EIO));
            return;
        }
        switch (r.op()) {
            case READ -> s.read(r);
            case WRITE -> {
                r.classify(RequestKind.SNAPSHOT_WRITE);
                s.write(r);
            }
            case FLUSH -> {
                r.classify(RequestKind.FLUSH);
                s.flush(r);
            }
            case DISCARD -> {
                r.classify(RequestKind.DISCARD);
                if (discards) {
                    s.discard(r, config.has(SnapshotFeature.DISCARD_PASSDOWN_ORIGIN));
                } else {
                    r.queue().execute(() -> r.finish(-Errno.EOPNOTSUPP));
                }
            }
        }
    }

    /**
     * The discard granularity (and largest discard) of the snapshot device, in sectors: the chunk
     * size when this table has discard_zeroes_cow and both the origin's device and the COW take
     * discards, else 0 (the device offers none). As dm-snapshot: its io_hints set both limits to
     * the chunk size, and a dm table offers discards only if every device below takes them.
     */
    public int discardSectors() {
        origin.lock.lock();
        try {
            return lockedDiscardSectors();
        } finally {
            origin.lock.unlock();
        }
    }

    private int lockedDiscardSectors() {
        if (!config.has(SnapshotFeature.DISCARD_ZEROES_COW) || !config.cow().supportsDiscard() || !origin.device.supportsDiscard()) {
            return 0;
        }
        return snapshot != null ? snapshot.chunkSectors : config.chunkSectors();
    }

    /** The status, with dm's INFO line available through {@link SnapshotStatus#infoLine()}. */
    public SnapshotStatus status() {
        origin.lock.lock();
        try {
            Snapshot s = snapshot;
            StoreType type = config.type();
            if (s == null) {
                SnapshotStatus.State st = switch (state) {
                    case HANDED_OVER -> SnapshotStatus.State.HANDED_OVER;
                    case MERGING -> SnapshotStatus.State.MERGING;
                    case REMOVED -> SnapshotStatus.State.REMOVED;
                    case HANDOVER_CANCELLED, LOST -> SnapshotStatus.State.INVALID;
                    default -> SnapshotStatus.State.LOADED;
                };
                boolean valid = state == Lifecycle.AWAITING_HANDOVER;
                return new SnapshotStatus(st, valid, false, type, config.chunkSectors(), null, 0, 0);
            }
            SnapshotStatus.State st = !s.valid ? SnapshotStatus.State.INVALID : s.overflow ? SnapshotStatus.State.OVERFLOW
                    : state == Lifecycle.LOADED ? SnapshotStatus.State.LOADED : SnapshotStatus.State.ACTIVE;
            return new SnapshotStatus(st, s.valid, s.overflow, type, s.chunkSectors, s.usage(),
                    s.tables.completedCount(), s.tables.pendingCount());
        } finally {
            origin.lock.unlock();
        }
    }

    /** The table line of this instance: "{origin} {cow} P 16", then its features (" 1 discard_zeroes_cow"). */
    public String tableLine(String originName, String cowName) {
        return originName + " " + cowName + " " + config.type().code() + " " + chunkSectors()
                + SnapshotFeature.tableArgs(config.features());
    }

    @Override
    public String toString() {
        return "snapshot target " + config.name();
    }
}
