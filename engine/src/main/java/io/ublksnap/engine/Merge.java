package io.ublksnap.engine;

import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.engine.store.ExceptionStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot merging back into its origin, online: dm's {@code snapshot-merge}.
 *
 * <p>While it runs the origin device shows the snapshot's image: reads of chunks not yet merged
 * come from the COW; writes to them go to the COW too (tracked, so the merge waits for them),
 * except writes to the run being merged right now, which wait until it is merged; writes to other
 * chunks go to the origin, after the other snapshots have copied what they need.
 *
 * <p>Each step takes the run at the end of the exception list ({@link
 * io.ublksnap.engine.store.ExceptionStore#prepareMerge}), makes exceptions in the other snapshots
 * for those origin chunks and waits for them (seed 004), waits for writes in flight to the run's
 * COW chunks, copies the run from the COW to the origin (FUA) and removes the run's exceptions from
 * the store (FUA) in one linked chain, then from memory. An interrupted merge therefore resumes where it
 * stopped: a run copied but not yet forgotten is copied again, the same data to the same place.
 * No exception is ever created in the merging snapshot.
 *
 * <p>Steps run on one queue. State is guarded by the origin's lock.
 */
final class Merge {
    final Origin origin;
    final Snapshot snapshot;
    private final IoQueue queue;
    private final MergeListener listener;

    private long firstMerging = -1;
    private int numMerging;
    private final List<BlockRequest> heldWrites = new ArrayList<>();
    private Runnable afterDrain;
    private boolean stopRequested;
    private Runnable whenStopped;
    private MergeStatus.State state = MergeStatus.State.MERGING;
    private String error;
    private long total;
    private long merged;
    private long startNanos;

    Merge(Origin origin, Snapshot snapshot, IoQueue queue, MergeListener listener) {
        this.origin = origin;
        this.snapshot = snapshot;
        this.queue = queue;
        this.listener = listener;
    }

    void start() {
        origin.lock.lock();
        try {
            total = snapshot.tables.completedCount();
            startNanos = System.nanoTime();
            // Exceptions still in flight from before the switch must be committed first.
            snapshot.lockedWhenIdle(() -> queue.execute(this::step));
        } finally {
            origin.lock.unlock();
        }
        origin.log("merging snapshot " + snapshot.name + " into origin " + origin.name + ": " + total + " chunks");
    }

    /** Whether the merge is over (done); a failed or stopped merge still routes I/O. */
    boolean finished() {
        origin.lock.lock();
        try {
            return state == MergeStatus.State.DONE;
        } finally {
            origin.lock.unlock();
        }
    }

    private void step() {
        origin.lock.lock();
        try {
            if (stopRequested) {
                state = MergeStatus.State.STOPPED;
                stopRequested = false;
                Runnable r = whenStopped;
                whenStopped = null;
                queue.execute(() -> {
                    listener.stopped();
                    r.run();
                });
                return;
            }
        } finally {
            origin.lock.unlock();
        }
        snapshot.store.prepareMerge(queue, this::onRun);
    }

    private void onRun(int count, long lastOld, long lastNew) {
        if (count < 0) {
            fail("cannot read the COW's metadata (" + Errno.name(count) + ")");
            return;
        }
        if (count == 0) {
            finish();
            return;
        }
        int maxRun = (int) Math.max(1, origin.options.maxMergeRunBytes() / snapshot.chunkBytes);
        int n = Math.min(count, maxRun);
        prepareRange(lastOld - n + 1, lastNew - n + 1, n);
    }

    /** Waits until no other snapshot needs the old contents of the run and no write to it is in flight. */
    private void prepareRange(long first, long firstNew, int n) {
        List<PendingException> fresh = new ArrayList<>(0);
        boolean go = false;
        origin.lock.lock();
        try {
            long start = first << snapshot.chunkShift;
            long end = Math.min((first + n) << snapshot.chunkShift, origin.sizeSectors());
            Wait waitOn = origin.guarded(RaceGuard.MERGE_TRIGGERS_OTHER_SNAPSHOTS)
                    ? origin.lockedEnsureExceptions(start, end, fresh, queue) : null;
            if (waitOn != null) {
                waitOn.addWaiter(queue, () -> prepareRange(first, firstNew, n));
            } else {
                firstMerging = first;
                numMerging = n;
                if (origin.guarded(RaceGuard.MERGE_WAITS_FOR_TRACKED_WRITES) && lockedRangeTracked()) {
                    afterDrain = () -> copy(first, firstNew, n);
                } else {
                    go = true;
                }
            }
        } finally {
            origin.lock.unlock();
        }
        if (!fresh.isEmpty()) {
            CopyJob.start(origin, fresh, queue);
        }
        if (go) {
            copy(first, firstNew, n);
        }
    }

    private boolean lockedRangeTracked() {
        for (long c = firstMerging; c < firstMerging + numMerging; c++) {
            if (snapshot.tables.isTracked(c)) {
                return true;
            }
        }
        return false;
    }

    /** A tracked write finished: returns the copy to start if it was the last one the run waited for. Holds the lock. */
    Runnable lockedUntracked() {
        if (afterDrain != null && !lockedRangeTracked()) {
            Runnable r = afterDrain;
            afterDrain = null;
            return () -> queue.execute(r);
        }
        return null;
    }

    /**
     * The run's copy and its commit in one chain: COW read, origin write (FUA: the origin must hold
     * the data durably before the exceptions are forgotten), then the store's metadata write.
     */
    private void copy(long first, long firstNew, int n) {
        long chunkBytes = snapshot.chunkBytes;
        long length = Math.min(n * chunkBytes, (origin.sizeSectors() << 9) - first * chunkBytes);
        origin.pool.acquire((int) length, queue, buf -> {
            IoChain chain = queue.chain().copy(snapshot.cow, firstNew * chunkBytes, origin.device, first * chunkBytes,
                    buf.slice(0, length), IoQueue.FUA);
            ExceptionStore.ChainedCommit commit = snapshot.store.commitMerge(n, chain, r -> {
                if (r < 0) {
                    fail("cannot copy chunks " + first + "-" + (first + n - 1) + " from COW " + snapshot.cow.name() + " to origin "
                            + origin.device.name() + " and forget them in the COW's metadata (" + Errno.name(r) + ")");
                } else {
                    merged(first, n);
                }
            });
            chain.submit(r -> {
                origin.pool.release(buf);
                commit.chainDone(r, queue);
            });
        });
    }

    private void merged(long first, int n) {
        List<BlockRequest> held;
        String corrupt = null;
        long done;
        origin.lock.lock();
        try {
            for (long c = first + n - 1; c >= first; c--) {
                if (!snapshot.tables.removeCompleted(c)) {
                    corrupt = "exception for chunk " + c + " is on disk but not in memory";
                }
            }
            firstMerging = -1;
            numMerging = 0;
            held = new ArrayList<>(heldWrites);
            heldWrites.clear();
            merged += n;
            done = merged;
        } finally {
            origin.lock.unlock();
        }
        for (BlockRequest r : held) {
            r.queue().execute(r.retry);
        }
        if (corrupt != null) {
            fail(corrupt);
            return;
        }
        listener.progress(done, total);
        step();
    }

    private void fail(String reason) {
        List<BlockRequest> held;
        Runnable stopped;
        origin.lock.lock();
        try {
            state = MergeStatus.State.FAILED;
            error = reason;
            firstMerging = -1;
            numMerging = 0;
            afterDrain = null;
            held = new ArrayList<>(heldWrites);
            heldWrites.clear();
            stopped = whenStopped;
            whenStopped = null;
            stopRequested = false;
        } finally {
            origin.lock.unlock();
        }
        origin.log(System.Logger.Level.ERROR, "merge of snapshot " + snapshot.name + " failed: " + reason + "; nothing was lost, the origin still shows the snapshot's image");
        for (BlockRequest r : held) {
            r.queue().execute(r.retry); // the chunk is still remapped: the write goes to the COW
        }
        listener.failed(reason);
        if (stopped != null) {
            stopped.run();
        }
    }

    private void finish() {
        Runnable stopped;
        origin.lock.lock();
        try {
            state = MergeStatus.State.DONE;
            origin.lockedMergeFinished(this);
            stopped = whenStopped;
            whenStopped = null;
        } finally {
            origin.lock.unlock();
        }
        origin.log("merge of snapshot " + snapshot.name + " into origin " + origin.name + " complete");
        listener.completed();
        if (stopped != null) {
            stopped.run();
        }
    }

    void stop(Runnable stopped) {
        origin.lock.lock();
        try {
            if (state != MergeStatus.State.MERGING) {
                queue.execute(stopped);
                return;
            }
            stopRequested = true;
            whenStopped = stopped;
        } finally {
            origin.lock.unlock();
        }
    }

    MergeStatus status() {
        origin.lock.lock();
        try {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double rate = seconds > 0 ? merged * snapshot.chunkBytes / seconds : 0;
            return new MergeStatus(snapshot.name, state, merged, total, snapshot.chunkSectors, rate, error);
        } finally {
            origin.lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------
    // The origin's requests while merging

    void map(BlockRequest r) {
        switch (r.op()) {
            case READ -> read(r);
            case WRITE -> write(r);
            case FLUSH -> {
                r.expectParts(2);
                r.queue().flush(origin.device, r::partDone);
                r.queue().flush(snapshot.cow, r::partDone);
            }
            // The origin refuses discards before a merge sees them (Origin.map).
            case DISCARD -> throw new IllegalStateException("a discard reached the merge of " + snapshot.name);
        }
    }

    private void read(BlockRequest r) {
        List<Pieces.Run> runs = new ArrayList<>(1);
        origin.lock.lock();
        try {
            Pieces.forEach(r, snapshot.chunkShift, (chunk, sector, reqOff, len) -> {
                long remapped = snapshot.tables.remapped(chunk);
                boolean toCow = remapped >= 0;
                long devOff = toCow ? Pieces.cowOffset(remapped, chunk, sector, snapshot.chunkShift) : sector << 9;
                Pieces.add(runs, toCow, devOff, reqOff, len, chunk);
            });
            r.expectParts(runs.size());
        } finally {
            origin.lock.unlock();
        }
        for (Pieces.Run run : runs) {
            r.queue().read(run.toCow() ? snapshot.cow : origin.device, run.deviceOffset(), r.data(run.requestOffset(), run.length()), r::partDone);
        }
    }

    private void write(BlockRequest r) {
        IoQueue q = r.queue();
        List<Pieces.Run> runs = new ArrayList<>(1);
        List<PendingException> fresh = new ArrayList<>(0);
        origin.lock.lock();
        try {
            if (origin.merge != this) { // the merge finished while this request waited
                q.execute(r.retry);
                return;
            }
            long c0 = r.sector() >>> snapshot.chunkShift;
            long c1 = (r.endSector() - 1) >>> snapshot.chunkShift;
            if (numMerging > 0 && c0 < firstMerging + numMerging && c1 >= firstMerging) {
                heldWrites.add(r);
                return;
            }
            Wait[] waitOn = new Wait[1];
            Pieces.forEach(r, snapshot.chunkShift, (chunk, sector, reqOff, len) -> {
                if (snapshot.tables.remapped(chunk) < 0 && waitOn[0] == null) {
                    waitOn[0] = origin.lockedEnsureExceptions(sector, sector + (len >> 9), fresh, q);
                }
            });
            if (waitOn[0] != null) {
                waitOn[0].addWaiter(q, r.retry);
            } else {
                Pieces.forEach(r, snapshot.chunkShift, (chunk, sector, reqOff, len) -> {
                    long remapped = snapshot.tables.remapped(chunk);
                    boolean toCow = remapped >= 0;
                    if (toCow) {
                        snapshot.tables.track(chunk);
                    }
                    long devOff = toCow ? Pieces.cowOffset(remapped, chunk, sector, snapshot.chunkShift) : sector << 9;
                    Pieces.add(runs, toCow, devOff, reqOff, len, chunk);
                });
                r.expectParts(runs.size());
            }
        } finally {
            origin.lock.unlock();
        }
        if (!fresh.isEmpty()) {
            CopyJob.start(origin, fresh, q);
        }
        int flags = r.fua() ? IoQueue.FUA : 0;
        for (Pieces.Run run : runs) {
            IoBuffer data = r.data(run.requestOffset(), run.length());
            if (run.toCow()) {
                q.write(snapshot.cow, run.deviceOffset(), data, flags, res -> {
                    for (long c = run.firstChunk(); c <= run.lastChunk(); c++) {
                        snapshot.untrack(c);
                    }
                    r.partDone(res);
                });
            } else {
                q.write(origin.device, run.deviceOffset(), data, flags, r::partDone);
            }
        }
    }
}
