package io.ublksnap.ublkd.control;

/** A snapshot's state as status shows it. On the wire: the text. */
public enum SnapshotState {
    /** Serving its image. */
    ACTIVE("active"),
    /** Invalidated (a full P store, a failed COW, removal interrupted): its device fails I/O. */
    INVALID("invalid"),
    /** A full PO store: writes to the snapshot fail, reads still work. */
    OVERFLOW("overflow"),
    /** Merging into its origin: its own device fails I/O (as in the kernel). */
    MERGING("merging"),
    /** The merge stopped on an error; nothing was lost. */
    MERGE_FAILED("merge failed"),
    /** Loaded, not yet serving (a table in transition). */
    LOADED("loaded"),
    /** Configured but not up: its COW or origin could not be opened (see the reason). */
    INACTIVE("inactive");

    private final String text;

    SnapshotState(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static SnapshotState of(String text) {
        for (SnapshotState s : values()) {
            if (s.text.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown snapshot state '" + text + "'");
    }
}
