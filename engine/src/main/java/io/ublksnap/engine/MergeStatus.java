package io.ublksnap.engine;

/**
 * The state of a merge, as data.
 *
 * @param state   "merging", "failed", "stopped" or "done"
 * @param merged  chunks merged since the merge (re)started
 * @param total   chunks to merge when it (re)started
 * @param bytesPerSecond average rate since it (re)started
 */
public record MergeStatus(String snapshot, String state, long merged, long total, long chunkSectors,
                          double bytesPerSecond, String error) {
    /** Seconds left at the current rate, or -1 when unknown. */
    public long secondsLeft() {
        if (bytesPerSecond <= 0) {
            return -1;
        }
        return (long) Math.ceil((total - merged) * chunkSectors * 512.0 / bytesPerSecond);
    }
}
