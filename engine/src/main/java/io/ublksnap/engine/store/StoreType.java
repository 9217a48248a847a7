package io.ublksnap.engine.store;

import io.ublksnap.engine.SnapshotException;

/**
 * The exception store named in a snapshot table: {@code N} (transient), {@code P} (persistent)
 * or {@code PO} (persistent, and the user understands "Overflow": a full COW fails snapshot
 * writes instead of invalidating the snapshot).
 */
public enum StoreType {
    TRANSIENT("N"),
    PERSISTENT("P"),
    PERSISTENT_OVERFLOW("PO");

    private final String code;

    StoreType(String code) {
        this.code = code;
    }

    /** The table code: N, P or PO. */
    public String code() {
        return code;
    }

    public boolean persistent() {
        return this != TRANSIENT;
    }

    /** Whether a full COW overflows (PO) rather than invalidating the snapshot (P, N). */
    public boolean overflowSupported() {
        return this == PERSISTENT_OVERFLOW;
    }

    /** Parses N, P or PO (case-insensitive, as dm-snapshot does). */
    public static StoreType parse(String text) {
        return switch (text.toUpperCase(java.util.Locale.ROOT)) {
            case "N" -> TRANSIENT;
            case "P" -> PERSISTENT;
            case "PO" -> PERSISTENT_OVERFLOW;
            default -> throw new SnapshotException("bad store type '" + text
                    + "': use P (persistent), PO (persistent, overflow instead of invalidate) or N (transient)");
        };
    }
}
