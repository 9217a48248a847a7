package io.ublksnap.engine;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.store.StoreType;

import java.util.Objects;

/**
 * What a snapshot table says: a name for messages, the COW device, the store type and the chunk
 * size in sectors (0: the default, or whatever a persistent COW's header says).
 */
public record SnapshotConfig(String name, BackingDevice cow, StoreType type, int chunkSectors) {
    public SnapshotConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cow, "cow");
        Objects.requireNonNull(type, "type");
    }
}
