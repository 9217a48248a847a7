package io.ublksnap.engine;

import io.ublksnap.engine.store.StoreType;
import io.ublksnap.engine.store.StoreUsage;

/**
 * A snapshot's status, as data. {@link #infoLine()} is dm-snapshot's INFO status line.
 *
 * @param state      "active", "invalid", "overflow", "merging", "merge failed", "handed over", "loaded"
 * @param exceptions committed exceptions (chunks remapped to the COW)
 * @param pending    exceptions being copied or draining
 */
public record SnapshotStatus(String state, boolean valid, boolean overflow, boolean mergeFailed,
                             StoreType type, int chunkSectors, StoreUsage usage, long exceptions, int pending) {

    /** "Invalid", "Merge failed", "Overflow" or "{allocated}/{total} {metadata}", as the kernel prints. */
    public String infoLine() {
        if (!valid) {
            return "Invalid";
        }
        if (mergeFailed) {
            return "Merge failed";
        }
        if (overflow) {
            return "Overflow";
        }
        if (usage == null) {
            return "Unknown";
        }
        return usage.allocatedSectors() + "/" + usage.totalSectors() + " " + usage.metadataSectors();
    }
}
