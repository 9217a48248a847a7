package io.ublksnap.engine.store;

import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.ublksnap.engine.store.CowFormat.areaLocation;

/**
 * The persistent exception store ({@code P}, {@code PO}): exceptions kept on the COW device in
 * dm-snapshot's format ({@link CowFormat}), so a COW moves between ublksnap and the kernel.
 *
 * <p>Commit rules, as the kernel's: a commit is accepted only after the chunk's data is on the COW;
 * entries go into the in-memory copy of the current metadata area; the area is written only when
 * no other prepared exception is outstanding or when it is full (group commit), with a flush of the
 * COW first (so the data it points at is durable) and FUA (so the entry is). Before a full area is
 * written, the next area is zeroed on disk. One area write is in flight at a time; commits that
 * arrive meanwhile wait in order. Any I/O error makes the store invalid.
 *
 * <p>Crashes: a commit is reported only once its area write is durable, and the list on disk
 * ends at its first empty entry, so an area write lost or torn (a sector holding its old entries)
 * loses only exceptions that were never reported committed, and the chunks they had are handed
 * out again after a restart. See {@link io.ublksnap.engine.Origin} on requests re-issued then.
 */
public final class PersistentStore implements ExceptionStore {
    private record Commit(long oldChunk, long newChunk, CommitCallback callback) {
    }

    private final BackingDevice cow;
    private final StoreType type;
    private final int chunkSectors;
    private final int chunkBytes;
    private final int epa;
    private final BufferAllocator allocator;
    private final IoBuffer area;       // the current metadata area, as it will be on disk
    private final IoBuffer writeBuffer; // what an area write in flight is writing
    // Views of the two, made once, for the commits (absolute operations only): a commit allocates none.
    private final ByteBuffer areaBytes;
    private final ByteBuffer writeBytes;
    private final IoBuffer headerBuffer;
    private IoBuffer zeroBuffer;       // allocated when first needed

    // Guarded by this.
    /** The COW's size as this store knows it (it only grows: {@link #grow}). */
    private long cowSectors;
    private long cowChunks;
    private boolean valid;
    private boolean dropped;
    private long nextFree;
    private long currentArea;
    private int currentCommitted;
    private int pendingCount;
    private boolean writing;
    private final ArrayDeque<Commit> waiting = new ArrayDeque<>();
    private ArrayList<CommitCallback> batch = new ArrayList<>();
    private boolean closed;

    private PersistentStore(BackingDevice cow, StoreType type, int chunkSectors, BufferAllocator allocator) {
        this.cow = cow;
        this.type = type;
        this.chunkSectors = chunkSectors;
        this.chunkBytes = chunkSectors << 9;
        this.epa = CowFormat.exceptionsPerArea(chunkSectors);
        this.cowSectors = cow.sizeSectors();
        this.cowChunks = cowSectors / chunkSectors;
        this.allocator = allocator;
        this.area = allocator.allocate(chunkBytes);
        this.writeBuffer = allocator.allocate(chunkBytes);
        this.areaBytes = area.byteBuffer();
        this.writeBytes = writeBuffer.byteBuffer();
        // The header is rewritten only to invalidate: its first logical block (the rest of chunk 0 stays zero).
        this.headerBuffer = allocator.allocate(CowHeader.logicalBlockSize(cow));
    }

    /**
     * Opens the persistent store on {@code cow}: reads the header and every committed exception
     * (handing each to {@code sink}), or starts a new store: on a blank COW (its header chunk and
     * first metadata area all zeros, as LVM leaves a fresh one), or on any COW when {@code init}
     * asks for it. Nothing is written to a COW that is refused, and nothing chunk-sized is
     * allocated before the chunk size is known to be one ublksnap serves ({@link ChunkSize}).
     *
     * @param requestedChunkSectors the table's chunk size, or 0 for the default; a COW's own chunk
     *                              size wins (with a warning)
     * @param init                  start a new snapshot whatever the COW holds (its contents are lost)
     * @param originSizeSectors     exceptions must map origin chunks inside this size; 0 when the
     *                              origin's size is not known
     * @throws SnapshotException    for a COW that cannot be used, naming the problem and the fix
     * @throws IOException          when the COW cannot be read or written
     */
    public static PersistentStore open(BackingDevice cow, StoreType type, int requestedChunkSectors, boolean init,
                                       long originSizeSectors, BufferAllocator allocator,
                                       ExceptionSink sink, Consumer<String> warnings) throws IOException {
        if (!type.persistent()) {
            throw new IllegalArgumentException("not a persistent store type: " + type);
        }
        int lbs = CowHeader.logicalBlockSize(cow);
        if (requestedChunkSectors != 0) {
            ChunkSize.validate(requestedChunkSectors, lbs);
        }
        CowHeader header = CowHeader.read(cow, allocator);
        if (init || header.absent()) {
            int chunk = requestedChunkSectors != 0 ? requestedChunkSectors : ChunkSize.defaultFor(lbs);
            checkRoom(cow, chunk);
            if (!init) {
                checkBlank(cow, chunk, allocator);
            }
            PersistentStore ps = new PersistentStore(cow, type, chunk, allocator);
            ps.initializeNew(init);
            return ps;
        }
        int diskChunk = header.check(cow);
        if (diskChunk > ChunkSize.MAX_SECTORS) {
            throw new SnapshotException("COW " + cow.name() + " has chunk size " + diskChunk + " sectors, more than ublksnap serves"
                    + " (at most " + ChunkSize.MAX_SECTORS + " sectors, 1 MiB): serve it with the kernel's dm-snapshot,"
                    + " or read its image with 'ublkd cow export'");
        }
        if (requestedChunkSectors != 0 && requestedChunkSectors != diskChunk) {
            warnings.accept("chunk size " + diskChunk + " in the header of COW " + cow.name()
                    + " overrides the requested chunk size " + requestedChunkSectors);
        }
        checkRoom(cow, diskChunk);
        if (!header.valid()) {
            // Metadata valid, snapshot invalidated: nothing is loaded (dm-snapshot cannot recover these either).
            PersistentStore ps = new PersistentStore(cow, type, diskChunk, allocator);
            ps.valid = false;
            ps.dropped = true;
            warnings.accept("snapshot on COW " + cow.name() + " is marked invalid");
            return ps;
        }
        long originChunks = originSizeSectors <= 0 ? Long.MAX_VALUE : (originSizeSectors + diskChunk - 1) / diskChunk;
        CowScanner.Result scan = CowScanner.scan(cow, diskChunk, originChunks, allocator, sink::add);
        PersistentStore ps = new PersistentStore(cow, type, diskChunk, allocator);
        ps.load(scan);
        return ps;
    }

    private static void checkRoom(BackingDevice cow, int chunk) {
        long need = 2L * chunk * 512;
        if (cow.sizeBytes() < need) {
            throw new SnapshotException("COW " + cow.name() + " is too small: " + cow.sizeBytes()
                    + " bytes is less than two " + chunk + "-sector chunks (header and first metadata area); give it at least "
                    + (3L * chunk * 512) + " bytes, or far more for real use");
        }
    }

    /**
     * A COW with no header is started on only when its header chunk and first metadata area are
     * all zeros: a file system or any other data whose first four bytes happen to be zero is not
     * a blank COW, and overwriting it takes an explicit init request.
     */
    private static void checkBlank(BackingDevice cow, int chunkSectors, BufferAllocator allocator) throws IOException {
        long length = 2L * chunkSectors << 9;
        long at = CowScanner.firstNonZero(cow, length, allocator);
        if (at >= 0) {
            throw new SnapshotException("COW " + cow.name() + " is not blank: it has no snapshot header, but byte " + at
                    + " of its first " + length + " (header chunk and first metadata area) is not zero, so it may hold"
                    + " a file system or other data: check the path, or ask for --init to start a new snapshot on it"
                    + " (what it holds is lost)");
        }
    }

    /**
     * Writes a new, empty store. Area 0 is zeroed first (and, on an init request, the whole header
     * chunk: it may hold anything), then the header: a crash in between leaves a COW that still
     * reads as blank.
     */
    private void initializeNew(boolean wipeHeaderChunk) throws IOException {
        valid = true;
        cow.writeSync(areaLocation(0, epa) * chunkBytes, zeroBuffer());
        if (wipeHeaderChunk) {
            cow.writeSync(0, zeroBuffer());
        }
        cow.flushSync();
        CowFormat.writeHeader(headerBuffer.byteBuffer(), true, chunkSectors);
        cow.writeSync(0, headerBuffer);
        cow.flushSync();
        currentArea = 0;
        currentCommitted = 0;
        nextFree = CowFormat.HEADER_CHUNKS + 1;
    }

    /** Takes the state a scan found, and the last area's entries (commits go on there). */
    private void load(CowScanner.Result scan) throws IOException {
        valid = true;
        currentArea = scan.currentArea();
        currentCommitted = scan.currentCommitted();
        nextFree = scan.nextFree();
        cow.readSync(areaLocation(currentArea, epa) * chunkBytes, area);
    }

    /**
     * What {@link #inspect} finds on a COW.
     *
     * @param initialized the COW has a snapshot header
     * @param blank       no header, and the header chunk and first metadata area (of the default
     *                    chunk size) are all zeros: a new snapshot may start on it without an init request
     */
    public record CowInfo(boolean initialized, boolean valid, int version, int chunkSectors, long exceptions,
                          StoreUsage usage, boolean blank) {
    }

    /**
     * Looks at a persistent COW without changing it: the header, checked as {@link #open} checks it
     * (any chunk size the kernel accepts, only version 1), and (when valid) every exception, handed
     * to {@code sink} in on-disk order as it is read: nothing is kept per exception but a bit or so
     * for the duplicate checks, and buffers stay small whatever the chunk size.
     *
     * @throws SnapshotException for a COW that is not a usable snapshot COW, in one line
     */
    public static CowInfo inspect(BackingDevice cow, BufferAllocator allocator, ExceptionSink sink) throws IOException {
        CowHeader header = CowHeader.read(cow, allocator);
        if (header.absent()) {
            int chunk = ChunkSize.defaultFor(CowHeader.logicalBlockSize(cow));
            long length = 2L * chunk << 9;
            boolean blank = cow.sizeBytes() >= length && CowScanner.firstNonZero(cow, length, allocator) < 0;
            return new CowInfo(false, false, 0, 0, 0, null, blank);
        }
        int chunk = header.check(cow);
        checkRoom(cow, chunk);
        if (!header.valid()) {
            return new CowInfo(true, false, header.version(), chunk, 0, null, false);
        }
        ChunkSet olds = new ChunkSet();
        CowScanner.Result s = CowScanner.scan(cow, chunk, Long.MAX_VALUE, allocator, (o, n) -> olds.add(o) && sink.add(o, n));
        return new CowInfo(true, true, header.version(), chunk, s.exceptions(), s.usage(chunk, cow.sizeSectors()), false);
    }

    private IoBuffer zeroBuffer() {
        if (zeroBuffer == null) {
            zeroBuffer = allocator.allocate(chunkBytes);
        }
        return zeroBuffer;
    }

    @Override
    public StoreType type() {
        return type;
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
        long chunk = nextFree;
        if (chunk >= cowChunks) {
            return NO_SPACE;
        }
        // The last data chunk of an area is handed out only if the next area fits too: dm-snapshot
        // zeroes the next area when one fills and cannot reopen a COW that ends without it.
        long next = CowFormat.skipMetadata(chunk + 1, epa);
        if (next != chunk + 1 && chunk + 1 >= cowChunks) {
            return NO_SPACE;
        }
        nextFree = next;
        pendingCount++;
        return chunk;
    }

    @Override
    public void commitException(long oldChunk, long newChunk, boolean copyOk, IoQueue queue, CommitCallback callback) {
        List<Runnable> now;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("commit to the closed store of COW " + cow.name());
            }
            if (pendingCount <= 0) {
                throw new IllegalStateException("commit without a prepared exception");
            }
            pendingCount--;
            if (!copyOk) {
                valid = false;
            }
            waiting.add(new Commit(oldChunk, newChunk, callback));
            now = pump(queue);
        }
        runAll(now);
    }

    /**
     * {@inheritDoc} Here: when this is the only prepared exception, no commit waits, none is being
     * written, and the exception does not fill its area (a full area zeroes the next one first).
     */
    @Override
    public synchronized boolean mayCommitInChain() {
        return !closed && valid && !writing && pendingCount == 1 && waiting.isEmpty() && batch.isEmpty()
                && currentCommitted + 1 < epa && areaLocation(currentArea, epa) < cowChunks;
    }

    /**
     * {@inheritDoc} The area is written with FUA alone: the only exception it adds was written with
     * FUA by the chain's copy, and every exception committed before it was flushed by its own commit.
     */
    @Override
    public synchronized ChainedCommit commitInChain(long oldChunk, long newChunk, IoChain chain, CommitCallback callback) {
        if (!mayCommitInChain()) {
            return null;
        }
        pendingCount--;
        CowFormat.putException(areaBytes, currentCommitted++, oldChunk, newChunk);
        writing = true;
        writeBytes.put(0, areaBytes, 0, areaBytes.capacity());
        chain.write(cow, areaLocation(currentArea, epa) * chunkBytes, writeBuffer, IoQueue.FUA);
        return new AreaInChain(callback);
    }

    /** The area's write riding in a copy's chain: the chain's end is the commit's. */
    private final class AreaInChain implements ChainedCommit {
        private final CommitCallback callback;

        AreaInChain(CommitCallback callback) {
            this.callback = callback;
        }

        @Override
        public void chainDone(int result, IoQueue queue) {
            finishWrite(queue, result, List.of(callback));
        }
    }

    /** Moves waiting commits into the area and starts an area write when the batch is ready. Holds the lock. */
    private List<Runnable> pump(IoQueue queue) {
        List<Runnable> now = List.of(); // most calls have nothing to run: no list for them
        while (!writing) {
            if (!waiting.isEmpty() && (currentCommitted >= epa || areaLocation(currentArea, epa) >= cowChunks)) {
                // No area to put the exception in: as with a full COW, the snapshot becomes invalid
                // and the commits fail (a commit never waits for room that will not come).
                valid = false;
                List<CommitCallback> failed = new ArrayList<>(batch);
                batch.clear();
                waiting.forEach(c -> failed.add(c.callback));
                waiting.clear();
                now = plus(now, () -> failed.forEach(cb -> cb.committed(false)));
                break;
            }
            while (!waiting.isEmpty() && currentCommitted < epa) {
                Commit c = waiting.poll();
                CowFormat.putException(areaBytes, currentCommitted++, c.oldChunk, c.newChunk);
                batch.add(c.callback);
            }
            if (batch.isEmpty()) {
                break;
            }
            boolean full = currentCommitted == epa;
            if (!full && pendingCount > 0) {
                break; // more exceptions are on their way: commit them together
            }
            ArrayList<CommitCallback> callbacks = batch;
            batch = new ArrayList<>();
            long location = areaLocation(currentArea, epa);
            boolean zeroNext = full && areaLocation(currentArea + 1, epa) < cowChunks;
            if (full) {
                // Entries after this one belong to the next area, which starts empty.
                currentArea++;
                currentCommitted = 0;
            }
            if (!valid) {
                now = plus(now, () -> callbacks.forEach(cb -> cb.committed(false)));
                if (full) {
                    clear(area);
                }
                continue;
            }
            writing = true;
            writeBytes.put(0, areaBytes, 0, areaBytes.capacity());
            if (full) {
                clear(area);
            }
            long nextAreaOffset = areaLocation(currentArea, epa) * (long) chunkBytes;
            Runnable write = () -> writeArea(queue, location, callbacks);
            if (zeroNext) {
                queue.write(cow, nextAreaOffset, zeroBuffer(), 0, r -> {
                    if (r < 0) {
                        synchronized (this) {
                            valid = false;
                        }
                    }
                    write.run();
                });
            } else {
                now = plus(now, write);
            }
        }
        return now;
    }

    /** Runs each task (indexed: an immutable empty list's forEach would make an iterator). */
    private static void runAll(List<Runnable> tasks) {
        for (int i = 0; i < tasks.size(); i++) {
            tasks.get(i).run();
        }
    }

    /** {@code list} with {@code r} added: a new list in place of the empty one. */
    private static List<Runnable> plus(List<Runnable> list, Runnable r) {
        List<Runnable> l = list.isEmpty() ? new ArrayList<>(2) : list;
        l.add(r);
        return l;
    }

    /** The area with preflush and FUA; then the batch's callbacks. */
    private void writeArea(IoQueue queue, long location, List<CommitCallback> callbacks) {
        queue.write(cow, location * chunkBytes, writeBuffer, IoQueue.PREFLUSH | IoQueue.FUA, wr -> finishWrite(queue, wr, callbacks));
    }

    private void finishWrite(IoQueue queue, int result, List<CommitCallback> callbacks) {
        boolean ok;
        List<Runnable> more;
        synchronized (this) {
            writing = false;
            if (result < 0) {
                valid = false;
            }
            ok = valid;
            more = pump(queue);
        }
        for (int i = 0; i < callbacks.size(); i++) { // indexed: no iterator per commit
            callbacks.get(i).committed(ok);
        }
        runAll(more);
    }

    private static void clear(IoBuffer buf) {
        ByteBuffer b = buf.byteBuffer();
        while (b.remaining() >= 8) {
            b.putLong(0);
        }
        while (b.hasRemaining()) {
            b.put((byte) 0);
        }
    }

    @Override
    public boolean supportsMerge() {
        return true;
    }

    @Override
    public void prepareMerge(IoQueue queue, MergeRunCallback callback) {
        long readLocation;
        synchronized (this) {
            if (writing || pendingCount > 0 || !waiting.isEmpty()) {
                throw new IllegalStateException("merge while exceptions are being committed");
            }
            if (currentCommitted > 0) {
                int[] run = new int[1];
                long[] last = findRun(run);
                callbackLater(queue, () -> callback.run(run[0], last[0], last[1]));
                return;
            }
            if (currentArea == 0) {
                callbackLater(queue, () -> callback.run(0, 0, 0));
                return;
            }
            currentArea--;
            readLocation = areaLocation(currentArea, epa);
            writing = true; // the area buffer is being read into
        }
        queue.read(cow, readLocation * chunkBytes, writeBuffer, r -> {
            int count;
            long[] last;
            synchronized (this) {
                writing = false;
                if (r < 0) {
                    currentArea++; // nothing changed: a later attempt starts from the same place
                    count = r;
                    last = new long[2];
                } else {
                    area.byteBuffer().put(writeBuffer.byteBuffer());
                    currentCommitted = epa;
                    int[] run = new int[1];
                    last = findRun(run);
                    count = run[0];
                }
            }
            callback.run(count, last[0], last[1]);
        });
    }

    private static void callbackLater(IoQueue queue, Runnable r) {
        queue.execute(r);
    }

    /** The last committed exception and how many consecutive ones end there. Holds the lock. */
    private long[] findRun(int[] count) {
        ByteBuffer b = area.byteBuffer();
        long lastOld = CowFormat.oldChunk(b, currentCommitted - 1);
        long lastNew = CowFormat.newChunk(b, currentCommitted - 1);
        int n = 1;
        while (n < currentCommitted) {
            int i = currentCommitted - 1 - n;
            if (CowFormat.oldChunk(b, i) != lastOld - n || CowFormat.newChunk(b, i) != lastNew - n) {
                break;
            }
            n++;
        }
        count[0] = n;
        return new long[]{lastOld, lastNew};
    }

    @Override
    public ChainedCommit commitMerge(int count, IoChain chain, IoCallback callback) {
        long location;
        synchronized (this) {
            if (count <= 0 || count > currentCommitted || writing) {
                throw new IllegalStateException("bad merge commit of " + count + " of " + currentCommitted);
            }
            writing = true;
            writeBuffer.byteBuffer().put(area.byteBuffer());
            ByteBuffer b = writeBuffer.byteBuffer();
            for (int i = 0; i < count; i++) {
                CowFormat.putException(b, currentCommitted - 1 - i, 0, 0);
            }
            location = areaLocation(currentArea, epa);
        }
        // FUA alone: what the area lets go of is in the origin durably already (the chain's copy
        // wrote it with FUA), and nothing else on the COW needs to be durable before it.
        chain.write(cow, location * chunkBytes, writeBuffer, IoQueue.FUA);
        return (result, queue) -> mergeWritten(count, result, callback);
    }

    private void mergeWritten(int count, int result, IoCallback callback) {
        synchronized (this) {
            writing = false;
            if (result >= 0) {
                area.byteBuffer().put(writeBuffer.byteBuffer());
                currentCommitted -= count;
                // Only usage reads next_free from here on, as in the kernel.
                nextFree = areaLocation(currentArea, epa) + currentCommitted + 1;
            }
            // On failure nothing changed in memory; the merge stops and the exceptions stay.
        }
        callback.done(result < 0 ? result : 0);
    }

    @Override
    public void drop(IoQueue queue, IoCallback done) {
        synchronized (this) {
            valid = false;
            if (dropped) {
                if (done != null) {
                    queue.execute(() -> done.done(0));
                }
                return;
            }
            dropped = true;
            CowFormat.writeHeader(headerBuffer.byteBuffer(), false, chunkSectors);
        }
        // On failure the snapshot is invalid in memory all the same.
        queue.write(cow, 0, headerBuffer, IoQueue.FUA, r -> {
            if (done != null) {
                done.done(r);
            }
        });
    }

    @Override
    public synchronized StoreUsage usage() {
        return new StoreUsage(nextFree * chunkSectors, cowSectors,
                (currentArea + 1 + CowFormat.HEADER_CHUNKS) * chunkSectors);
    }

    /**
     * The new size only moves the end: the layout is fixed by the chunk size (areas at
     * 1 + a * (epa + 1)), and {@link #prepareException} keeps handing out a chunk only while it
     * fits, the last data chunk of an area only while the next area fits too, so a COW grown at any
     * size still opens in the kernel, and one grown from a size where the next chunk did not fit
     * goes on from there.
     */
    @Override
    public synchronized long grow() {
        long now = cow.sizeSectors();
        if (now < cowSectors) {
            throw new SnapshotException("COW " + cow.name() + " is " + now + " sectors, less than the " + cowSectors
                    + " the snapshot uses: a COW cannot shrink (its last chunks may hold exceptions); give it its size back");
        }
        cowSectors = now;
        cowChunks = now / chunkSectors;
        return now;
    }

    /** The COW this store lives on. */
    public BackingDevice cow() {
        return cow;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public synchronized String toString() {
        return "PersistentStore[" + cow.name() + ", chunk " + chunkSectors + ", area " + currentArea + "/"
                + currentCommitted + ", next free " + nextFree + (valid ? "" : ", invalid") + (closed ? ", closed" : "") + "]";
    }
}
