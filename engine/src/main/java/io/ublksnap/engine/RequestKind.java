package io.ublksnap.engine;

/**
 * What a block request turned out to be once the engine mapped it: the rows of a device's request
 * counters ({@link RequestStats}). A request mapped again after a wait keeps the first kind it got,
 * except that an origin write which had to wait for a copy counts as copying.
 */
public enum RequestKind {
    /** A read of the origin device. */
    ORIGIN_READ("origin-read"),
    /** An origin write with no snapshot to keep anything for: the pass-through. */
    PASSTHROUGH_WRITE("passthrough-write"),
    /** An origin write that waited for chunks to be copied into a COW (and committed) first. */
    COPYING_WRITE("copying-write"),
    /** An origin write whose chunks every snapshot had copied already. */
    ORIGIN_WRITE("origin-write"),
    /** A snapshot read served from the origin (chunks the origin has not changed). */
    SNAPSHOT_READ_ORIGIN("snapshot-read-origin"),
    /** A snapshot read served, at least in part, from the COW. */
    SNAPSHOT_READ_COW("snapshot-read-cow"),
    SNAPSHOT_WRITE("snapshot-write"),
    FLUSH("flush"),
    DISCARD("discard"),
    /** A request to the origin while a snapshot merges into it. */
    DURING_MERGE("during-merge"),
    /** Refused or failed before the engine mapped it. */
    OTHER("other");

    private final String label;

    RequestKind(String label) {
        this.label = label;
    }

    /** The name the counters show. */
    public String label() {
        return label;
    }
}
