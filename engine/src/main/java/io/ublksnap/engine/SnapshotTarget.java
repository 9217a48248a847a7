package io.ublksnap.engine;

import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.store.StoreType;

/**
 * One snapshot table: the instance a SNAP device's requests go to (dm's {@code snapshot} target).
 *
 * <p>Lifecycle: {@link Origin#load loaded} (no I/O yet), {@link Origin#activate activated}, and
 * finally retired: removed, or handed over to another instance on the same COW, after which every
 * request fails with EIO. Two instances may share a COW only for a handover: the newer one is
 * loaded while the older one is live, takes over its exception state when activated (the older one
 * must be suspended), and the older one is retired.
 */
public final class SnapshotTarget extends Target {
    final Origin origin;
    final SnapshotConfig config;
    /** The exception state; null before a handover gives it one, and after it is retired. Guarded by the origin's lock. */
    Snapshot snapshot;
    boolean active;
    boolean retired;
    /** Handover links: the instance this one will take over from, or give to. */
    SnapshotTarget handoverSource;
    SnapshotTarget handoverDestination;
    /** A handover cancelled because its source went away. */
    boolean handoverCancelled;
    /** The instance this one handed its state over to: requests that still arrive here go there. */
    SnapshotTarget successor;

    SnapshotTarget(Origin origin, SnapshotConfig config, Snapshot snapshot) {
        this.origin = origin;
        this.config = config;
        this.snapshot = snapshot;
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

    /** Size of the snapshot device: the origin's size when the snapshot was taken. */
    @Override
    public long sizeSectors() {
        origin.lock.lock();
        try {
            Snapshot s = snapshot != null ? snapshot : handoverSource != null && handoverSource.snapshot != null
                    ? handoverSource.snapshot : null;
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
            return active && !retired;
        } finally {
            origin.lock.unlock();
        }
    }

    /** Whether requests fail with EIO because the instance handed its state over or was removed. */
    public boolean retired() {
        origin.lock.lock();
        try {
            return retired;
        } finally {
            origin.lock.unlock();
        }
    }

    @Override
    void map(BlockRequest r) {
        Snapshot s;
        SnapshotTarget next;
        origin.lock.lock();
        try {
            s = active && !retired ? snapshot : null;
            next = successor;
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
            case WRITE -> s.write(r);
            case FLUSH -> s.flush(r);
            case DISCARD -> r.queue().execute(() -> r.finish(-Errno.EOPNOTSUPP));
        }
    }

    /** The status, with dm's INFO line available through {@link SnapshotStatus#infoLine()}. */
    public SnapshotStatus status() {
        origin.lock.lock();
        try {
            Snapshot s = snapshot;
            StoreType type = config.type();
            if (s == null) {
                String state = retired ? "handed over" : handoverCancelled ? "invalid" : "loaded";
                return new SnapshotStatus(state, !retired && !handoverCancelled, false, false, type, config.chunkSectors(), null, 0, 0);
            }
            String state = !s.valid ? "invalid" : s.overflow ? "overflow" : active ? "active" : "loaded";
            return new SnapshotStatus(state, s.valid, s.overflow, false, type, s.chunkSectors, s.usage(),
                    s.tables.completedCount(), s.tables.pendingCount());
        } finally {
            origin.lock.unlock();
        }
    }

    /** The table line of this instance: "{origin} {cow} P 16". */
    public String tableLine(String originName, String cowName) {
        return originName + " " + cowName + " " + config.type().code() + " " + chunkSectors();
    }

    @Override
    public String toString() {
        return "snapshot target " + config.name();
    }
}
