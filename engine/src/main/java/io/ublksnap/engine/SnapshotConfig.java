package io.ublksnap.engine;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.store.StoreType;

import java.util.Objects;
import java.util.Set;

/**
 * What a snapshot table says: a name for messages, the COW device, the store type and the chunk
 * size in sectors (0: the default, or whatever a persistent COW's header says).
 *
 * @param init     start a new snapshot on the COW whatever it holds (persistent stores; what the COW
 *                 held is lost). Without it a new snapshot is started only on a blank COW (its header
 *                 chunk and first metadata area all zeros), and anything else that is not a snapshot
 *                 COW is refused.
 * @param features the table's optional features ({@link SnapshotFeature}): they belong to the table,
 *                 so a reload may change them
 */
public record SnapshotConfig(String name, BackingDevice cow, StoreType type, int chunkSectors, boolean init,
                             Set<SnapshotFeature> features) {
    public SnapshotConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cow, "cow");
        Objects.requireNonNull(type, "type");
        features = SnapshotFeature.check(features);
    }

    /** A table without features. */
    public SnapshotConfig(String name, BackingDevice cow, StoreType type, int chunkSectors, boolean init) {
        this(name, cow, type, chunkSectors, init, Set.of());
    }

    /** A table without an init request or features: a blank COW is started on, a snapshot COW is opened. */
    public SnapshotConfig(String name, BackingDevice cow, StoreType type, int chunkSectors) {
        this(name, cow, type, chunkSectors, false, Set.of());
    }

    public boolean has(SnapshotFeature f) {
        return features.contains(f);
    }
}
