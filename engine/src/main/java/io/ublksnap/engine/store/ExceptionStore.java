package io.ublksnap.engine.store;

import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;

/**
 * Where a snapshot keeps its exceptions (origin chunk to COW chunk): the contract between the
 * snapshot logic and the stores, as dm-exception-store.h is in the kernel. The snapshot logic
 * never sees the disk format.
 *
 * <p>Threading: every method may be called from any thread; implementations serialize internally.
 * Callbacks run on the thread of the {@link IoQueue} passed in (or of whichever queue completed the
 * I/O that a batch waited for), never while the store holds its own lock, so they may call back
 * into the store. Stores are opened by their factories ({@link PersistentStore#open},
 * {@link TransientStore#create}), which hand every committed exception to an {@link ExceptionSink}.
 */
public interface ExceptionStore extends AutoCloseable {

    /** Chunk returned by {@link #prepareException} when the COW has no room left. */
    long NO_SPACE = -1;

    StoreType type();

    /** Chunk size in sectors (for a persistent COW, the one in its header). */
    int chunkSectors();

    /** Whether the store is usable: false once invalidated (COW full, I/O error) or loaded invalid. */
    boolean valid();

    /**
     * Allocates the COW chunk for a new exception, or returns {@link #NO_SPACE}. The exception
     * stays pending until {@link #commitException}; nothing may be read from the COW chunk before that.
     */
    long prepareException();

    /**
     * Makes a prepared exception durable. Called exactly once per prepared exception, in the order
     * they were prepared, and only once the chunk's data is written to the COW. {@code copyOk}
     * false means that copy failed and the store must become invalid. Commits are batched: the
     * callback may run only when later exceptions have been committed too.
     */
    void commitException(long oldChunk, long newChunk, boolean copyOk, IoQueue queue, CommitCallback callback);

    /**
     * Whether {@link #commitInChain} would take a commit now: the caller then makes its copy's write
     * durable on its own ({@link io.ublksnap.engine.io.IoQueue#FUA}). A hint: the answer may change
     * before the commit is offered.
     */
    default boolean mayCommitInChain() {
        return false;
    }

    /**
     * Commits a prepared exception in the same chain as its copy, when the store can now: the chain
     * then writes the metadata after the copy (durable when done), and the exception counts as
     * committed here, as with {@link #commitException}. The chain's copy must have written the data
     * with {@link io.ublksnap.engine.io.IoQueue#FUA}: the metadata write that names it follows it with
     * no flush in between. The store can when this is the only exception prepared and nothing else
     * waits or is being written; otherwise it returns null and the caller commits after the copy as
     * usual. The caller tells the returned commit the chain's result; {@code callback} then runs, as
     * it would for {@link #commitException}.
     */
    default ChainedCommit commitInChain(long oldChunk, long newChunk, IoChain chain, CommitCallback callback) {
        return null;
    }

    /** A commit that rides in its copy's chain ({@link #commitInChain}). */
    interface ChainedCommit {
        /** The chain is over: {@code result} is its first error, or what its last operation did. */
        void chainDone(int result, IoQueue queue);
    }

    /** Whether {@link #prepareMerge}/{@link #commitMerge} are available (persistent stores). */
    boolean supportsMerge();

    /**
     * Finds the next run to merge: the last committed exception and the number of exceptions before
     * it whose old and new chunks both step down by one (within one metadata area). Reports 0 when
     * no exception is left, a negative errno on a read error.
     */
    void prepareMerge(IoQueue queue, MergeRunCallback callback);

    /**
     * Appends to {@code chain} the write that durably forgets the last {@code count} exceptions
     * reported by {@link #prepareMerge}; the chain's caller puts the run's copy to the origin (FUA)
     * before it, and calls the returned commit with the chain's result, which runs {@code callback}
     * (0, or -errno: then nothing is forgotten, in memory or, as far as the store wrote, on disk).
     */
    ChainedCommit commitMerge(int count, IoChain chain, IoCallback callback);

    /** {@link #commitMerge(int, IoChain, IoCallback)} in a chain of its own. */
    default void commitMerge(int count, IoQueue queue, IoCallback callback) {
        IoChain chain = queue.chain();
        ChainedCommit commit = commitMerge(count, chain, callback);
        chain.submit(r -> commit.chainDone(r, queue));
    }

    /**
     * Invalidates the store: a persistent COW's header gets valid = 0 (FUA). Idempotent.
     * {@code done} (may be null) runs once the header is written, with its result.
     */
    void drop(IoQueue queue, IoCallback done);

    /**
     * COW space as dm-snapshot reports it. The total is the COW's size as this store knows it: the
     * size it was opened with, or the one it learned last from {@link #grow}.
     */
    StoreUsage usage();

    /**
     * Learns that the COW has grown: from now on the store hands out chunks up to the COW's size
     * now ({@link io.ublksnap.engine.io.BackingDevice#sizeBytes()}), keeping the on-disk format
     * valid for the kernel (a metadata area is never the COW's last chunk after a full area).
     * Returns the size in sectors it uses. The caller grows the device first and tells the store
     * after; an allocation that ran before sees the old size.
     *
     * @throws io.ublksnap.engine.SnapshotException when the COW is smaller than the store knows it
     *                                              (nothing changes)
     */
    long grow();

    /** Releases buffers; the backing device stays open (it belongs to the caller). */
    @Override
    void close();

    /** Receives each committed exception when a store is opened, in on-disk order. */
    @FunctionalInterface
    interface ExceptionSink {
        /** Returns false if {@code oldChunk} was seen already (a corrupt store). */
        boolean add(long oldChunk, long newChunk);
    }

    @FunctionalInterface
    interface CommitCallback {
        void committed(boolean success);
    }

    @FunctionalInterface
    interface MergeRunCallback {
        /** {@code count} > 0: merge the run ending at (lastOld, lastNew); 0: done; < 0: -errno. */
        void run(int count, long lastOldChunk, long lastNewChunk);
    }
}
