package io.ublksnap.engine.io;

/**
 * Operations on one {@link IoQueue} that run one after another, each only once the one before it
 * completed in full: where the queue can, an io_uring linked chain that reaches the kernel in one
 * submission, so an ordered sequence (copy a chunk, then commit the metadata that names it) costs
 * one round trip instead of one per step. Built with {@link IoQueue#chain()}, then submitted once.
 *
 * <p>The order is the guarantee: an operation never starts before the one before it is complete
 * (a write with {@link IoQueue#PREFLUSH} flushes after everything before it in the chain). Once one
 * fails, the ones after it are not done. The callback runs once, on the queue's thread, never
 * inside {@link #submit}, when the whole chain is over: with the first error, or the last
 * operation's result.
 */
public interface IoChain {

    /**
     * Reads {@code buf.length()} bytes at {@code srcOffset} of {@code src}, then writes them at {@code dstOffset}
     * of {@code dst}; {@code writeFlags} for the write as for {@link IoQueue#write} ({@link IoQueue#FUA}: the copy
     * is durable when it completes).
     */
    IoChain copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, int writeFlags);

    /** Writes {@code buf.length()} bytes at {@code offset}; {@code flags} as for {@link IoQueue#write}. */
    IoChain write(BackingDevice dev, long offset, IoBuffer buf, int flags);

    /**
     * Writes {@code buf.length()} bytes at {@code offset} as the chain's last operation, one with a
     * result of its own: it goes to {@code own}, not into the chain's result, and is
     * {@link Errno#ECANCELED} when an operation before it failed (then it was not done). The
     * chain's callback runs first and reports the operations before this one; {@code own} runs
     * right after it. Nothing may be added after this. A request that waited for a copy and its
     * commit rides at the end of their chain this way: its result is the request's, theirs the
     * exception's.
     */
    IoChain writeLast(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback own);

    /** Hands the chain to its queue. */
    void submit(IoCallback callback);
}
