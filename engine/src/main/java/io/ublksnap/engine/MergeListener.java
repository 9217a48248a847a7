package io.ublksnap.engine;

/** Hears how a merge goes. Called from the merge's queue thread. */
public interface MergeListener {
    /**
     * The origin shows the snapshot's image from now on (called once, while the origin is still
     * suspended for the switch: no request of the origin is in flight).
     */
    default void started() {
    }

    /** {@code merged} of {@code total} chunks are in the origin now. */
    default void progress(long merged, long total) {
    }

    /** Every exception is merged; the snapshot is released. */
    default void completed() {
    }

    /** The merge stopped on an error; nothing was lost, the origin still shows the snapshot's image. */
    default void failed(String reason) {
    }

    /** The merge was stopped on request; it resumes from where it stopped. */
    default void stopped() {
    }
}
