package io.ublksnap.engine;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.store.StoreType;

import java.util.Objects;

/**
 * What a snapshot table says: a name for messages, the COW device, the store type and the chunk
 * size in sectors (0: the default, or whatever a persistent COW's header says).
 *
 * @param init start a new snapshot on the COW whatever it holds (persistent stores; what the COW
 *             held is lost). Without it a new snapshot is started only on a blank COW (its header
 *             chunk and first metadata area all zeros), and anything else that is not a snapshot
 *             COW is refused.
 */
public record SnapshotConfig(String name, BackingDevice cow, StoreType type, int chunkSectors, boolean init) {
    public SnapshotConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cow, "cow");
        Objects.requireNonNull(type, "type");
    }

    /** A table without an init request: a blank COW is started on, a snapshot COW is opened. */
    public SnapshotConfig(String name, BackingDevice cow, StoreType type, int chunkSectors) {
        this(name, cow, type, chunkSectors, false);
    }
}
