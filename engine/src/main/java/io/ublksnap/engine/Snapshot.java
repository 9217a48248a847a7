package io.ublksnap.engine;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.engine.store.ExceptionStore;
import io.ublksnap.engine.store.StoreUsage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one snapshot: its COW, exception store and tables, and what happens to its chunks.
 * This is what lives on when a table is reloaded: a handover moves a {@code Snapshot} from one
 * {@link SnapshotTarget} to another (or to the origin's merge), pending exceptions included.
 *
 * <p>All fields are guarded by the origin's lock. Methods whose names start with {@code locked}
 * must be called with the lock held; the others take it themselves.
 */
final class Snapshot {
    final String name;
    /** Stable order among the origin's snapshots (for deterministic I/O order). */
    final long id;
    final Origin origin;
    final BackingDevice cow;
    final ExceptionStore store;
    final int chunkSectors;
    final int chunkShift;
    final long chunkBytes;
    /** The snapshot device's size: the origin's size when the snapshot was taken. */
    final long sizeSectors;
    final ExceptionTables tables;

    boolean valid = true;
    boolean overflow;
    /** From the current table: PO fails writes when the COW is full, P and N invalidate. */
    boolean overflowSupported;
    private Role role = Role.LOADED;

    private long nextSequence;
    private final ArrayDeque<PendingException> commitOrder = new ArrayDeque<>();
    private Runnable whenIdle;

    // Fill and growth (issue 12): dmeventd's watch and lvm's autoextend, in the engine's terms.
    /** The growth of the COW under way, or null. */
    private CowGrowth growth;
    /** Requests waiting for room while the COW grows. */
    final RoomWait roomWait = new RoomWait();
    /** Ask for a growth once the COW is this full (percent), 0 never ({@link Origin#autoGrow}). */
    private int autoGrowAt;
    /** An automatic growth failed at this fill: the next one is asked for only once the COW is fuller. */
    private int autoGrowFailedAt = -1;
    /** The fill last told to the listener (whole percent), -1 before the first. */
    private int lastPercent = -1;

    /** Requests waiting for the COW to grow: they are retried once it has (or could not). */
    static final class RoomWait implements Wait {
        private List<PendingException.Waiter> waiters = new ArrayList<>();

        @Override
        public void addWaiter(IoQueue queue, Runnable task) {
            waiters.add(new PendingException.Waiter(queue, task));
        }

        List<PendingException.Waiter> take() {
            List<PendingException.Waiter> w = waiters;
            waiters = new ArrayList<>();
            return w;
        }

        int size() {
            return waiters.size();
        }
    }

    Snapshot(String name, long id, Origin origin, BackingDevice cow, ExceptionStore store, long sizeSectors, ExceptionTables tables) {
        this.name = name;
        this.id = id;
        this.origin = origin;
        this.cow = cow;
        this.store = store;
        this.chunkSectors = store.chunkSectors();
        this.chunkShift = Integer.numberOfTrailingZeros(chunkSectors);
        this.chunkBytes = (long) chunkSectors << 9;
        this.sizeSectors = sizeSectors;
        this.tables = tables;
        this.overflowSupported = store.type().overflowSupported();
        this.valid = store.valid();
    }

    /** What the snapshot's state is used for; it changes only through {@link #lockedBecome}. */
    enum Role {
        /** Loaded, not activated yet: origin writes pass it by. */
        LOADED,
        /** Origin writes keep its image: they make exceptions here. */
        REGISTERED,
        /** Being removed: no new exception; its removal waits for the ones in flight. */
        REMOVING,
        /** Being merged into the origin: never gets a new exception. */
        MERGING;

        boolean canBecome(Role next) {
            return switch (this) {
                case LOADED -> next == REGISTERED || next == REMOVING || next == MERGING;
                case REGISTERED -> next == REMOVING || next == MERGING;
                case REMOVING, MERGING -> false;
            };
        }
    }

    void lockedBecome(Role next) {
        if (!role.canBecome(next)) {
            throw new IllegalStateException(this + " cannot go from " + role + " to " + next);
        }
        role = next;
    }

    Role lockedRole() {
        return role;
    }

    /** Whether an origin write must keep this snapshot's image: make exceptions here. */
    boolean lockedTakesOriginExceptions() {
        return role == Role.REGISTERED && valid;
    }

    long chunkOf(long sector) {
        return sector >>> chunkShift;
    }

    /** Prepares a new exception for {@code chunk}: NONE to PENDING. Null when the COW is full. */
    PendingException lockedNewException(long chunk) {
        long newChunk = store.prepareException();
        if (newChunk == ExceptionStore.NO_SPACE) {
            return null;
        }
        PendingException pe = new PendingException(this, chunk, newChunk, nextSequence++);
        tables.beginPending(pe);
        commitOrder.add(pe);
        lockedFilled();
        return pe;
    }

    /**
     * An allocation found the COW full: what to wait for before trying again, or null when the
     * snapshot must now overflow or be invalidated. A growth under way is waited for, and so is one
     * the autoextend threshold may still ask for (it was not asked yet, or it failed at a lower fill).
     */
    Wait lockedRoomWait() {
        if (growth == null) {
            lockedMaybeGrow(true);
        }
        return growth != null ? roomWait : null;
    }

    /** Tells the listener a new fill, and asks for a growth at the autoextend threshold. */
    private void lockedFilled() {
        FillListener l = origin.fillListener;
        if (l == null) {
            return;
        }
        StoreUsage u = store.usage();
        int percent = percent(u);
        if (percent != lastPercent) {
            lastPercent = percent;
            l.usage(name, percent, u);
        }
        lockedMaybeGrow(false);
    }

    private static int percent(StoreUsage u) {
        return u.totalSectors() <= 0 ? 100 : (int) Math.min(100, u.allocatedSectors() * 100 / u.totalSectors());
    }

    /**
     * Asks for a growth when autoextend is on, none is under way, and the COW is at the threshold
     * (or {@code full}), but not again at a fill where the last automatic growth failed.
     */
    private void lockedMaybeGrow(boolean full) {
        FillListener l = origin.fillListener;
        if (l == null || autoGrowAt <= 0 || growth != null || !valid || overflow || role == Role.MERGING || role == Role.REMOVING) {
            return;
        }
        int percent = percent(store.usage());
        if ((percent >= autoGrowAt || full) && percent > autoGrowFailedAt) {
            growth = new CowGrowth(this, true);
            l.growthNeeded(growth);
        }
    }

    /** Sets the autoextend threshold (0: off) and asks for a growth at once if the COW is past it. */
    void lockedAutoGrow(int thresholdPercent) {
        autoGrowAt = thresholdPercent;
        autoGrowFailedAt = -1;
        lockedMaybeGrow(false);
    }

    /**
     * The operator's growth: the one under way if there is one (its end serves both), else a new
     * one. Refused for a snapshot that cannot take exceptions any more, as dm-snapshot keeps an
     * invalid or overflowed snapshot so whatever its COW's size.
     */
    CowGrowth lockedGrowth(String name) {
        if (!valid) {
            throw new SnapshotException("snapshot " + name + " is invalid: a bigger COW does not make it valid again"
                    + " (nor does dm-snapshot); remove it");
        }
        if (overflow) {
            throw new SnapshotException("snapshot " + name + " has overflowed: a bigger COW does not take its writes back"
                    + " (nor does dm-snapshot's); copy what you need from it and remove it");
        }
        if (role == Role.MERGING || role == Role.REMOVING) {
            throw new SnapshotException("snapshot " + name + " is " + (role == Role.MERGING ? "merging" : "being removed")
                    + ": its COW takes no new exceptions");
        }
        if (growth == null) {
            growth = new CowGrowth(this, false);
        }
        return growth;
    }

    /** Ends {@code g}: grown ({@code failure} null: the store learns the size now) or failed. */
    StoreUsage endGrowth(CowGrowth g, String failure) {
        List<PendingException.Waiter> go;
        StoreUsage after;
        SnapshotException shrunk = null;
        origin.lock.lock();
        try {
            if (!g.lockedEnd()) {
                return store.usage();
            }
            if (growth == g) {
                growth = null;
            }
            if (failure == null) {
                long before = store.usage().totalSectors();
                try {
                    if (store.grow() <= before && g.automatic()) {
                        // No room gained: asking again at once would only go round in circles.
                        failure = "the COW " + cow.name() + " is no bigger than before (" + before + " sectors)";
                    }
                } catch (SnapshotException e) {
                    shrunk = e;
                    failure = e.getMessage();
                }
            }
            if (failure == null) {
                autoGrowFailedAt = -1;
            } else {
                origin.log(System.Logger.Level.ERROR, "growing the COW of snapshot " + name + " failed: " + failure);
                if (g.automatic()) {
                    autoGrowFailedAt = percent(store.usage());
                }
            }
            go = roomWait.take();
            lockedFilled(); // tells the new fill; may ask for the next growth at once
            after = store.usage();
        } finally {
            origin.lock.unlock();
        }
        release(go);
        if (shrunk != null) {
            throw shrunk;
        }
        return after;
    }

    /** Marks the snapshot unusable (COW full or an I/O error); a persistent COW's header says so too. */
    void lockedInvalidate(int errno, IoQueue queue) {
        if (!valid) {
            return;
        }
        valid = false;
        String reason = errno == Errno.ENOMEM ? "unable to allocate exception (COW " + cow.name() + " is full)"
                : "error reading or writing COW " + cow.name();
        origin.log(System.Logger.Level.ERROR, "snapshot " + name + " invalidated: " + reason);
        store.drop(queue, null);
        FillListener l = origin.fillListener;
        if (l != null) {
            l.exhausted(name, SnapshotStatus.State.INVALID, reason);
        }
    }

    /**
     * The copy for {@code pe} finished (its data is on the COW, or failed). Exceptions are
     * committed in allocation order, so a crash leaves no hole in the COW.
     */
    void copyDone(PendingException pe, boolean ok, IoQueue queue) {
        origin.lock.lock();
        try {
            pe.copied = true;
            pe.copyOk = ok;
            if (origin.guarded(RaceGuard.COMMIT_IN_ALLOCATION_ORDER)) {
                while (!commitOrder.isEmpty() && commitOrder.peek().copied) {
                    commit(commitOrder.poll(), queue);
                }
            } else {
                commitOrder.remove(pe);
                commit(pe, queue);
            }
        } finally {
            origin.lock.unlock();
        }
    }

    /**
     * Commits {@code pe} in its copy's chain, so that copy and commit cost one round trip: when it
     * is the only exception of this snapshot waiting for its commit and the store can take it so
     * ({@link ExceptionStore#commitInChain}). Returns what to tell the chain's result, or null: the
     * copy's end then goes to {@link #copyDone}, as for any copy.
     */
    ExceptionStore.ChainedCommit commitInChain(PendingException pe, IoChain chain, IoQueue queue) {
        origin.lock.lock();
        try {
            if (!mayCommitInChain(pe)) {
                return null;
            }
            pe.commitQueue = queue;
            ExceptionStore.ChainedCommit c = store.commitInChain(pe.oldChunk, pe.newChunk, chain, pe);
            if (c != null) {
                commitOrder.poll(); // committed by the chain, after its copy
            }
            return c;
        } finally {
            origin.lock.unlock();
        }
    }

    /**
     * The origin write that waits for {@code pe} alone ({@link PendingException#chainableWrite}),
     * taken out of its waiters to ride at the end of the copy's chain, right after the commit that
     * {@link #commitInChain} put there; null when there is none or it cannot: the request is not
     * on {@code queue}, or snapshot reads sent to the origin are still in flight over the chunk
     * (the write would overtake them). From now on such reads wait for the exception instead.
     */
    BlockRequest takeChainableWrite(PendingException pe, IoQueue queue) {
        origin.lock.lock();
        try {
            BlockRequest r = pe.chainableWrite;
            Runnable task = pe.chainableTask;
            pe.chainableWrite = null;
            pe.chainableTask = null;
            if (r == null || r.queue() != queue || tables.isTracked(pe.oldChunk) || !pe.removeWaiter(task)) {
                return null;
            }
            pe.originWriteInChain = true;
            return r;
        } finally {
            origin.lock.unlock();
        }
    }

    /** Undoes {@link #takeChainableWrite}: the chain could not take {@code r}, which waits for {@code pe} again. */
    void returnChainableWrite(PendingException pe, BlockRequest r) {
        origin.lock.lock();
        try {
            pe.originWriteInChain = false;
            pe.addWaiter(r.queue(), r.retry);
        } finally {
            origin.lock.unlock();
        }
    }

    /**
     * A pending exception over chunks [first, last] whose copy carries an origin write
     * ({@link PendingException#originWriteInChain}): what a read of the origin there must wait
     * for. Null when there is none.
     */
    private PendingException lockedChainedOriginWrite(long first, long last) {
        if (tables.pendingCount() == 0) {
            return null;
        }
        for (long c = first; c <= last; c++) {
            PendingException pe = tables.pending(c);
            if (pe != null && pe.originWriteInChain) {
                return pe;
            }
        }
        return null;
    }

    /**
     * Whether {@link #commitInChain} would take {@code pe} now (a hint for the copy: its write is then
     * made durable on its own, as a commit in the chain needs).
     */
    boolean mayCommitInChain(PendingException pe) {
        origin.lock.lock();
        try {
            return commitOrder.size() == 1 && commitOrder.peek() == pe && store.mayCommitInChain();
        } finally {
            origin.lock.unlock();
        }
    }

    private void commit(PendingException pe, IoQueue queue) {
        pe.commitQueue = queue;
        store.commitException(pe.oldChunk, pe.newChunk, pe.copyOk, queue, pe);
    }

    /** The store committed {@code pe} (or failed to): PENDING to DRAINING/COMPLETED, or to NONE. */
    void completeException(PendingException pe, boolean committed, IoQueue queue) {
        List<PendingException.Waiter> retry;
        List<PendingException.SnapshotWrite> writes;
        PendingException.SnapshotWrite full;
        boolean ok;
        origin.lock.lock();
        try {
            if (!committed) {
                lockedInvalidate(Errno.EIO, queue);
            }
            ok = committed && valid;
            writes = pe.takeSnapshotWrites();
            full = pe.fullChunkWrite;
            pe.fullChunkWrite = null;
            if (ok) {
                boolean gone = tables.completePending(pe, origin.guarded(RaceGuard.WAIT_FOR_READS_TO_DRAIN));
                retry = gone ? pe.takeWaiters() : List.of();
            } else {
                tables.abortPending(pe);
                retry = pe.takeWaiters();
            }
            lockedCheckIdle();
        } finally {
            origin.lock.unlock();
        }
        int result = ok ? 0 : -Errno.EIO;
        if (full != null) {
            BlockRequest r = full.request();
            r.queue().execute(() -> r.partDone(result));
        }
        for (int i = 0; i < writes.size(); i++) { // indexed, as below: no iterator per copy
            PendingException.SnapshotWrite w = writes.get(i);
            if (ok) {
                w.request().queue().execute(() -> writePiece(w));
            } else {
                w.request().queue().execute(() -> w.request().partDone(result));
            }
        }
        release(retry);
    }

    static void release(List<PendingException.Waiter> waiters) {
        for (int i = 0; i < waiters.size(); i++) {
            PendingException.Waiter w = waiters.get(i);
            w.queue().execute(w.task());
        }
    }

    private void writePiece(PendingException.SnapshotWrite w) {
        BlockRequest r = w.request();
        r.queue().write(cow, w.cowOffset(), r.data(w.requestOffset(), w.length()), r.fua() ? IoQueue.FUA : 0, r::partDone);
    }

    /** Tracked I/O on {@code chunk} finished: a DRAINING exception may become COMPLETED. */
    void untrack(long chunk) {
        List<PendingException.Waiter> retry = List.of();
        Runnable mergeGo = null;
        origin.lock.lock();
        try {
            PendingException pe = tables.untrack(chunk);
            if (pe != null) {
                retry = pe.takeWaiters();
            }
            Merge m = origin.merge;
            if (role == Role.MERGING && m != null && m.snapshot == this) {
                mergeGo = m.lockedUntracked();
            }
            lockedCheckIdle();
        } finally {
            origin.lock.unlock();
        }
        release(retry);
        if (mergeGo != null) {
            mergeGo.run();
        }
    }

    /** Runs {@code whenIdle} once no exception is pending and no tracked I/O is in flight. */
    void lockedWhenIdle(Runnable whenIdle) {
        this.whenIdle = whenIdle;
        lockedCheckIdle();
    }

    private void lockedCheckIdle() {
        if (whenIdle != null && tables.pendingCount() == 0 && !tables.anyTracked()) {
            Runnable r = whenIdle;
            whenIdle = null;
            r.run();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Snapshot device I/O (the snapshot target's map function)

    void read(BlockRequest r) {
        IoQueue q = r.queue();
        long first = r.sector() >>> chunkShift;
        if (first == (r.endSector() - 1) >>> chunkShift) {
            readOneChunk(r, first, q);
            return;
        }
        List<Pieces.Run> runs = new ArrayList<>(2);
        boolean trackReads = origin.guarded(RaceGuard.TRACK_SNAPSHOT_READS);
        origin.lock.lock();
        try {
            if (!valid) {
                q.execute(() -> r.finish(-Errno.EIO));
                return;
            }
            PendingException chained = lockedChainedOriginWrite(first, (r.endSector() - 1) >>> chunkShift);
            if (chained != null) {
                chained.addWaiter(q, () -> read(r));
                return;
            }
            Pieces.forEach(r, chunkShift, (chunk, pieceSector, requestOffset, length) -> {
                long remapped = tables.remapped(chunk);
                boolean toCow = remapped >= 0;
                long deviceOffset = toCow ? Pieces.cowOffset(remapped, chunk, pieceSector, chunkShift) : pieceSector << 9;
                if (!toCow && trackReads) {
                    tables.track(chunk);
                }
                Pieces.add(runs, toCow, deviceOffset, requestOffset, length, chunk);
            });
            RequestKind kind = RequestKind.SNAPSHOT_READ_ORIGIN;
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).toCow()) {
                    kind = RequestKind.SNAPSHOT_READ_COW;
                }
            }
            r.classify(kind);
            r.expectParts(runs.size());
        } finally {
            origin.lock.unlock();
        }
        for (Pieces.Run run : runs) {
            IoBuffer data = r.data(run.requestOffset(), run.length());
            if (run.toCow()) {
                q.read(cow, run.deviceOffset(), data, r::partDone);
            } else {
                boolean tracked = trackReads;
                q.read(origin.device, run.deviceOffset(), data, res -> {
                    if (tracked) {
                        for (long c = run.firstChunk(); c <= run.lastChunk(); c++) {
                            untrack(c);
                        }
                    }
                    r.partDone(res);
                });
            }
        }
    }

    void write(BlockRequest r) {
        IoQueue q = r.queue();
        List<Pieces.Run> direct = new ArrayList<>(1);
        List<PendingException> toCopy = new ArrayList<>(1);
        List<PendingException> fullWrites = new ArrayList<>(1);
        List<PendingException.SnapshotWrite> parked = new ArrayList<>(1);
        List<PendingException> parkedOn = new ArrayList<>(1);
        boolean failed = false;
        Wait room = null;
        boolean lookUpCompleted = origin.guarded(RaceGuard.LOOK_UP_COMPLETED_BEFORE_ALLOCATING);
        origin.lock.lock();
        try {
            if (!valid || overflow) {
                q.execute(() -> r.finish(-Errno.EIO));
                return;
            }
            long sector = r.sector();
            long end = r.endSector();
            while (sector < end) {
                long chunk = sector >>> chunkShift;
                long chunkStart = chunk << chunkShift;
                long pieceEnd = Math.min(end, chunkStart + chunkSectors);
                long requestOffset = (sector - r.sector()) << 9;
                int length = (int) ((pieceEnd - sector) << 9);
                long inChunk = (sector - chunkStart) << 9;
                // Without this look-up (the guard off), a second exception is made for a chunk that
                // has one, and shadows it once committed: the kernel's bug of seed 002.
                long remapped = lookUpCompleted ? tables.remapped(chunk) : -1;
                if (remapped >= 0) {
                    Pieces.add(direct, true, remapped * chunkBytes + inChunk, requestOffset, length, chunk);
                } else {
                    PendingException pe = tables.pending(chunk);
                    boolean fresh = false;
                    if (pe == null) {
                        pe = lockedNewException(chunk);
                        fresh = pe != null;
                    }
                    if (pe == null) {
                        failed = true;
                        room = lockedRoomWait();
                        if (room != null) {
                            break; // the COW is growing: the whole request waits and starts over
                        }
                        if (overflowSupported) {
                            if (!overflow) {
                                overflow = true;
                                String reason = "unable to allocate exception (COW " + cow.name() + " is full)";
                                origin.log(System.Logger.Level.ERROR, "snapshot " + name + " overflowed: " + reason + "; it stays readable, writes to it fail");
                                FillListener l = origin.fillListener;
                                if (l != null) {
                                    l.exhausted(name, SnapshotStatus.State.OVERFLOW, reason);
                                }
                            }
                        } else {
                            lockedInvalidate(Errno.ENOMEM, q);
                        }
                        break;
                    }
                    PendingException.SnapshotWrite w = new PendingException.SnapshotWrite(r, pe.newChunk * chunkBytes + inChunk, requestOffset, length);
                    long chunkEnd = Math.min(chunkStart + chunkSectors, origin.sizeSectors());
                    if (fresh && sector == chunkStart && pieceEnd >= chunkEnd) {
                        pe.fullChunkWrite = w; // this write is the copy: no need to read the origin
                        fullWrites.add(pe);
                    } else {
                        parked.add(w);
                        parkedOn.add(pe);
                        if (fresh) {
                            toCopy.add(pe);
                        }
                    }
                }
                sector = pieceEnd;
            }
            if (failed) {
                // Pieces already prepared still get their copies (the store counts them) but no data:
                // a request that waits for room finds them there when it starts over.
                for (PendingException pe : fullWrites) {
                    pe.fullChunkWrite = null;
                    toCopy.add(pe);
                }
                fullWrites.clear();
                if (room != null) {
                    room.addWaiter(q, r.retry);
                }
            } else {
                r.expectParts(direct.size() + fullWrites.size() + parked.size());
                for (int i = 0; i < parked.size(); i++) {
                    parkedOn.get(i).addSnapshotWrite(parked.get(i));
                }
            }
        } finally {
            origin.lock.unlock();
        }
        if (!toCopy.isEmpty()) {
            CopyJob.start(origin, toCopy, q);
        }
        if (failed) {
            if (room == null) {
                q.execute(() -> r.finish(-Errno.EIO));
            }
            return;
        }
        int flags = r.fua() ? IoQueue.FUA : 0;
        for (Pieces.Run run : direct) {
            q.write(cow, run.deviceOffset(), r.data(run.requestOffset(), run.length()), flags, r::partDone);
        }
        for (PendingException pe : fullWrites) {
            PendingException.SnapshotWrite w = pe.fullChunkWrite;
            q.write(cow, w.cowOffset(), r.data(w.requestOffset(), w.length()), 0, res -> copyDone(pe, res >= 0, q));
        }
    }

    /** The common case: a read inside one chunk is one backing read, to the COW or (tracked) to the origin. */
    private void readOneChunk(BlockRequest r, long chunk, IoQueue q) {
        long remapped;
        boolean tracked = false;
        origin.lock.lock();
        try {
            if (!valid) {
                q.execute(() -> r.finish(-Errno.EIO));
                return;
            }
            remapped = tables.remapped(chunk);
            PendingException chained = remapped < 0 ? lockedChainedOriginWrite(chunk, chunk) : null;
            if (chained != null) {
                chained.addWaiter(q, () -> readOneChunk(r, chunk, q));
                return;
            }
            if (remapped < 0 && origin.guarded(RaceGuard.TRACK_SNAPSHOT_READS)) {
                tables.track(chunk);
                tracked = true;
            }
        } finally {
            origin.lock.unlock();
        }
        r.classify(remapped >= 0 ? RequestKind.SNAPSHOT_READ_COW : RequestKind.SNAPSHOT_READ_ORIGIN);
        if (remapped >= 0) {
            q.read(cow, Pieces.cowOffset(remapped, chunk, r.sector(), chunkShift), r.buffer(), r);
        } else if (tracked) {
            q.read(origin.device, r.sector() << 9, r.buffer(), res -> {
                untrack(chunk);
                r.done(res);
            });
        } else {
            q.read(origin.device, r.sector() << 9, r.buffer(), r);
        }
    }

    void flush(BlockRequest r) {
        r.queue().flush(cow, r);
    }

    /**
     * A discard to the snapshot device with discard_zeroes_cow, as dm-snapshot maps one (split at
     * chunk boundaries, each piece on its own): a piece that covers a whole chunk with a completed
     * exception zeroes that COW chunk (the exception stays: the snapshot reads zeros there and its
     * COW usage does not change); a smaller piece of such a chunk is discarded on the COW; a chunk
     * without a completed exception (none, or one still being copied) is left as it is, since
     * discarding it would first copy it out. With {@code passdown} (discard_passdown_origin) the
     * whole range is also discarded on the origin's device, bypassing the origin: nothing is copied
     * out to any snapshot. Those chunks are tracked meanwhile, as a snapshot read of the origin is,
     * so that an exception being made for them waits for the discard. A snapshot that overflowed
     * takes no discard (it is a write), an invalid one takes nothing.
     */
    void discard(BlockRequest r, boolean passdown) {
        IoQueue q = r.queue();
        List<long[]> zero = new ArrayList<>(1);    // COW byte offsets of chunks to zero
        List<long[]> release = new ArrayList<>(1); // {COW byte offset, length} to discard on the COW
        long first = r.sector() >>> chunkShift;
        long last = (r.endSector() - 1) >>> chunkShift;
        IoBuffer zeros;
        origin.lock.lock();
        try {
            if (!valid || overflow) {
                q.execute(() -> r.finish(-Errno.EIO));
                return;
            }
            PendingException chained = passdown ? lockedChainedOriginWrite(first, last) : null;
            if (chained != null) {
                chained.addWaiter(q, () -> discard(r, true));
                return;
            }
            Pieces.forEach(r, chunkShift, (chunk, sector, requestOffset, length) -> {
                long remapped = tables.remapped(chunk);
                if (remapped < 0) {
                    return;
                }
                if (length == chunkBytes) {
                    zero.add(new long[]{remapped * chunkBytes});
                } else {
                    release.add(new long[]{Pieces.cowOffset(remapped, chunk, sector, chunkShift), length});
                }
            });
            if (passdown) {
                for (long c = first; c <= last; c++) {
                    tables.track(c);
                }
            }
            int parts = zero.size() + release.size() + (passdown ? 1 : 0);
            if (parts == 0) {
                q.execute(() -> r.finish(0));
                return;
            }
            r.expectParts(parts);
            zeros = zero.isEmpty() ? null : lockedZeroChunk();
        } finally {
            origin.lock.unlock();
        }
        for (long[] z : zero) {
            q.write(cow, z[0], zeros, 0, r::partDone);
        }
        for (long[] d : release) {
            q.discard(cow, d[0], d[1], r::partDone);
        }
        if (passdown) {
            long end = Math.min(r.endSector(), origin.sizeSectors());
            long start = Math.min(r.sector(), end);
            if (start == end) { // nothing of the origin's device left there
                q.execute(() -> {
                    untrackRange(first, last);
                    r.partDone(0);
                });
                return;
            }
            q.discard(origin.device, start << 9, (end - start) << 9, res -> {
                untrackRange(first, last);
                r.partDone(res);
            });
        }
    }

    private void untrackRange(long first, long last) {
        for (long c = first; c <= last; c++) {
            untrack(c);
        }
    }

    private IoBuffer zeroChunk;

    /** A chunk of zeros (only ever written from, never into). Holds the lock. */
    private IoBuffer lockedZeroChunk() {
        if (zeroChunk == null) {
            IoBuffer b = origin.allocator.allocate((int) chunkBytes);
            java.nio.ByteBuffer bb = b.byteBuffer();
            while (bb.remaining() >= 8) {
                bb.putLong(0);
            }
            zeroChunk = b;
        }
        return zeroChunk;
    }

    // ---------------------------------------------------------------------------------------

    StoreUsage usage() {
        return store.usage();
    }

    @Override
    public String toString() {
        return "snapshot " + name + " on " + cow.name();
    }
}
