package io.ublksnap.engine.io;

/**
 * Where backing I/O is submitted and where its completions run: one per I/O thread.
 *
 * <p>In ublkd an IoQueue is one ublk queue's thread and its io_uring, so a request, the backing
 * I/O it causes and their completions all stay on one thread. The engine calls the I/O methods
 * only from this queue's own thread; {@link #execute} may be called from any thread.
 *
 * <p>Contract for every I/O method: the callback runs later on this queue's thread, exactly once,
 * never inside the call that submitted the operation.
 */
public interface IoQueue {

    /** Write flag: the data is durable when the write completes (FUA). */
    int FUA = 1;

    /**
     * Write flag: first make every write completed on the device before this call durable (a flush),
     * then write. Metadata commits use PREFLUSH | FUA: the data they point at is durable first.
     */
    int PREFLUSH = 2;

    /** Reads {@code buf.length()} bytes at byte {@code offset} of {@code dev} into {@code buf}. */
    void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback);

    /** Writes {@code buf.length()} bytes at byte {@code offset}; {@code flags} may hold {@link #FUA}. */
    void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback);

    /** Makes every write completed on {@code dev} before this call durable (from any queue). */
    void flush(BackingDevice dev, IoCallback callback);

    /** Discards {@code length} bytes at {@code offset}: later reads return zeros or old data. */
    void discard(BackingDevice dev, long offset, long length, IoCallback callback);

    /**
     * Reads {@code buf.length()} bytes at {@code srcOffset} of {@code src} into {@code buf}, then
     * writes them at {@code dstOffset} of {@code dst}: a chunk copy. Implementations may chain the
     * two operations so that the kernel starts the write itself (one round trip).
     */
    default void copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, IoCallback callback) {
        read(src, srcOffset, buf, r -> {
            if (r < 0) {
                callback.done(r);
            } else {
                write(dst, dstOffset, buf, 0, callback);
            }
        });
    }

    /**
     * A new chain of operations on this queue ({@link IoChain}): linked in one submission where the
     * queue can link them, issued one after another otherwise.
     */
    default IoChain chain() {
        return new SequentialChain(this);
    }

    /**
     * How many times this queue has entered the kernel so far (io_uring_enter calls), for the
     * request counters; 0 for a queue that does not. Read on the queue's thread.
     */
    default long kernelEntries() {
        return 0;
    }

    /**
     * Runs {@code task} on this queue's thread, after the current task: callable from any thread.
     * Tasks submitted from one thread run in submission order.
     */
    void execute(Runnable task);
}
