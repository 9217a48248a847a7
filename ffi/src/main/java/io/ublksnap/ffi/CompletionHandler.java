package io.ublksnap.ffi;

/**
 * Receives completions from {@link IoUring#reap(CompletionHandler)}, one call per CQE, on the ring's owner thread.
 *
 * <p>Called with the CQE already consumed (the CQ head has been advanced), so the handler may prepare and even
 * submit new entries on the same ring, but it must not call {@code reap} on that ring again. To keep the per-I/O
 * path free of allocation, create one handler per ring and reuse it rather than passing a fresh capturing lambda to
 * every {@code reap}. An exception thrown by the handler propagates out of {@code reap}; completions not yet
 * delivered stay in the ring for the next call.
 */
@FunctionalInterface
public interface CompletionHandler {

    /**
     * @param userData the {@code user_data} of the SQE, returned unchanged
     * @param res      the result: a byte count or other non-negative value, or {@code -errno}
     * @param flags    {@code IORING_CQE_F_*} flags
     */
    void complete(long userData, int res, int flags);
}
