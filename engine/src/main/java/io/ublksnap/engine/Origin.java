package io.ublksnap.engine;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.BufferPool;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.engine.store.ExceptionStore;
import io.ublksnap.engine.store.PersistentStore;
import io.ublksnap.engine.store.TransientStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An origin device and its snapshots: dm's {@code snapshot-origin} target, and its
 * {@code snapshot-merge} personality while a snapshot merges back into it.
 *
 * <p>Reads go straight to the origin. A write first makes sure that every snapshot that still
 * shows the old data of the chunks under it has a copy in its COW: it creates the missing
 * exceptions (one origin read feeds all snapshots that need the same chunks), waits for them and
 * for any in flight, and then goes ahead.
 *
 * <p>One lock per origin guards the origin's snapshot list and every snapshot's tables and flags.
 * It is held only to decide, never across I/O: backing I/O is submitted after it is released,
 * and completions take it again.
 */
public final class Origin extends Target {
    /** Tunables. */
    public record Options(long copyBufferBytes, int maxCopyBytes, int maxMergeRunBytes) {
        public static final Options DEFAULT = new Options(64L << 20, 1 << 20, 1 << 20);
    }

    final String name;
    final BackingDevice device;
    final ReentrantLock lock = new ReentrantLock();
    final BufferPool pool;
    final BufferAllocator allocator;
    final Options options;
    private final Consumer<String> log;

    /** Snapshots whose state lives here (registered or not), largest chunk size first. Guarded by lock. */
    private final List<Snapshot> snapshots = new ArrayList<>();
    /** Loaded instances, for finding the ones that share a COW. Guarded by lock. */
    private final List<SnapshotTarget> targets = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong snapshotIds = new java.util.concurrent.atomic.AtomicLong();
    /** Non-null while a snapshot merges into the origin. Written under lock. */
    volatile Merge merge;

    public Origin(String name, BackingDevice device, BufferAllocator allocator, Options options, Consumer<String> log) {
        this.name = Objects.requireNonNull(name);
        this.device = Objects.requireNonNull(device);
        this.allocator = allocator;
        this.options = options;
        this.log = log;
        this.pool = new BufferPool(allocator, options.copyBufferBytes());
    }

    public String name() {
        return name;
    }

    public BackingDevice device() {
        return device;
    }

    @Override
    public long sizeSectors() {
        return device.sizeSectors();
    }

    /** Copies never read past the origin's end (its last chunk may be partial). */
    long sizeSectorsForCopy() {
        return device.sizeSectors();
    }

    void log(String message) {
        log.accept(message);
    }

    // ---------------------------------------------------------------------------------------
    // Requests

    @Override
    void map(BlockRequest r) {
        Merge m = merge;
        if (m != null) {
            m.map(r);
            return;
        }
        IoQueue q = r.queue();
        switch (r.op()) {
            case READ -> q.read(device, r.sector() << 9, r.buffer(), r);
            case FLUSH -> q.flush(device, r);
            case WRITE, DISCARD -> write(r);
        }
    }

    private void write(BlockRequest r) {
        IoQueue q = r.queue();
        if (r.op() == BlockRequest.Op.DISCARD && !device.supportsDiscard()) {
            q.execute(() -> r.finish(-Errno.EOPNOTSUPP));
            return;
        }
        List<PendingException> fresh = null;
        boolean waiting = false;
        lock.lock();
        try {
            if (merge != null) { // a merge started while this request waited
                q.execute(r.retry);
                return;
            }
            if (!snapshots.isEmpty()) {
                fresh = new ArrayList<>(2);
                PendingException waitOn = lockedEnsureExceptions(r.sector(), r.endSector(), fresh, q);
                if (waitOn != null) {
                    waitOn.addWaiter(q, RaceGuards.recheckAllSnapshotsAfterWait ? r.retry : () -> issueOriginWrite(r));
                    waiting = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (fresh != null && !fresh.isEmpty()) {
            CopyJob.start(this, fresh, q);
        }
        if (!waiting) {
            issueOriginWrite(r);
        }
    }

    void issueOriginWrite(BlockRequest r) {
        if (r.op() == BlockRequest.Op.DISCARD) {
            r.queue().discard(device, r.sector() << 9, (long) r.sectors() << 9, r);
        } else {
            r.queue().write(device, r.sector() << 9, r.buffer(), r.fua() ? IoQueue.FUA : 0, r);
        }
    }

    /**
     * Makes sure every snapshot that must keep the old contents of sectors [start, end) has an
     * exception for each chunk there: creates the missing ones (added to {@code fresh}, to be
     * copied by the caller after unlocking) and returns one that is still pending, to wait on, or
     * null when all are complete. Snapshots that cannot get an exception are invalidated.
     */
    PendingException lockedEnsureExceptions(long start, long end, List<PendingException> fresh, IoQueue queue) {
        PendingException waitOn = null;
        for (Snapshot s : snapshots) {
            if (!s.lockedTakesOriginExceptions() || start >= s.sizeSectors) {
                continue;
            }
            long last = s.chunkOf(Math.min(end, s.sizeSectors) - 1);
            for (long c = s.chunkOf(start); c <= last; c++) {
                PendingException pe = s.tables.pending(c);
                if (pe == null) {
                    if (s.tables.isCompleted(c)) {
                        continue;
                    }
                    pe = s.lockedNewException(c);
                    if (pe == null) {
                        s.lockedInvalidate(Errno.ENOMEM, queue);
                        break;
                    }
                    fresh.add(pe);
                }
                if (waitOn == null) {
                    waitOn = pe;
                }
            }
        }
        return waitOn;
    }

    // ---------------------------------------------------------------------------------------
    // Snapshot lifecycle

    /**
     * Loads a snapshot table on this origin: opens its exception store and reads its exceptions
     * (blocking I/O on the COW), or, when a live instance already uses the same COW, links the two
     * for a handover (nothing is read). Nothing happens to I/O until {@link #activate}.
     */
    public SnapshotTarget load(SnapshotConfig config) throws IOException {
        if (sameDevice(config.cow(), device)) {
            throw new SnapshotException("COW device " + config.cow().name() + " cannot be the origin device itself");
        }
        lock.lock();
        try {
            List<SnapshotTarget> sharing = targets.stream()
                    .filter(t -> !t.retired && sameDevice(t.config.cow(), config.cow())).toList();
            if (!sharing.isEmpty()) {
                if (config.init()) {
                    throw new SnapshotException("COW " + config.cow().name() + " is in use by " + sharing.getFirst().name()
                            + ": it cannot be initialized; load the table without --init to take its exceptions over");
                }
                if (sharing.size() > 1 || sharing.getFirst().handoverDestination != null || !sharing.getFirst().active) {
                    throw new SnapshotException("Unable to handover snapshot to two devices at once: COW "
                            + config.cow().name() + " is in use by " + sharing.getFirst().name());
                }
                SnapshotTarget src = sharing.getFirst();
                SnapshotTarget dest = new SnapshotTarget(this, config, null);
                src.handoverDestination = dest;
                dest.handoverSource = src;
                targets.add(dest);
                return dest;
            }
            // A new snapshot's reads of unchanged chunks go to the origin device, which a merge is
            // changing underneath: snapshots are taken before or after a merge, not during it.
            if (merge != null && !merge.finished()) {
                throw new SnapshotException("origin " + name + " is merging a snapshot: wait for the merge to finish");
            }
        } finally {
            lock.unlock();
        }
        Snapshot s = openSnapshot(config);
        lock.lock();
        try {
            SnapshotTarget t = new SnapshotTarget(this, config, s);
            s.owner = t;
            targets.add(t);
            snapshots.add(s);
            snapshots.sort(Comparator.comparingInt((Snapshot x) -> x.chunkSectors).reversed());
            return t;
        } finally {
            lock.unlock();
        }
    }

    private Snapshot openSnapshot(SnapshotConfig config) throws IOException {
        ExceptionTables tables = new ExceptionTables(16);
        ExceptionStore store;
        if (config.type().persistent()) {
            store = PersistentStore.open(config.cow(), config.type(), config.chunkSectors(), config.init(), device.sizeSectors(),
                    allocator, tables::load, this::log);
        } else {
            store = TransientStore.create(config.cow(), config.chunkSectors());
        }
        Snapshot s = new Snapshot(config.name(), snapshotIds.incrementAndGet(), this, config.cow(), store, device.sizeSectors(), tables);
        if (!store.valid()) {
            log("snapshot " + config.name() + " is marked invalid");
        }
        return s;
    }

    private static boolean sameDevice(BackingDevice a, BackingDevice b) {
        return a == b || a.name().equals(b.name());
    }

    /**
     * Activates a loaded snapshot. A new snapshot: the origin is suspended and drained, flushed so
     * the snapshot's image is durable, and from then on origin writes keep the snapshot's image.
     * A handover destination: takes over the exception state of its source, which must be
     * suspended, and the source is retired (its requests fail with EIO from then on).
     * {@code done} runs on {@code queue} with null or the error.
     */
    public void activate(SnapshotTarget t, IoQueue queue, Consumer<Throwable> done) {
        lock.lock();
        try {
            if (t.handoverDestination != null) {
                throw new SnapshotException("Unable to resume snapshot source until handover completes: "
                        + t.name() + " is handing its exceptions over to " + t.handoverDestination.name());
            }
            if (t.retired || t.active) {
                throw new SnapshotException("snapshot " + t.name() + " is " + (t.retired ? "retired" : "already active"));
            }
            if (t.handoverCancelled) {
                throw new SnapshotException("snapshot " + t.name() + " cannot be activated: its handover source went away");
            }
            if (t.handoverSource != null) {
                lockedHandover(t.handoverSource, t);
                queue.execute(() -> done.accept(null));
                return;
            }
            if (merge != null && !merge.finished()) {
                throw new SnapshotException("origin " + name + " is merging a snapshot: wait for the merge to finish");
            }
        } finally {
            lock.unlock();
        }
        suspend(() -> queue.execute(() -> {
            // This suspension may have waited for another switch (a merge starting): look again.
            SnapshotException refused = null;
            lock.lock();
            try {
                if (merge != null && !merge.finished()) {
                    refused = new SnapshotException("origin " + name + " is merging a snapshot: wait for the merge to finish");
                } else if (t.retired || t.active) {
                    refused = new SnapshotException("snapshot " + t.name() + " is " + (t.retired ? "retired" : "already active"));
                }
            } finally {
                lock.unlock();
            }
            if (refused != null) {
                done.accept(refused);
                resume();
                return;
            }
            activateSuspended(t, queue, done);
        }));
    }

    /** The origin is suspended and drained for a new snapshot: flush it, then the snapshot goes live. */
    private void activateSuspended(SnapshotTarget t, IoQueue queue, Consumer<Throwable> done) {
        queue.flush(device, res -> {
            Throwable error = null;
            lock.lock();
            try {
                if (res < 0) {
                    error = new IOException("flushing origin " + device.name() + " failed: " + Errno.name(res));
                } else {
                    t.snapshot.registered = true;
                    t.active = true;
                }
            } finally {
                lock.unlock();
            }
            // Told before the origin resumes: no other switch waiting for the origin (a merge
            // starting) has happened yet, so the snapshot's image is the origin's as it was.
            done.accept(error);
            resume();
        });
    }

    /** Moves the exception state from {@code src} to {@code dest}. Holds the lock. */
    private void lockedHandover(SnapshotTarget src, SnapshotTarget dest) {
        if (!src.suspended()) {
            throw new SnapshotException("Unable to perform snapshot handover until source is suspended: suspend "
                    + src.name() + " first");
        }
        Snapshot s = src.snapshot;
        src.snapshot = null;
        src.retired = true;
        src.active = false;
        src.handoverDestination = null;
        src.successor = dest;
        dest.handoverSource = null;
        targets.remove(src);
        dest.snapshot = s;
        s.owner = dest;
        s.overflowSupported = dest.config.type().overflowSupported();
        dest.active = true;
        if (dest.config.chunkSectors() != 0 && dest.config.chunkSectors() != s.chunkSectors) {
            log("chunk size " + s.chunkSectors + " of the handed-over snapshot overrides the requested " + dest.config.chunkSectors());
        }
    }

    /**
     * Removes a snapshot: stops it (held requests fail), stops making exceptions in it, waits for
     * the exceptions in flight, and closes its store. {@code done} runs on {@code queue}.
     */
    public void remove(SnapshotTarget t, IoQueue queue, Runnable done) {
        lock.lock();
        try {
            if (t.retired || t.snapshot == null) {
                lockedRetire(t);
                queue.execute(done);
                return;
            }
            if (t.snapshot.merging) {
                throw new SnapshotException("snapshot " + t.name() + " is merging and cannot be removed");
            }
        } finally {
            lock.unlock();
        }
        // The COW is invalidated first, while origin writes still keep its image: a snapshot whose
        // removal a crash interrupted comes back invalid or intact, never stale.
        t.suspend(() -> queue.execute(() -> t.snapshot.store.drop(queue, dropped -> {
            lock.lock();
            try {
                Snapshot s = t.snapshot;
                s.valid = false;
                s.removing = true;
                s.registered = false;
                lockedRetire(t);
                Runnable gone = () -> {
                    snapshots.remove(s);
                    s.store.close();
                    queue.execute(done);
                };
                if (RaceGuards.removalWaitsForPending) {
                    s.lockedWhenIdle(gone);
                } else {
                    gone.run();
                }
            } finally {
                lock.unlock();
            }
            t.resume(); // held requests now fail with EIO
        })));
    }

    private void lockedRetire(SnapshotTarget t) {
        if (t.handoverDestination != null) {
            // Kernel: "Cancelling snapshot handover."
            t.handoverDestination.handoverCancelled = true;
            t.handoverDestination.handoverSource = null;
            log("cancelling snapshot handover from " + t.name() + " to " + t.handoverDestination.name());
            t.handoverDestination = null;
        }
        if (t.handoverSource != null) {
            t.handoverSource.handoverDestination = null;
            t.handoverSource = null;
        }
        t.retired = true;
        t.active = false;
        t.snapshot = null;
        targets.remove(t);
    }

    /** Snapshot instances loaded on this origin and not retired. */
    public List<SnapshotTarget> snapshotTargets() {
        lock.lock();
        try {
            return List.copyOf(targets);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Merge

    /**
     * Starts merging the snapshot of {@code t} into the origin (dm's snapshot-merge): the
     * snapshot's state is handed over to the origin's merge, {@code t} is retired (its requests fail
     * with EIO), and from now on the origin shows the snapshot's image while chunks are copied back
     * from the end of the exception list. {@code t} and the origin are suspended for the switch.
     */
    public void startMerge(SnapshotTarget t, IoQueue queue, MergeListener listener) {
        lock.lock();
        try {
            Snapshot s = t.snapshot;
            if (s == null || t.retired || !t.active) {
                throw new SnapshotException("snapshot " + t.name() + " is not active");
            }
            if (!s.store.supportsMerge()) {
                throw new SnapshotException("snapshot " + t.name()
                        + " has a transient (N) store: only persistent snapshots can be merged");
            }
            if (!s.valid) {
                throw new SnapshotException("snapshot " + t.name() + " is invalid and cannot be merged");
            }
            if (merge != null && !merge.finished()) {
                throw new SnapshotException("origin " + name + " is already merging snapshot " + merge.snapshot.name
                        + ": only one merge per origin at a time");
            }
        } finally {
            lock.unlock();
        }
        t.suspend(() -> suspend(() -> {
            Merge m;
            String refused = null;
            lock.lock();
            try {
                // The suspensions may have waited for other switches: look again.
                Snapshot s = t.snapshot;
                if (s == null || t.retired || !t.active) {
                    refused = "snapshot " + t.name() + " is not active";
                } else if (!s.valid) {
                    refused = "snapshot " + t.name() + " is invalid and cannot be merged";
                } else if (merge != null && !merge.finished()) {
                    refused = "origin " + name + " is already merging snapshot " + merge.snapshot.name;
                }
                if (refused != null) {
                    m = null;
                } else {
                lockedRetire(t);
                s.owner = null;
                s.registered = false;
                s.merging = true;
                m = new Merge(this, s, queue, listener);
                merge = m;
                }
            } finally {
                lock.unlock();
            }
            if (refused != null) {
                resume();
                t.resume();
                listener.failed(refused);
                return;
            }
            listener.started();
            resume();
            t.resume();
            m.start();
        }));
    }

    /**
     * Resumes a merge that was running when the daemon stopped: opens the snapshot's persistent
     * store and merges what is left. The origin serves the snapshot's image from the start.
     */
    public void resumeMerge(SnapshotConfig config, IoQueue queue, MergeListener listener) throws IOException {
        if (!config.type().persistent()) {
            throw new SnapshotException("only persistent snapshots can be merged");
        }
        if (config.init()) {
            throw new SnapshotException("a merge resumes from the COW's exceptions: it cannot be initialized");
        }
        Snapshot s = openSnapshot(config);
        if (!s.valid) {
            throw new SnapshotException("snapshot " + config.name() + " is invalid and cannot be merged");
        }
        Merge m;
        lock.lock();
        try {
            if (merge != null && !merge.finished()) {
                throw new SnapshotException("origin " + name + " is already merging");
            }
            s.merging = true;
            snapshots.add(s);
            snapshots.sort(Comparator.comparingInt((Snapshot x) -> x.chunkSectors).reversed());
            m = new Merge(this, s, queue, listener);
            merge = m;
        } finally {
            lock.unlock();
        }
        m.start();
    }

    /** Called by a merge that finished: the snapshot is released. Holds the lock. */
    void lockedMergeFinished(Merge m) {
        snapshots.remove(m.snapshot);
        m.snapshot.store.close();
        if (merge == m) {
            merge = null;
        }
    }

    /** The merge in progress (or failed or stopped), if any. */
    public MergeStatus mergeStatus() {
        Merge m = merge;
        return m == null ? null : m.status();
    }

    /** Stops a running merge after its current step; {@code stopped} runs when it has. */
    public void stopMerge(Runnable stopped) {
        Merge m = merge;
        if (m == null) {
            stopped.run();
        } else {
            m.stop(stopped);
        }
    }

    /** Snapshots registered here, for the merge: every one except {@code except}. Holds the lock. */
    List<Snapshot> lockedSnapshots() {
        return snapshots;
    }

    @Override
    public String toString() {
        return "origin " + name;
    }
}
