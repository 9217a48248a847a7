package io.ublksnap.engine;

/**
 * The guards against races fixed in dm-snapshot's history (../shared/seeds), one per race. An
 * origin has all of them ({@link Origin.Options#guards}); the regression tests build origins
 * without one to show that the simulation then finds the corruption the guard prevents.
 */
public enum RaceGuard {
    /** Seed 000: snapshot reads sent to the origin are tracked until they finish. */
    TRACK_SNAPSHOT_READS,
    /** Seed 001: an origin write waits for those tracked reads (chunk state DRAINING) before it overwrites the chunk. */
    WAIT_FOR_READS_TO_DRAIN,
    /** Seed 002, "two exceptions for one chunk": a snapshot write looks for a completed exception before making one. */
    LOOK_UP_COMPLETED_BEFORE_ALLOCATING,
    /** Seed 002, "sort by chunk size": a write that waited re-checks every snapshot before it proceeds. */
    RECHECK_ALL_SNAPSHOTS_AFTER_WAIT,
    /** Seed 004: a merge makes exceptions in the other snapshots before it overwrites an origin chunk. */
    MERGE_TRIGGERS_OTHER_SNAPSHOTS,
    /** Seed 002, "complete exceptions in order": commits follow allocation order, so a crash leaves no hole. */
    COMMIT_IN_ALLOCATION_ORDER,
    /** Seed 002, "wait for chunks in destructor": removing a snapshot waits for its exceptions in flight. */
    REMOVAL_WAITS_FOR_PENDING,
    /** A merge waits for writes sent to the COW chunks it is about to copy. */
    MERGE_WAITS_FOR_TRACKED_WRITES
}
