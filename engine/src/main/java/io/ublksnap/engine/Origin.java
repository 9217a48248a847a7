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
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 *
 * <h2>Crash safety: requests re-issued after the daemon dies</h2>
 * With ublk's {@code UBLK_F_USER_RECOVERY_REISSUE}, when the daemon dies the kernel keeps the
 * devices and re-sends every request the dead daemon had not answered to the next daemon, which
 * has reopened every store from its COW as it is. (The backing I/O the dead daemon had submitted
 * is finished or abandoned by the kernel before the char device can be taken over.) A re-issued
 * request may so find any part of its earlier attempt done. That is safe at every point, because
 * every step can be done twice, and nothing is acknowledged, and no exception points at a COW
 * chunk, before what it depends on is on the device:
 * <ul>
 * <li><b>An origin write whose copy is not committed yet.</b> The origin write itself is issued
 *     only once every exception it needs is committed ({@link #lockedEnsureExceptions}, commits
 *     after copies in {@link Snapshot#copyDone}), so the origin still holds the old data. The COW
 *     chunk may hold the copy or not, but no committed exception names it, and the reopened store
 *     hands out chunks after the last committed one: the re-issued write makes the exception
 *     again, copies the same old data again, then writes.</li>
 * <li><b>Committed, but the origin not yet written</b> (or written in part). The exception is on
 *     disk, so the re-issued write finds the chunk COMPLETED and writes the origin, maybe again:
 *     the same data twice.</li>
 * <li><b>A snapshot write</b> ({@link Snapshot#write}). Into a chunk with a committed exception it
 *     writes the COW chunk again. Into a new exception: either the exception was committed (the
 *     copy, or for a whole-chunk write the data itself, is in its chunk) and the re-issued write
 *     finds it and writes its piece again, or it was not, and the chunk is free again and the
 *     write starts over. Until it is acknowledged the snapshot shows the old data or the new.</li>
 * <li><b>A merge run copied but not committed</b> ({@link Merge}). The run's exceptions are still
 *     on disk, so the resumed merge copies the same COW chunks onto the same origin chunks again,
 *     then forgets them. Writes to those chunks meanwhile go to the COW, which stays the truth
 *     for them until the commit.</li>
 * <li><b>A metadata area half written</b> ({@link PersistentStore}). A daemon crash leaves an area
 *     write done or not done; a power loss may tear it at 512-byte sectors, each holding its old
 *     or its new 32 entries. A sector left old ends the list early: the exceptions lost were never
 *     reported committed, so no origin write that needed them was issued, and the re-issued
 *     request makes them again. A merge commit torn that way loses entries of the run being
 *     merged, whose data is already on the origin (written with FUA before the commit).</li>
 * </ul>
 * A transient (N) snapshot keeps its exceptions in memory only and cannot come back:
 * {@link #loadLost} gives its device a table that fails every request, status Invalid, so nothing
 * reads another snapshot's data or zeros as if they were its own. The simulation's daemon crashes
 * (SimWorld.daemonCrash) check all of this.
 */
public final class Origin extends Target {
    /**
     * Tunables.
     *
     * @param guards the race guards in force ({@link RaceGuard}): all of them, unless a regression
     *               test builds an origin without one to show what it prevents
     */
    public record Options(long copyBufferBytes, int maxCopyBytes, int maxMergeRunBytes, Set<RaceGuard> guards) {
        public static final Options DEFAULT = new Options(64L << 20, 1 << 20, 1 << 20);

        public Options {
            guards = guards.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(guards));
        }

        /** With every race guard. */
        public Options(long copyBufferBytes, int maxCopyBytes, int maxMergeRunBytes) {
            this(copyBufferBytes, maxCopyBytes, maxMergeRunBytes, EnumSet.allOf(RaceGuard.class));
        }

        /** The same, without {@code guard} (for the regression tests). */
        public Options without(RaceGuard guard) {
            EnumSet<RaceGuard> g = EnumSet.allOf(RaceGuard.class);
            g.retainAll(guards);
            g.remove(guard);
            return new Options(copyBufferBytes, maxCopyBytes, maxMergeRunBytes, g);
        }
    }

    final String name;
    final BackingDevice device;
    final ReentrantLock lock = new ReentrantLock();
    final BufferPool pool;
    final BufferAllocator allocator;
    final Options options;
    private final boolean[] guards = new boolean[RaceGuard.values().length];
    private final EventLog log;

    /** Snapshots whose state lives here (registered or not), largest chunk size first. Guarded by lock. */
    private final List<Snapshot> snapshots = new ArrayList<>();
    /** The exceptions an origin write creates, gathered under {@link #lock} (empty outside it). */
    private final List<PendingException> freshScratch = new ArrayList<>();
    private static final PendingException[] NO_EXCEPTIONS = {};
    /** How many chunks the last {@link #lockedEnsureExceptions} found still being copied (room waits aside). Guarded by lock. */
    private int lockedWaits;
    /** Loaded instances, for finding the ones that share a COW. Guarded by lock. */
    private final List<SnapshotTarget> targets = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong snapshotIds = new java.util.concurrent.atomic.AtomicLong();
    /** Non-null while a snapshot merges into the origin. Written under lock. */
    volatile Merge merge;
    /** Hears how full the snapshots get, or null. */
    volatile FillListener fillListener;

    public Origin(String name, BackingDevice device, BufferAllocator allocator, Options options, Consumer<String> log) {
        this.name = Objects.requireNonNull(name);
        this.device = Objects.requireNonNull(device);
        this.allocator = allocator;
        this.options = options;
        this.log = EventLog.of(log);
        this.pool = new BufferPool(allocator, options.copyBufferBytes());
        for (RaceGuard g : options.guards()) {
            guards[g.ordinal()] = true;
        }
    }

    /** Whether {@code guard} is in force (always, but in a regression test). */
    boolean guarded(RaceGuard guard) {
        return guards[guard.ordinal()];
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

    void log(String message) {
        log.accept(message);
    }

    void log(System.Logger.Level level, String message) {
        log.log(level, message);
    }

    // ---------------------------------------------------------------------------------------
    // Requests

    @Override
    void map(BlockRequest r) {
        if (r.op() == BlockRequest.Op.DISCARD) {
            // dm-snapshot's snapshot-origin takes no discards (it has no discard bios), so its
            // device offers none: a discard would have to copy each chunk out to every snapshot
            // first, and a trim of a file system's free space would fill their COWs with it.
            r.queue().execute(() -> r.finish(-Errno.EOPNOTSUPP));
            return;
        }
        Merge m = merge;
        if (m != null) {
            r.classify(RequestKind.DURING_MERGE);
            m.map(r);
            return;
        }
        IoQueue q = r.queue();
        switch (r.op()) {
            case READ -> {
                r.classify(RequestKind.ORIGIN_READ);
                q.read(device, r.sector() << 9, r.buffer(), r);
            }
            case FLUSH -> {
                r.classify(RequestKind.FLUSH);
                q.flush(device, r);
            }
            case WRITE -> write(r);
            case DISCARD -> throw new IllegalStateException("refused above");
        }
    }

    private void write(BlockRequest r) {
        IoQueue q = r.queue();
        PendingException[] fresh = null;
        boolean waiting = false;
        boolean noSnapshots;
        lock.lock();
        try {
            if (merge != null) { // a merge started while this request waited
                q.execute(r.retry);
                return;
            }
            noSnapshots = snapshots.isEmpty();
            if (!noSnapshots) {
                // Filled under the lock, copied out only when there is something to copy: a write
                // whose chunks are all copied already allocates nothing.
                freshScratch.clear();
                Wait waitOn = lockedEnsureExceptions(r.sector(), r.endSector(), freshScratch, q);
                if (!freshScratch.isEmpty()) {
                    fresh = freshScratch.toArray(NO_EXCEPTIONS);
                    freshScratch.clear();
                }
                if (waitOn != null) {
                    boolean recheck = guarded(RaceGuard.RECHECK_ALL_SNAPSHOTS_AFTER_WAIT) || waitOn instanceof Snapshot.RoomWait;
                    Runnable task = recheck ? r.retry : () -> issueOriginWrite(r);
                    waitOn.addWaiter(q, task);
                    waiting = true;
                    if (lockedWaits == 1 && fresh != null && fresh.length == 1 && waitOn == fresh[0]) {
                        // Waits for its own copy alone: after that copy's commit nothing is left to
                        // check, so the copy may carry the write at the end of its chain.
                        PendingException pe = fresh[0];
                        pe.chainableWrite = r;
                        pe.chainableTask = task;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        r.classify(waiting ? RequestKind.COPYING_WRITE : noSnapshots ? RequestKind.PASSTHROUGH_WRITE : RequestKind.ORIGIN_WRITE);
        if (fresh != null) {
            CopyJob.start(this, fresh, q);
        }
        if (!waiting) {
            issueOriginWrite(r);
        }
    }

    void issueOriginWrite(BlockRequest r) {
        r.queue().write(device, r.sector() << 9, r.buffer(), r.fua() ? IoQueue.FUA : 0, r);
    }

    /**
     * Makes sure every snapshot that must keep the old contents of sectors [start, end) has an
     * exception for each chunk there: creates the missing ones (added to {@code fresh}, to be
     * copied by the caller after unlocking) and returns what to wait for before trying again: room
     * in a COW that is growing (first), or an exception still pending; null when all are complete.
     * Snapshots that cannot get an exception, and whose COW is not growing, are invalidated.
     */
    Wait lockedEnsureExceptions(long start, long end, List<PendingException> fresh, IoQueue queue) {
        Wait waitOn = null;
        Wait room = null;
        lockedWaits = 0;
        for (int i = 0; i < snapshots.size(); i++) { // indexed: no iterator per origin write
            Snapshot s = snapshots.get(i);
            if (!s.lockedTakesOriginExceptions() || start >= s.sizeSectors) {
                continue;
            }
            long last = s.chunkOf(Math.min(end, s.sizeSectors) - 1);
            for (long c = s.chunkOf(start); c <= last; c++) {
                PendingException pe;
                switch (s.tables.state(c)) {
                    case COMPLETED -> {
                        continue; // the snapshot has its copy: the write may go ahead here
                    }
                    case NONE -> {
                        pe = s.lockedNewException(c); // NONE to PENDING: copy it first
                        if (pe == null) {
                            Wait w = s.lockedRoomWait();
                            if (w != null) {
                                room = room == null ? w : room;
                            } else {
                                s.lockedInvalidate(Errno.ENOMEM, queue);
                            }
                            break;
                        }
                        fresh.add(pe);
                    }
                    // PENDING: being copied; DRAINING: copied, but snapshot reads sent to the origin
                    // before that are still in flight and must not see the new data. Either way, wait.
                    default -> pe = s.tables.pending(c);
                }
                if (pe == null) {
                    break; // invalidated: this snapshot no longer needs anything
                }
                lockedWaits++;
                if (waitOn == null) {
                    waitOn = pe;
                }
            }
        }
        return room != null ? room : waitOn;
    }

    // ---------------------------------------------------------------------------------------
    // Snapshot lifecycle (the transitions are SnapshotTarget.Lifecycle's and Snapshot.Role's)

    /**
     * Loads a snapshot table on this origin: opens its exception store and reads its exceptions
     * (blocking I/O on the COW) for a table in state LOADED, or, when a live table already uses
     * the same COW, links the two for a handover (AWAITING_HANDOVER; nothing is read). Nothing
     * happens to I/O until {@link #activate}.
     */
    public SnapshotTarget load(SnapshotConfig config) throws IOException {
        if (sameDevice(config.cow(), device)) {
            throw new SnapshotException("COW device " + config.cow().name() + " cannot be the origin device itself");
        }
        lock.lock();
        try {
            List<SnapshotTarget> sharing = targets.stream().filter(t -> sameDevice(t.config.cow(), config.cow())).toList();
            if (!sharing.isEmpty()) {
                SnapshotTarget src = sharing.getFirst();
                if (config.init()) {
                    throw new SnapshotException("COW " + config.cow().name() + " is in use by " + src.name()
                            + ": it cannot be initialized; load the table without --init to take its exceptions over");
                }
                if (sharing.size() > 1 || src.lockedState() != SnapshotTarget.Lifecycle.ACTIVE) {
                    throw new SnapshotException("Unable to handover snapshot to two devices at once: COW "
                            + config.cow().name() + " is in use by " + src.name());
                }
                SnapshotTarget dest = new SnapshotTarget(this, config, SnapshotTarget.Lifecycle.AWAITING_HANDOVER, null, src, 0);
                src.lockedMoveTo(SnapshotTarget.Lifecycle.HANDOVER_SOURCE, dest);
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
            SnapshotTarget t = new SnapshotTarget(this, config, SnapshotTarget.Lifecycle.LOADED, s, null, 0);
            targets.add(t);
            lockedAddSnapshot(s);
            return t;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A table for a snapshot that could not come back (a transient one, after a daemon crash): in
     * state LOST, every request fails with EIO and its status is Invalid, so nothing ever reads
     * another snapshot's data or zeros as if they were its own. Nothing is read or written; the
     * device keeps {@code sizeSectors}. Remove it like any other.
     */
    public SnapshotTarget loadLost(SnapshotConfig config, long sizeSectors) {
        lock.lock();
        try {
            SnapshotTarget t = new SnapshotTarget(this, config, SnapshotTarget.Lifecycle.LOST, null, null, sizeSectors);
            log(System.Logger.Level.ERROR, "snapshot " + config.name() + " is lost (" + config.type().code()
                    + " keeps its exceptions in memory only): its device fails every request");
            return t;
        } finally {
            lock.unlock();
        }
    }

    private void lockedAddSnapshot(Snapshot s) {
        snapshots.add(s);
        snapshots.sort(Comparator.comparingInt((Snapshot x) -> x.chunkSectors).reversed());
    }

    private Snapshot openSnapshot(SnapshotConfig config) throws IOException {
        ExceptionTables tables = new ExceptionTables(16);
        ExceptionStore store;
        if (config.type().persistent()) {
            store = PersistentStore.open(config.cow(), config.type(), config.chunkSectors(), config.init(), device.sizeSectors(),
                    allocator, tables::load, message -> log(System.Logger.Level.WARNING, message));
        } else {
            store = TransientStore.create(config.cow(), config.chunkSectors());
        }
        Snapshot s = new Snapshot(config.name(), snapshotIds.incrementAndGet(), this, config.cow(), store, device.sizeSectors(), tables);
        if (!store.valid()) {
            log(System.Logger.Level.WARNING, "snapshot " + config.name() + " is marked invalid");
        }
        return s;
    }

    private static boolean sameDevice(BackingDevice a, BackingDevice b) {
        return a == b || a.name().equals(b.name());
    }

    /**
     * Activates a loaded table. A new snapshot (LOADED): the origin is suspended and drained,
     * flushed so the snapshot's image is durable, and from then on origin writes keep the
     * snapshot's image. A handover destination (AWAITING_HANDOVER): takes over the exception
     * state of its source, which must be suspended; the source is HANDED_OVER and forwards what
     * still reaches it.
     *
     * <p>Callable from any thread; backing I/O is issued on {@code queue}. The stage completes on
     * {@code queue}'s thread: for a new snapshot while the origin is still suspended (so no other
     * switch waiting for the origin, such as a merge starting, has happened yet). A refusal known
     * at once comes as a stage already failed with a {@link SnapshotException}.
     */
    public CompletionStage<Void> activate(SnapshotTarget t, IoQueue queue) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            switch (t.lockedState()) {
                case HANDOVER_SOURCE -> {
                    return refused("Unable to resume snapshot source until handover completes: "
                            + t.name() + " is handing its exceptions over to " + t.lockedPeer().name());
                }
                case HANDOVER_CANCELLED -> {
                    return refused("snapshot " + t.name() + " cannot be activated: its handover source went away");
                }
                case AWAITING_HANDOVER -> {
                    lockedHandover(t.lockedPeer(), t);
                    queue.execute(() -> done.complete(null));
                    return done;
                }
                case LOADED -> {
                    if (merge != null && !merge.finished()) {
                        return refused("origin " + name + " is merging a snapshot: wait for the merge to finish");
                    }
                }
                default -> {
                    return refused("snapshot " + t.name() + " cannot be activated: it is " + describe(t.lockedState()));
                }
            }
        } catch (SnapshotException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
        suspend(() -> queue.execute(() -> {
            // This suspension may have waited for another switch (a merge starting): look again.
            SnapshotException refusal = null;
            lock.lock();
            try {
                if (merge != null && !merge.finished()) {
                    refusal = new SnapshotException("origin " + name + " is merging a snapshot: wait for the merge to finish");
                } else if (t.lockedState() != SnapshotTarget.Lifecycle.LOADED) {
                    refusal = new SnapshotException("snapshot " + t.name() + " cannot be activated: it is " + describe(t.lockedState()));
                }
            } finally {
                lock.unlock();
            }
            if (refusal != null) {
                done.completeExceptionally(refusal);
                resume();
                return;
            }
            activateSuspended(t, queue, done);
        }));
        return done;
    }

    private static <T> CompletableFuture<T> refused(String message) {
        return CompletableFuture.failedFuture(new SnapshotException(message));
    }

    private static String describe(SnapshotTarget.Lifecycle state) {
        return state.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** The origin is suspended and drained for a new snapshot: flush it, then the snapshot goes live. */
    private void activateSuspended(SnapshotTarget t, IoQueue queue, CompletableFuture<Void> done) {
        queue.flush(device, res -> {
            Throwable error = null;
            lock.lock();
            try {
                if (res < 0) {
                    error = new IOException("flushing origin " + device.name() + " failed: " + Errno.name(res));
                } else if (t.lockedState() != SnapshotTarget.Lifecycle.LOADED) {
                    error = new SnapshotException("snapshot " + t.name() + " was " + describe(t.lockedState()) + " while it was activated");
                } else {
                    t.snapshot.lockedBecome(Snapshot.Role.REGISTERED);
                    t.lockedMoveTo(SnapshotTarget.Lifecycle.ACTIVE, null);
                }
            } finally {
                lock.unlock();
            }
            // Told before the origin resumes: no other switch waiting for the origin (a merge
            // starting) has happened yet, so the snapshot's image is the origin's as it was.
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
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
        src.lockedMoveTo(SnapshotTarget.Lifecycle.HANDED_OVER, dest);
        targets.remove(src);
        dest.lockedMoveTo(SnapshotTarget.Lifecycle.ACTIVE, null);
        dest.snapshot = s;
        s.overflowSupported = dest.config.type().overflowSupported();
        if (dest.config.chunkSectors() != 0 && dest.config.chunkSectors() != s.chunkSectors) {
            log(System.Logger.Level.WARNING, "chunk size " + s.chunkSectors + " of the handed-over snapshot overrides the requested " + dest.config.chunkSectors());
        }
    }

    /**
     * Replaces a live snapshot table with a new one on the same COW (a table reload, as dm's
     * suspend, load, resume): loads {@code config} as a handover destination, suspends {@code old}
     * and waits for its requests in flight, hands its exception state over (pending exceptions
     * included, nothing re-read), calls {@code switched} with the new table (the device points its
     * queues at it there), and resumes {@code old}, whose held requests, and any that still reach
     * it later, are forwarded to the new table. On failure the new table is removed, {@code old}
     * resumes as it was, and the stage fails.
     *
     * <p>Callable from any thread; the stage completes on {@code queue}'s thread (a refusal known
     * at once: already failed).
     */
    public CompletionStage<SnapshotTarget> reload(SnapshotTarget old, SnapshotConfig config, IoQueue queue,
                                                  Consumer<SnapshotTarget> switched) {
        if (!sameDevice(old.config.cow(), config.cow())) {
            return refused("reload must keep the COW of " + old.name() + " (" + old.config.cow().name()
                    + "): the exceptions are handed over on it; to use another COW, remove the snapshot and create a new one");
        }
        SnapshotTarget next;
        try {
            next = load(config);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<SnapshotTarget> done = new CompletableFuture<>();
        old.suspend(() -> queue.execute(() -> activate(next, queue).whenComplete((v, error) -> {
            if (error == null) {
                try {
                    switched.accept(next);
                } finally {
                    old.resume();
                }
                done.complete(next);
                return;
            }
            remove(next, queue).whenComplete((v2, e2) -> {
                old.resume();
                done.completeExceptionally(error);
            });
        })));
        return done;
    }

    /**
     * Removes a snapshot table. One that holds a snapshot (LOADED, ACTIVE, HANDOVER_SOURCE) is
     * suspended, its COW invalidated, origin writes stop making exceptions in it, its exceptions
     * in flight are waited for, and its store is closed; held requests then fail with EIO. A
     * pending handover is cancelled (the other table becomes HANDOVER_CANCELLED, or ACTIVE again).
     * A table that forwards to its successor (HANDED_OVER) keeps forwarding.
     *
     * <p>Callable from any thread; backing I/O is issued on {@code queue}, and the stage completes
     * on {@code queue}'s thread once the store is closed.
     */
    public CompletionStage<Void> remove(SnapshotTarget t, IoQueue queue) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        remove(t, queue, () -> done.complete(null));
        return done;
    }

    private void remove(SnapshotTarget t, IoQueue queue, Runnable done) {
        lock.lock();
        try {
            switch (t.lockedState()) {
                case LOADED, ACTIVE, HANDOVER_SOURCE -> {
                    // below
                }
                case AWAITING_HANDOVER -> {
                    SnapshotTarget src = t.lockedPeer();
                    src.lockedMoveTo(SnapshotTarget.Lifecycle.ACTIVE, null);
                    lockedRetire(t);
                    queue.execute(done);
                    return;
                }
                case MERGING, HANDOVER_CANCELLED, LOST -> {
                    lockedRetire(t);
                    queue.execute(done);
                    return;
                }
                case HANDED_OVER, REMOVED -> {
                    queue.execute(done);
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
        // The COW is invalidated first, while origin writes still keep its image: a snapshot whose
        // removal a crash interrupted comes back invalid or intact, never stale.
        t.suspend(() -> queue.execute(() -> {
            Snapshot s;
            lock.lock();
            try {
                s = t.snapshot;
            } finally {
                lock.unlock();
            }
            if (s == null) { // a switch that held the table first took its snapshot elsewhere
                t.resume();
                remove(t, queue, done);
                return;
            }
            s.store.drop(queue, dropped -> {
                lock.lock();
                try {
                    s.valid = false;
                    s.lockedBecome(Snapshot.Role.REMOVING);
                    if (t.lockedState() == SnapshotTarget.Lifecycle.HANDOVER_SOURCE) {
                        // Kernel: "Cancelling snapshot handover."
                        SnapshotTarget dest = t.lockedPeer();
                        log(System.Logger.Level.WARNING, "cancelling snapshot handover from " + t.name() + " to " + dest.name());
                        dest.lockedMoveTo(SnapshotTarget.Lifecycle.HANDOVER_CANCELLED, null);
                        targets.remove(dest);
                    }
                    lockedRetire(t);
                    Runnable gone = () -> {
                        snapshots.remove(s);
                        s.store.close();
                        queue.execute(done);
                    };
                    if (guarded(RaceGuard.REMOVAL_WAITS_FOR_PENDING)) {
                        s.lockedWhenIdle(gone);
                    } else {
                        gone.run();
                    }
                } finally {
                    lock.unlock();
                }
                t.resume(); // held requests now fail with EIO
            });
        }));
    }

    /** The table is done with: REMOVED. Holds the lock. */
    private void lockedRetire(SnapshotTarget t) {
        t.lockedMoveTo(SnapshotTarget.Lifecycle.REMOVED, null);
        targets.remove(t);
    }

    // ---------------------------------------------------------------------------------------
    // Fill and growth (dmeventd's watch and lvm's autoextend, issue 12)

    /** Who hears how full this origin's snapshots get ({@link FillListener}); null: nobody, and no autoextend. */
    public void fillListener(FillListener listener) {
        lock.lock();
        try {
            fillListener = listener;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Autoextend for the snapshot of {@code t} (as lvm.conf's snapshot_autoextend_threshold):
     * once its COW is {@code thresholdPercent} full, the fill listener is asked to grow it
     * ({@link FillListener#growthNeeded}), and until that growth ends a request that finds the
     * COW full waits for it. 0 turns it off. Asked at once when the COW is past the threshold
     * already. The setting belongs to the snapshot: a reload keeps it.
     *
     * @throws SnapshotException when nobody listens (no growth could ever end) or the table holds no snapshot
     */
    public void autoGrow(SnapshotTarget t, int thresholdPercent) {
        if (thresholdPercent < 0 || thresholdPercent > 100) {
            throw new IllegalArgumentException("autoextend threshold " + thresholdPercent);
        }
        lock.lock();
        try {
            if (thresholdPercent > 0 && fillListener == null) {
                throw new SnapshotException("autoextend needs a fill listener on origin " + name);
            }
            lockedSnapshotOf(t).lockedAutoGrow(thresholdPercent);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts growing the COW of {@code t} for the operator, or joins the growth under way: from
     * now until the growth ends, a request that finds the COW full waits instead of invalidating
     * or overflowing the snapshot. The caller grows the device, then ends the growth
     * ({@link CowGrowth#grown()} or {@link CowGrowth#failed}); the store learns the size only then.
     *
     * @throws SnapshotException for a table that holds no snapshot, or a snapshot that is invalid,
     *                           overflowed, merging or being removed (a bigger COW changes nothing
     *                           there, as in the kernel)
     */
    public CowGrowth growCow(SnapshotTarget t) {
        lock.lock();
        try {
            return lockedSnapshotOf(t).lockedGrowth(t.name());
        } finally {
            lock.unlock();
        }
    }

    private Snapshot lockedSnapshotOf(SnapshotTarget t) {
        Snapshot s = t.snapshot;
        if (s == null) {
            throw new SnapshotException("snapshot " + t.name() + " is not active (it is " + describe(t.lockedState()) + ")");
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------
    // Merge

    /**
     * Starts merging the snapshot of {@code t} into the origin (dm's snapshot-merge): the
     * snapshot's state goes to the origin's merge, {@code t} is MERGING (its requests fail with
     * EIO), and from then on the origin shows the snapshot's image while chunks are copied back
     * from the end of the exception list. {@code t} and the origin are suspended for the switch.
     *
     * <p>Callable from any thread. The stage completes on {@code queue}'s thread once the switch is
     * done (after {@code listener.started()}); the merge then goes on, told to {@code listener}. If
     * the switch is refused, at once or after waiting for another switch, the stage fails with a
     * {@link SnapshotException} and nothing changed.
     */
    public CompletionStage<Void> startMerge(SnapshotTarget t, IoQueue queue, MergeListener listener) {
        lock.lock();
        try {
            String refusal = lockedMergeRefusal(t);
            if (refusal != null) {
                return refused(refusal);
            }
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        t.suspend(() -> queue.execute(() -> suspend(() -> queue.execute(() -> {
            Merge m = null;
            String refusal;
            lock.lock();
            try {
                // The suspensions may have waited for other switches: look again.
                refusal = lockedMergeRefusal(t);
                if (refusal == null) {
                    Snapshot s = t.snapshot;
                    t.lockedMoveTo(SnapshotTarget.Lifecycle.MERGING, null);
                    targets.remove(t);
                    s.lockedBecome(Snapshot.Role.MERGING);
                    m = new Merge(this, s, queue, listener);
                    merge = m;
                }
            } finally {
                lock.unlock();
            }
            if (refusal != null) {
                resume();
                t.resume();
                done.completeExceptionally(new SnapshotException(refusal));
                return;
            }
            listener.started();
            resume();
            t.resume();
            m.start();
            done.complete(null);
        }))));
        return done;
    }

    /** Why {@code t} cannot start merging now, or null. Holds the lock. */
    private String lockedMergeRefusal(SnapshotTarget t) {
        SnapshotTarget.Lifecycle state = t.lockedState();
        if (state == SnapshotTarget.Lifecycle.HANDOVER_SOURCE) {
            return "snapshot " + t.name() + " is handing its exceptions over to " + t.lockedPeer().name()
                    + ": finish or cancel that reload first";
        }
        if (state != SnapshotTarget.Lifecycle.ACTIVE) {
            return "snapshot " + t.name() + " is not active (it is " + describe(state) + ")";
        }
        Snapshot s = t.snapshot;
        if (!s.store.supportsMerge()) {
            return "snapshot " + t.name() + " has a transient (N) store: only persistent snapshots can be merged";
        }
        if (!s.valid) {
            return "snapshot " + t.name() + " is invalid and cannot be merged";
        }
        if (merge != null && !merge.finished()) {
            return "origin " + name + " is already merging snapshot " + merge.snapshot.name + ": only one merge per origin at a time";
        }
        return null;
    }

    /**
     * Resumes a merge that was running when the daemon stopped: opens the snapshot's persistent
     * store (blocking I/O on the calling thread) and merges what is left; the origin serves the
     * snapshot's image from then on. Call it before the origin's device takes requests.
     *
     * <p>The stage is complete when this returns: done once the merge is under way, or failed
     * (a {@link SnapshotException} for a COW that cannot be merged, an {@link IOException} when it
     * cannot be read). The merge then goes on, told to {@code listener} on {@code queue}'s thread.
     */
    public CompletionStage<Void> resumeMerge(SnapshotConfig config, IoQueue queue, MergeListener listener) {
        if (!config.type().persistent()) {
            return refused("snapshot " + config.name() + " is transient: only persistent snapshots can be merged");
        }
        if (config.init()) {
            return refused("a merge resumes from the COW's exceptions: it cannot be initialized");
        }
        Snapshot s;
        try {
            s = openSnapshot(config);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!s.valid) {
            s.store.close();
            return refused("snapshot " + config.name() + " is invalid and cannot be merged");
        }
        Merge m;
        lock.lock();
        try {
            if (merge != null && !merge.finished()) {
                s.store.close();
                return refused("origin " + name + " is already merging snapshot " + merge.snapshot.name);
            }
            s.lockedBecome(Snapshot.Role.MERGING);
            lockedAddSnapshot(s);
            m = new Merge(this, s, queue, listener);
            merge = m;
        } finally {
            lock.unlock();
        }
        m.start();
        return CompletableFuture.completedFuture(null);
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

    /**
     * Stops a running merge after its current step (it resumes from there with
     * {@link #resumeMerge}). The stage completes on the merge's queue thread once it has stopped,
     * failed or finished; at once when no merge runs.
     */
    public CompletionStage<Void> stopMerge() {
        Merge m = merge;
        if (m == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        m.stop(() -> done.complete(null));
        return done;
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
