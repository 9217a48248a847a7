package io.ublksnap.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A device's request counters, per {@link RequestKind}: requests answered, their time in the
 * engine (arrival to answer), and the kernel entries their queue made meanwhile
 * ({@link io.ublksnap.engine.io.IoQueue#kernelEntries()}: io_uring_enter calls in ublkd).
 *
 * <p>The kernel entries are the queue's count between a request's arrival and its answer: exact
 * with one request in flight per queue; requests in flight together share the calls and each
 * counts them, so beyond queue depth 1 the figure is an upper bound. The answer to the ublk driver
 * itself goes to the kernel with the queue's next call, after the request is counted.
 *
 * <p>Updated on the queues' threads without allocation; read from any thread.
 */
public final class RequestStats {
    private static final RequestKind[] KINDS = RequestKind.values();
    private static final int REQUESTS = 0, NANOS = 1, ENTRIES = 2, FAILED = 3, FIELDS = 4;
    private final AtomicLongArray counts = new AtomicLongArray(KINDS.length * FIELDS);

    /**
     * One kind's counts.
     *
     * @param serviceNanos  the requests' time from arrival to answer, summed
     * @param kernelEntries the kernel entries of their queues while they were in service, summed
     * @param failed        of {@code requests}, those answered with an error
     */
    public record Count(RequestKind kind, long requests, long serviceNanos, long kernelEntries, long failed) {
    }

    void record(RequestKind kind, long nanos, long kernelEntries, boolean failed) {
        int b = kind.ordinal() * FIELDS;
        counts.incrementAndGet(b + REQUESTS);
        counts.addAndGet(b + NANOS, nanos);
        counts.addAndGet(b + ENTRIES, kernelEntries);
        if (failed) {
            counts.incrementAndGet(b + FAILED);
        }
    }

    /** The kinds with at least one request, in {@link RequestKind} order. */
    public List<Count> counts() {
        List<Count> out = new ArrayList<>();
        for (RequestKind k : KINDS) {
            int b = k.ordinal() * FIELDS;
            long n = counts.get(b + REQUESTS);
            if (n > 0) {
                out.add(new Count(k, n, counts.get(b + NANOS), counts.get(b + ENTRIES), counts.get(b + FAILED)));
            }
        }
        return out;
    }
}
