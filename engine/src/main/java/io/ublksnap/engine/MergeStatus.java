package io.ublksnap.engine;

import java.util.Locale;

/**
 * The state of a merge, as data.
 *
 * @param merged         chunks merged since the merge (re)started
 * @param total          chunks to merge when it (re)started
 * @param bytesPerSecond average rate since it (re)started
 * @param error          why it failed, when {@link State#FAILED}
 */
public record MergeStatus(String snapshot, State state, long merged, long total, long chunkSectors,
                          double bytesPerSecond, String error) {

    /** Where a merge is; {@link #toString()} gives the word status output shows ("merging", "failed"...). */
    public enum State {
        /** Copying chunks back into the origin. */
        MERGING,
        /** Stopped on request (the daemon stopping); resumes from where it stopped. */
        STOPPED,
        /** Stopped on an error; nothing was lost, the origin still shows the snapshot's image. */
        FAILED,
        /** Every exception merged; the snapshot is released. */
        DONE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Seconds left at the current rate, or -1 when unknown. */
    public long secondsLeft() {
        if (bytesPerSecond <= 0) {
            return -1;
        }
        return (long) Math.ceil((total - merged) * chunkSectors * 512.0 / bytesPerSecond);
    }
}
