package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.CowGrowth;
import io.ublksnap.engine.FillListener;
import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotConfig;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.ublkd.control.DeviceInfo.Usage;
import io.ublksnap.ublkd.control.MergeState;
import io.ublksnap.ublkd.control.SnapshotState;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What the daemon needs from the snapshot engine: every lifecycle step of origins and snapshots as
 * a {@link CompletionStage} (completed with the step's error, if any), and their status as the
 * control protocol's types. {@link EngineLifecycle} is the one implementation over the engine;
 * tests wrap it to make steps slow, fail or never finish.
 */
interface Lifecycle extends AutoCloseable {

    /** Hears how a merge ends. Called on an engine thread: hand real work to another thread. */
    interface MergeEvents {
        void completed();

        void failed(String reason);
    }

    /** A merge in progress, failed or stopped. */
    record MergeProgress(String snapshot, MergeState state, long merged, long total, int chunkSectors,
                         double bytesPerSecond, long secondsLeft, String error) {
    }

    /** A live snapshot table's state. */
    record SnapshotView(SnapshotState state, boolean valid, boolean overflow, long exceptions, long pending,
                        Usage usage, int chunkSectors, long sectors) {
    }

    Origin newOrigin(String name, BackingDevice backing, Consumer<String> log);

    /** Who hears how full the origin's snapshots get (the fill monitor). */
    void watchFill(Origin origin, FillListener listener);

    /** The autoextend threshold of a live snapshot, in percent (0: off). */
    void autoGrow(Origin origin, SnapshotTarget t, int thresholdPercent);

    /** Starts growing a live snapshot's COW, or joins the growth under way (see {@link CowGrowth}). */
    CowGrowth growCow(Origin origin, SnapshotTarget t);

    /** Loads a snapshot table (reads a persistent COW's exceptions); nothing reaches it until activated. */
    CompletionStage<SnapshotTarget> load(Origin origin, SnapshotConfig config);

    /**
     * A table for a snapshot that could not come back (a transient one whose device a crashed daemon
     * left behind): every request fails with EIO, its status says Invalid.
     */
    SnapshotTarget loadLost(Origin origin, SnapshotConfig config, long sectors);

    /** Activates a loaded snapshot: from then on origin writes keep its image. */
    CompletionStage<Void> activate(Origin origin, SnapshotTarget t);

    /** Removes a snapshot (its COW is marked invalid first), once its exceptions in flight are done. */
    CompletionStage<Void> remove(Origin origin, SnapshotTarget t);

    /**
     * Replaces {@code old} with a new table from {@code config} on the same COW (a handover): {@code old}
     * is suspended, the new table takes its exceptions, {@code switchDevice} sends the device's requests
     * to it, and the held requests go there. On failure the new table is removed and {@code old}
     * resumes, as if nothing happened.
     */
    CompletionStage<SnapshotTarget> reload(Origin origin, SnapshotTarget old, SnapshotConfig config, Consumer<SnapshotTarget> switchDevice);

    /** Starts merging {@code t}; completes once the origin has switched to the merge (it shows the snapshot's image). */
    CompletionStage<Void> startMerge(Origin origin, SnapshotTarget t, MergeEvents events);

    /** Resumes a merge that a stop or crash interrupted. */
    CompletionStage<Void> resumeMerge(Origin origin, SnapshotConfig config, MergeEvents events);

    /** Stops a merge after its current step (it resumes at the next start). */
    CompletionStage<Void> stopMerge(Origin origin);

    /** The origin's merge, or null. */
    MergeProgress mergeStatus(Origin origin);

    SnapshotView status(SnapshotTarget t);

    @Override
    void close();
}
