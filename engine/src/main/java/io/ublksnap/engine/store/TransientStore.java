package io.ublksnap.engine.store;

import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;

/**
 * The transient exception store ({@code N}): exceptions live only in memory, the COW device holds
 * data chunks from chunk 0 on, and nothing survives a restart. Commits need no I/O.
 */
public final class TransientStore implements ExceptionStore {
    private final BackingDevice cow;
    private final int chunkSectors;
    private long nextFreeSector; // guarded by this
    private long cowSectors;     // guarded by this: the COW's size as this store knows it
    private boolean valid = true;

    private TransientStore(BackingDevice cow, int chunkSectors) {
        this.cow = cow;
        this.chunkSectors = chunkSectors;
        this.cowSectors = cow.sizeSectors();
    }

    /** A new transient store on {@code cow}; {@code chunkSectors} 0 means the default. */
    public static TransientStore create(BackingDevice cow, int chunkSectors) {
        int chunk = chunkSectors != 0 ? ChunkSize.validate(chunkSectors, cow.logicalBlockSize())
                : ChunkSize.defaultFor(cow.logicalBlockSize());
        if (cow.sizeSectors() < chunk) {
            throw new SnapshotException("COW " + cow.name() + " is too small: " + cow.sizeBytes()
                    + " bytes is less than one " + chunk + "-sector chunk");
        }
        return new TransientStore(cow, chunk);
    }

    @Override
    public StoreType type() {
        return StoreType.TRANSIENT;
    }

    @Override
    public int chunkSectors() {
        return chunkSectors;
    }

    @Override
    public synchronized boolean valid() {
        return valid;
    }

    @Override
    public synchronized long prepareException() {
        if (cowSectors < nextFreeSector + chunkSectors) {
            return NO_SPACE;
        }
        long chunk = nextFreeSector / chunkSectors;
        nextFreeSector += chunkSectors;
        return chunk;
    }

    @Override
    public void commitException(long oldChunk, long newChunk, boolean copyOk, IoQueue queue, CommitCallback callback) {
        boolean ok;
        synchronized (this) {
            if (!copyOk) {
                valid = false;
            }
            ok = valid;
        }
        queue.execute(() -> callback.committed(ok));
    }

    @Override
    public boolean supportsMerge() {
        return false;
    }

    @Override
    public void prepareMerge(IoQueue queue, MergeRunCallback callback) {
        queue.execute(() -> callback.run(-Errno.EOPNOTSUPP, 0, 0));
    }

    @Override
    public ChainedCommit commitMerge(int count, IoChain chain, IoCallback callback) {
        return (result, queue) -> callback.done(-Errno.EOPNOTSUPP);
    }

    @Override
    public void drop(IoQueue queue, IoCallback done) {
        synchronized (this) {
            valid = false;
        }
        if (done != null) {
            queue.execute(() -> done.done(0));
        }
    }

    @Override
    public synchronized StoreUsage usage() {
        return new StoreUsage(nextFreeSector, cowSectors, 0);
    }

    @Override
    public synchronized long grow() {
        long now = cow.sizeSectors();
        if (now < cowSectors) {
            throw new SnapshotException("COW " + cow.name() + " is " + now + " sectors, less than the " + cowSectors
                    + " the snapshot uses: a COW cannot shrink; give it its size back");
        }
        cowSectors = now;
        return now;
    }

    @Override
    public void close() {
    }
}
