package io.ublksnap.engine;

import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.engine.store.ExceptionStore;

import java.util.ArrayList;
import java.util.List;

/**
 * An exception on its way: the chunk is being copied to the COW (state PENDING), or is copied but
 * snapshot reads that were sent to the origin are still draining (state DRAINING). Whoever must
 * wait for it parks here. Guarded by the origin's lock.
 */
final class PendingException implements Wait, ExceptionStore.CommitCallback {
    /** A snapshot write piece waiting for the exception: written to the COW once it is committed. */
    record SnapshotWrite(BlockRequest request, long cowOffset, long requestOffset, int length) {
    }

    /** Work to resume on a queue when the exception is done with (retried writes, merge steps). */
    record Waiter(IoQueue queue, Runnable task) {
    }

    final Snapshot snapshot;
    final long oldChunk;
    final long newChunk;
    /** Allocation order: exceptions are committed in this order. */
    final long sequence;

    /** The copy has finished (successfully or not) and waits for its turn to commit. */
    boolean copied;
    boolean copyOk;
    /** A completed exception exists too: state DRAINING. */
    boolean completed;
    /** A snapshot write covering the whole chunk that is itself the copy (no origin read). */
    SnapshotWrite fullChunkWrite;
    /**
     * An origin write that waits for this exception and nothing else, with its waiter's task: the
     * copy may take it out of the waiters and carry it at the end of its chain, after the commit
     * ({@link Snapshot#takeChainableWrite}). Null when there is none.
     */
    BlockRequest chainableWrite;
    Runnable chainableTask;
    /**
     * The copy's chain carries an origin write over this chunk, issued by the kernel as soon as the
     * commit is done, without waiting for tracked reads: a snapshot read of the chunk (or a discard
     * passed down to the origin) waits for the exception instead of going to the origin.
     */
    boolean originWriteInChain;

    /**
     * The queue that asked the store to commit this exception; what its commit releases runs there.
     * Set under the origin's lock before the store is asked; {@link #committed} reads it without the
     * lock, after the store's own lock (or the same thread) has ordered it.
     */
    IoQueue commitQueue;

    private List<Waiter> waiters;
    private List<SnapshotWrite> snapshotWrites;

    PendingException(Snapshot snapshot, long oldChunk, long newChunk, long sequence) {
        this.snapshot = snapshot;
        this.oldChunk = oldChunk;
        this.newChunk = newChunk;
        this.sequence = sequence;
    }

    @Override
    public void addWaiter(IoQueue queue, Runnable task) {
        if (waiters == null) {
            waiters = new ArrayList<>(2);
        }
        waiters.add(new Waiter(queue, task));
    }

    /** Removes the waiter that runs {@code task}; false if there is none (the waiters were let go). */
    boolean removeWaiter(Runnable task) {
        if (waiters != null) {
            for (int i = 0; i < waiters.size(); i++) {
                if (waiters.get(i).task() == task) {
                    waiters.remove(i);
                    return true;
                }
            }
        }
        return false;
    }

    void addSnapshotWrite(SnapshotWrite w) {
        if (snapshotWrites == null) {
            snapshotWrites = new ArrayList<>(2);
        }
        snapshotWrites.add(w);
    }

    /** Removes and returns the waiters (never null). */
    List<Waiter> takeWaiters() {
        List<Waiter> w = waiters == null ? List.of() : waiters;
        waiters = null;
        return w;
    }

    List<SnapshotWrite> takeSnapshotWrites() {
        List<SnapshotWrite> w = snapshotWrites == null ? List.of() : snapshotWrites;
        snapshotWrites = null;
        return w;
    }

    /** The store's answer to this exception's commit (the exception is its own callback: nothing to allocate). */
    @Override
    public void committed(boolean success) {
        snapshot.completeException(this, success, commitQueue);
    }

    ChunkState state() {
        return completed ? ChunkState.DRAINING : ChunkState.PENDING;
    }

    @Override
    public String toString() {
        return "pe[" + snapshot.name + " chunk " + oldChunk + "->" + newChunk + " #" + sequence + " " + state() + "]";
    }
}
