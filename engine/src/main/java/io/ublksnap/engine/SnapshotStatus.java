package io.ublksnap.engine;

import io.ublksnap.engine.store.StoreType;
import io.ublksnap.engine.store.StoreUsage;

import java.util.Locale;

/**
 * A snapshot's status, as data. {@link #infoLine()} is dm-snapshot's INFO status line.
 *
 * @param exceptions committed exceptions (chunks remapped to the COW)
 * @param pending    exceptions being copied or draining
 */
public record SnapshotStatus(State state, boolean valid, boolean overflow, StoreType type, int chunkSectors,
                             StoreUsage usage, long exceptions, int pending) {

    /** What a snapshot table does now; {@link #toString()} gives the words status output shows ("active", "handed over"...). */
    public enum State {
        /** Loaded, not serving yet. */
        LOADED,
        /** Serving. */
        ACTIVE,
        /** A PO snapshot whose COW is full: reads go on, writes fail. */
        OVERFLOW,
        /** Invalidated (COW full, an I/O error, a cancelled handover, lost in a crash): every request fails. */
        INVALID,
        /** Merging into its origin: its own device fails every request, as the kernel's does. */
        MERGING,
        /** Its state went to a newer table on the same COW, which serves what reaches this one. */
        HANDED_OVER,
        /** Removed. */
        REMOVED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** "Invalid", "Overflow", "Unknown" or "{allocated}/{total} {metadata}", as the kernel prints. */
    public String infoLine() {
        if (!valid) {
            return "Invalid";
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
