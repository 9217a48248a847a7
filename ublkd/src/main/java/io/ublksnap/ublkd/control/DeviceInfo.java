package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;

import java.util.List;
import java.util.Set;

/**
 * One device as {@code status} and {@code list} show it. The JSON of {@code status --json} and
 * {@code list --json} is written from these records by {@link Wire} and is documented there.
 */
public sealed interface DeviceInfo {
    String name();

    Role role();

    /** /dev/ublkbN, or null when the device is not active. */
    String device();

    /** Whether the device is up. A configured device whose backing could not be opened is not. */
    boolean active();

    /** Why the device is not active (one line), or null. */
    String reason();

    /** Size in 512-byte sectors (0 when not known, for a device that never came up). */
    long sectors();

    enum Role {
        ORIGIN("origin"), SNAPSHOT("snapshot");

        private final String text;

        Role(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * An origin (dm's snapshot-origin, or snapshot-merge while a merge runs).
     *
     * @param merge the merge into this origin, or null
     */
    record OriginInfo(String name, String device, boolean active, String reason, String backing, long sectors,
                      List<String> snapshots, MergeInfo merge, int queues, boolean zeroCopy, boolean batchIo)
            implements DeviceInfo {
        public Role role() {
            return Role.ORIGIN;
        }
    }

    /**
     * A snapshot (dm's snapshot target).
     *
     * @param originBacking the origin's backing path (what dm's table line names)
     * @param usage         COW space, or null when not known (transient store, not active, merging)
     * @param merge         this snapshot's merge into its origin, or null
     * @param features      its table's features (discard_zeroes_cow, discard_passdown_origin)
     * @param autoextend    the autoextend that applies to it (its own or the daemon's), or null when off
     */
    record SnapshotInfo(String name, String device, boolean active, String reason, String origin, String originBacking,
                        String cow, StoreType store, int chunkSectors, long sectors, SnapshotState state, boolean valid,
                        boolean overflow, long exceptions, long pending, Usage usage, MergeInfo merge,
                        Set<SnapshotFeature> features, Autoextend autoextend) implements DeviceInfo {
        public SnapshotInfo {
            features = SnapshotFeature.check(features);
        }

        /** Without features or autoextend. */
        public SnapshotInfo(String name, String device, boolean active, String reason, String origin, String originBacking,
                            String cow, StoreType store, int chunkSectors, long sectors, SnapshotState state, boolean valid,
                            boolean overflow, long exceptions, long pending, Usage usage, MergeInfo merge) {
            this(name, device, active, reason, origin, originBacking, cow, store, chunkSectors, sectors, state, valid, overflow,
                    exceptions, pending, usage, merge, Set.of(), null);
        }

        public Role role() {
            return Role.SNAPSHOT;
        }
    }

    /** COW space in sectors, as dm-snapshot counts it. */
    record Usage(long allocatedSectors, long totalSectors, long metadataSectors) {
        public double usedPercent() {
            return totalSectors == 0 ? 0.0 : 100.0 * allocatedSectors / totalSectors;
        }
    }
}
