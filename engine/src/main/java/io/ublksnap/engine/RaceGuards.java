package io.ublksnap.engine;

/**
 * Switches for the guards against races fixed in dm-snapshot's history. Each is on in production;
 * the regression tests turn one off to show that the simulation then finds the corruption the
 * guard prevents (and turn it back on). Nothing else may change them.
 */
final class RaceGuards {
    /** Seed 000: snapshot reads sent to the origin are tracked until they finish. */
    static volatile boolean trackSnapshotReads = true;
    /** Seed 001: an origin write waits for those tracked reads (state DRAINING) before it overwrites the chunk. */
    static volatile boolean waitForReadsToDrain = true;
    /** Seed 002, "two exceptions for one chunk": a new exception is made only after looking for a completed one. */
    static volatile boolean lookUpCompletedBeforeAllocating = true;
    /** Seed 002, "sort by chunk size": a write that waited re-checks every snapshot before it proceeds. */
    static volatile boolean recheckAllSnapshotsAfterWait = true;
    /** Seed 004: a merge makes exceptions in the other snapshots before it overwrites an origin chunk. */
    static volatile boolean mergeTriggersOtherSnapshots = true;
    /** Seed 002, "complete exceptions in order": commits follow allocation order, so a crash leaves no hole. */
    static volatile boolean commitInAllocationOrder = true;
    /** Seed 002, "wait for chunks in destructor": removing a snapshot waits for its exceptions in flight. */
    static volatile boolean removalWaitsForPending = true;
    /** Merge waits for writes sent to the COW chunks it is about to copy. */
    static volatile boolean mergeWaitsForTrackedWrites = true;

    private RaceGuards() {
    }

    static void reset() {
        trackSnapshotReads = true;
        waitForReadsToDrain = true;
        lookUpCompletedBeforeAllocating = true;
        recheckAllSnapshotsAfterWait = true;
        mergeTriggersOtherSnapshots = true;
        commitInAllocationOrder = true;
        removalWaitsForPending = true;
        mergeWaitsForTrackedWrites = true;
    }
}
