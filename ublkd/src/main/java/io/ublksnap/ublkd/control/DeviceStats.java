package io.ublksnap.ublkd.control;

import java.util.List;

/**
 * One device's request counters, as {@code ublkd stats} shows them: per kind of request (what the
 * engine made of it), since the device's table was loaded.
 *
 * @param device   /dev/ublkbN, or null when the device is not active (and has no counters)
 * @param requests the kinds that had requests, in a fixed order
 */
public record DeviceStats(String name, DeviceInfo.Role role, String device, List<RequestCount> requests) {
    public DeviceStats {
        requests = List.copyOf(requests);
    }

    /**
     * One kind of request.
     *
     * @param kind          origin-read, passthrough-write, copying-write, origin-write, snapshot-read-origin,
     *                      snapshot-read-cow, snapshot-write, flush, discard, during-merge or other
     * @param serviceNanos  the requests' time from arrival in the engine to their answer, summed
     * @param kernelEntries io_uring_enter calls of their queues while they were in service, summed (exact at
     *                      queue depth 1; requests in flight together each count the calls they share)
     * @param failed        of {@code requests}, those answered with an error
     */
    public record RequestCount(String kind, long requests, long serviceNanos, long kernelEntries, long failed) {
        public double meanMicros() {
            return requests == 0 ? 0 : serviceNanos / 1000.0 / requests;
        }

        public double entriesPerRequest() {
            return requests == 0 ? 0 : (double) kernelEntries / requests;
        }
    }
}
