package io.ublksnap.engine;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoBuffer;
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
        return pe;
    }

    /** Marks the snapshot unusable (COW full or an I/O error); a persistent COW's header says so too. */
    void lockedInvalidate(int errno, IoQueue queue) {
        if (!valid) {
            return;
        }
        valid = false;
        origin.log(System.Logger.Level.ERROR, "snapshot " + name + " invalidated: "
                + (errno == Errno.ENOMEM ? "unable to allocate exception (COW " + cow.name() + " is full)"
                : "error reading or writing COW " + cow.name()));
        store.drop(queue, null);
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

    private void commit(PendingException pe, IoQueue queue) {
        store.commitException(pe.oldChunk, pe.newChunk, pe.copyOk, queue, ok -> completeException(pe, ok, queue));
    }

    /** The store committed {@code pe} (or failed to): PENDING to DRAINING/COMPLETED, or to NONE. */
    private void completeException(PendingException pe, boolean committed, IoQueue queue) {
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
        for (PendingException.SnapshotWrite w : writes) {
            if (ok) {
                w.request().queue().execute(() -> writePiece(w));
            } else {
                w.request().queue().execute(() -> w.request().partDone(result));
            }
        }
        release(retry);
    }

    static void release(List<PendingException.Waiter> waiters) {
        for (PendingException.Waiter w : waiters) {
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
            Pieces.forEach(r, chunkShift, (chunk, pieceSector, requestOffset, length) -> {
                long remapped = tables.remapped(chunk);
                boolean toCow = remapped >= 0;
                long deviceOffset = toCow ? Pieces.cowOffset(remapped, chunk, pieceSector, chunkShift) : pieceSector << 9;
                if (!toCow && trackReads) {
                    tables.track(chunk);
                }
                Pieces.add(runs, toCow, deviceOffset, requestOffset, length, chunk);
            });
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
                        if (overflowSupported) {
                            if (!overflow) {
                                overflow = true;
                                origin.log(System.Logger.Level.ERROR, "snapshot " + name + " overflowed: unable to allocate exception (COW "
                                        + cow.name() + " is full); it stays readable, writes to it fail");
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
                // Pieces already prepared still get their copies (the store counts them) but no data.
                for (PendingException pe : fullWrites) {
                    pe.fullChunkWrite = null;
                    toCopy.add(pe);
                }
                fullWrites.clear();
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
            q.execute(() -> r.finish(-Errno.EIO));
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
            if (remapped < 0 && origin.guarded(RaceGuard.TRACK_SNAPSHOT_READS)) {
                tables.track(chunk);
                tracked = true;
            }
        } finally {
            origin.lock.unlock();
        }
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

    // ---------------------------------------------------------------------------------------

    StoreUsage usage() {
        return store.usage();
    }

    @Override
    public String toString() {
        return "snapshot " + name + " on " + cow.name();
    }
}
