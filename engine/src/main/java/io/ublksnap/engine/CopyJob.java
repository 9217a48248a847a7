package io.ublksnap.engine;

import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.engine.store.ExceptionStore;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Copies origin chunks into the COWs of the snapshots that need them: the kernel's kcopyd job,
 * but one origin read feeds every snapshot that needs the same chunks, and consecutive chunks are
 * read (and, where their COW chunks are consecutive too, written) in one I/O.
 *
 * <p>The buffer comes from the origin's {@link io.ublksnap.engine.io.BufferPool}, which bounds the
 * copies in flight. When every write of a pending exception is done, its snapshot is told
 * ({@link Snapshot#copyDone}), which commits it.
 */
final class CopyJob implements Consumer<IoBuffer>, IoCallback {
    /** Largest chunk size first, then by origin chunk: the order in which copies are grouped. */
    private static final Comparator<PendingException> BY_CHUNK_SIZE_THEN_CHUNK =
            Comparator.comparingInt((PendingException pe) -> -pe.snapshot.chunkSectors).thenComparingLong(pe -> pe.oldChunk);
    /** By snapshot, then by origin chunk: the order in which COW writes are grouped. */
    private static final Comparator<PendingException> BY_SNAPSHOT_THEN_CHUNK =
            Comparator.comparingLong((PendingException pe) -> pe.snapshot.id).thenComparingLong(pe -> pe.oldChunk);

    private final Origin origin;
    private final int chunkSectors;
    private final long firstChunk;
    private final long chunkBytes;
    private final long length;
    /** This job's exceptions; {@link #write} sorts them by snapshot and origin chunk once the read is done. */
    private final PendingException[] exceptions;
    private int writesLeft;
    // The job is its own continuation (the buffer's arrival, then its I/O's end): on the request path it
    // allocates no callback objects, and it keeps its exceptions in an array, sorted in place (no lists,
    // no iterators: the queue threads may run without escape analysis, as under C1).
    private IoQueue queue;
    private IoBuffer buf;
    /** With one destination: the commit riding in the chain, and the origin write at its end (each may be null). */
    private ExceptionStore.ChainedCommit commit;
    private ChainedWrite chainedWrite;

    private CopyJob(Origin origin, int chunkSectors, long firstChunk, long lastChunk, PendingException[] exceptions) {
        this.origin = origin;
        this.chunkSectors = chunkSectors;
        this.firstChunk = firstChunk;
        this.chunkBytes = (long) chunkSectors << 9;
        long start = firstChunk * chunkBytes;
        this.length = Math.min((lastChunk - firstChunk + 1) * chunkBytes, (origin.sizeSectors() << 9) - start);
        this.exceptions = exceptions;
    }

    /** Starts the copies for freshly prepared exceptions (of any snapshots), on {@code queue}. */
    static void start(Origin origin, List<PendingException> fresh, IoQueue queue) {
        start(origin, fresh.toArray(new PendingException[0]), queue);
    }

    /** As above; the array is the jobs' from then on (a job with one exception keeps it). */
    static void start(Origin origin, PendingException[] fresh, IoQueue queue) {
        if (fresh.length == 1) { // the common case (one snapshot, one chunk): nothing to sort or group
            PendingException pe = fresh[0];
            new CopyJob(origin, pe.snapshot.chunkSectors, pe.oldChunk, pe.oldChunk, fresh).run(queue);
            return;
        }
        PendingException[] sorted = fresh.clone();
        Arrays.sort(sorted, BY_CHUNK_SIZE_THEN_CHUNK);
        int i = 0;
        while (i < sorted.length) {
            PendingException head = sorted[i];
            int cs = head.snapshot.chunkSectors;
            long maxChunks = Math.max(1, origin.options.maxCopyBytes() / ((long) cs << 9));
            long first = head.oldChunk;
            long last = first;
            int j = i + 1;
            while (j < sorted.length) {
                PendingException pe = sorted[j];
                if (pe.snapshot.chunkSectors != cs || pe.oldChunk > last + 1 || pe.oldChunk - first >= maxChunks) {
                    break;
                }
                last = pe.oldChunk;
                j++;
            }
            new CopyJob(origin, cs, first, last, Arrays.copyOfRange(sorted, i, j)).run(queue);
            i = j;
        }
    }

    private void run(IoQueue q) {
        this.queue = q;
        origin.pool.acquire((int) length, q, this);
    }

    /** The buffer is there: the copy starts. */
    @Override
    public void accept(IoBuffer b) {
        buf = b;
        IoBuffer data = buf.slice(0, length);
        if (exceptions.length == 1) {
            // One destination: read, write and, where the store can, the metadata commit in one chain
            // (one round trip where the queue links them; the commit still follows the data). For a
            // commit in the chain the copy's write is FUA, so that the metadata needs no flush before
            // it (a flush is an fdatasync, which io_uring always hands to a worker thread).
            // The origin write that waited for this copy alone then ends the chain: the kernel
            // starts it when the commit is done (read, FUA write, FUA write, write: one submission).
            PendingException pe = exceptions[0];
            boolean inChain = pe.snapshot.mayCommitInChain(pe);
            IoChain chain = queue.chain().copy(origin.device, firstChunk * chunkBytes, pe.snapshot.cow, pe.newChunk * chunkBytes, data,
                    inChain ? IoQueue.FUA : 0);
            commit = inChain ? pe.snapshot.commitInChain(pe, chain, queue) : null;
            chainedWrite = commit == null ? null : ChainedWrite.take(pe, chain, queue);
            chain.submit(this);
            return;
        }
        queue.read(origin.device, firstChunk * chunkBytes, data, this);
    }

    /**
     * The I/O the copy started is done: with one destination its chain (copy, and the commit and
     * origin write riding in it), with several the origin read.
     */
    @Override
    public void done(int res) {
        if (exceptions.length == 1) {
            origin.pool.release(buf);
            PendingException pe = exceptions[0];
            if (chainedWrite != null) {
                chainedWrite.chainOk = res >= 0;
            }
            if (commit != null) {
                commit.chainDone(res, queue);
            } else {
                pe.snapshot.copyDone(pe, res >= 0, queue);
            }
            return;
        }
        if (res < 0) {
            origin.pool.release(buf);
            for (PendingException pe : exceptions) {
                pe.snapshot.copyDone(pe, false, queue);
            }
            return;
        }
        write(buf.slice(0, length));
    }

    /**
     * Writes runs of exceptions whose origin and COW chunks are both consecutive, per snapshot; a run
     * of one exception whose store can commit it in a chain goes with its commit.
     */
    private void write(IoBuffer data) {
        PendingException[] byCow = exceptions;
        Arrays.sort(byCow, BY_SNAPSHOT_THEN_CHUNK);
        int runs = 0;
        for (int i = 0; i < byCow.length; i = runEnd(byCow, i)) {
            runs++;
        }
        // Counted before the first write goes: a write's callback may run before the next is sent.
        writesLeft = runs;
        for (int from = 0, to; from < byCow.length; from = to) {
            to = runEnd(byCow, from);
            PendingException head = byCow[from];
            long offset = (head.oldChunk - firstChunk) * chunkBytes;
            long len = Math.min((to - from) * chunkBytes, length - offset);
            if (to - from == 1 && head.snapshot.mayCommitInChain(head)) {
                // The snapshot's COW write and its commit as one chain of two FUA writes, as for a
                // copy with one destination (its commit then needs no flush).
                IoChain chain = queue.chain().write(head.snapshot.cow, head.newChunk * chunkBytes, data.slice(offset, len), IoQueue.FUA);
                chain.submit(new RunWritten(from, to, head.snapshot.commitInChain(head, chain, queue)));
                continue;
            }
            queue.write(head.snapshot.cow, head.newChunk * chunkBytes, data.slice(offset, len), 0, new RunWritten(from, to, null));
        }
    }

    /** The end of the run that starts at {@code from}: exceptions of one snapshot, consecutive in origin and COW. */
    private static int runEnd(PendingException[] byCow, int from) {
        int to = from + 1;
        while (to < byCow.length) {
            PendingException prev = byCow[to - 1];
            PendingException pe = byCow[to];
            if (prev.snapshot != pe.snapshot || pe.oldChunk != prev.oldChunk + 1 || pe.newChunk != prev.newChunk + 1) {
                break;
            }
            to++;
        }
        return to;
    }

    /**
     * The COW write of one run of exceptions, {@code exceptions[from..to)}, is done (with the commit
     * riding in its chain, if any).
     */
    private final class RunWritten implements IoCallback {
        private final int from;
        private final int to;
        /** Null: each exception commits after its write, as after any copy. */
        private final ExceptionStore.ChainedCommit commit;

        RunWritten(int from, int to, ExceptionStore.ChainedCommit commit) {
            this.from = from;
            this.to = to;
            this.commit = commit;
        }

        @Override
        public void done(int res) {
            if (commit != null) {
                commit.chainDone(res, queue);
            } else {
                for (int i = from; i < to; i++) {
                    exceptions[i].snapshot.copyDone(exceptions[i], res >= 0, queue);
                }
            }
            if (--writesLeft == 0) {
                origin.pool.release(buf);
            }
        }
    }

    /**
     * An origin write at the end of its copy's chain ({@link IoChain#writeLast}). Its result is the
     * request's when the copy and the commit before it succeeded; otherwise it was not done and
     * the request starts again, as a waiter of the exception would (the snapshot is invalid now).
     */
    private static final class ChainedWrite implements io.ublksnap.engine.io.IoCallback {
        private final BlockRequest request;
        /** Set by the chain's callback, which runs first. */
        boolean chainOk;

        private ChainedWrite(BlockRequest request) {
            this.request = request;
        }

        static ChainedWrite take(PendingException pe, IoChain chain, IoQueue queue) {
            BlockRequest r = pe.snapshot.takeChainableWrite(pe, queue);
            if (r == null) {
                return null;
            }
            ChainedWrite w = new ChainedWrite(r);
            try {
                chain.writeLast(pe.snapshot.origin.device, r.sector() << 9, r.buffer(), r.fua() ? IoQueue.FUA : 0, w);
            } catch (RuntimeException e) { // a buffer the chain cannot take: the request waits as before
                pe.snapshot.returnChainableWrite(pe, r);
                return null;
            }
            return w;
        }

        @Override
        public void done(int result) {
            if (chainOk) {
                request.done(result);
            } else {
                request.queue().execute(request.retry);
            }
        }
    }

    @Override
    public String toString() {
        return "copy " + exceptions.length + " exceptions of chunk size " + chunkSectors + " from chunk " + firstChunk;
    }
}
