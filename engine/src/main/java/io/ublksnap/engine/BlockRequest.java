package io.ublksnap.engine;

import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoQueue;

/**
 * One block I/O request to an ORIGIN or SNAP device, as a ublk queue hands it over.
 *
 * <p>Objects are reusable (ublkd keeps one per tag): fill one with {@link #set}, pass it to
 * {@link Target#submit}, and get it back through its {@link Completion}. Everything about a
 * request runs on its {@link #queue()}'s thread: the backing I/O it causes is submitted there,
 * and its completion is called there.
 */
public final class BlockRequest implements IoCallback {

    public enum Op { READ, WRITE, FLUSH, DISCARD }

    /** Receives a finished request: {@code result} is 0 or a negative errno. */
    @FunctionalInterface
    public interface Completion {
        void completed(BlockRequest request, int result);
    }

    private Op op;
    private long sector;
    private int sectors;
    private IoBuffer buffer;
    private boolean fua;
    private IoQueue queue;
    private Completion completion;
    private Object attachment;

    // Engine state for the request in flight.
    Target target;
    /** What the engine made of it (the counters); null until mapped. */
    private RequestKind kind;
    /** When it first reached a target (0: not yet), and its queue's kernel entries then. */
    private long arrivedNanos;
    private long entriesAtArrival;
    private int partsLeft;
    private int partError;
    /** Runs the request's mapping again (after a wait), on its queue. */
    final Runnable retry = () -> target.remap(this);

    /** Fills in the request; {@code buffer} may be null for FLUSH and DISCARD. */
    public BlockRequest set(Op op, long sector, int sectors, IoBuffer buffer, boolean fua, IoQueue queue, Completion completion) {
        this.op = op;
        this.sector = sector;
        this.sectors = sectors;
        this.buffer = buffer;
        this.fua = fua;
        this.queue = queue;
        this.completion = completion;
        this.partsLeft = 0;
        this.partError = 0;
        this.kind = null;
        this.arrivedNanos = 0;
        return this;
    }

    /** First arrival at a target: its counting starts (a held or forwarded request keeps its start). */
    void arrived() {
        if (arrivedNanos == 0) {
            arrivedNanos = System.nanoTime() | 1;
            entriesAtArrival = queue.kernelEntries();
        }
    }

    /** Says what the request is, for the counters: the first kind sticks, but copying wins. */
    void classify(RequestKind k) {
        if (kind == null || k == RequestKind.COPYING_WRITE) {
            kind = k;
        }
    }

    public Op op() {
        return op;
    }

    public long sector() {
        return sector;
    }

    public int sectors() {
        return sectors;
    }

    /** One past the last sector. */
    public long endSector() {
        return sector + sectors;
    }

    public IoBuffer buffer() {
        return buffer;
    }

    public boolean fua() {
        return fua;
    }

    public IoQueue queue() {
        return queue;
    }

    public Object attachment() {
        return attachment;
    }

    public BlockRequest attach(Object attachment) {
        this.attachment = attachment;
        return this;
    }

    /** The request's data from byte {@code offset} for {@code length} bytes. */
    IoBuffer data(long offset, long length) {
        return offset == 0 && length == buffer.length() ? buffer : buffer.slice(offset, length);
    }

    /** Completion of the request's only backing I/O: finishes the request. */
    @Override
    public void done(int result) {
        finish(result);
    }

    /** The request will complete after {@code n} calls to {@link #partDone}. */
    void expectParts(int n) {
        partsLeft = n;
        partError = 0;
    }

    /** One part finished; the last one finishes the request (with the first error seen). */
    void partDone(int result) {
        if (result < 0 && partError == 0) {
            partError = result;
        }
        if (--partsLeft == 0) {
            finish(partError);
        }
    }

    /** Tells the submitter, then the target (so a suspend waiting for this request sees it answered). */
    void finish(int result) {
        Target t = target;
        target = null;
        if (arrivedNanos != 0) {
            t.stats.record(kind == null ? RequestKind.OTHER : kind, System.nanoTime() - arrivedNanos,
                    queue.kernelEntries() - entriesAtArrival, result < 0);
        }
        completion.completed(this, result < 0 ? result : 0);
        t.finished();
    }

    @Override
    public String toString() {
        return op + " " + sector + "+" + sectors + (fua ? " fua" : "");
    }
}
