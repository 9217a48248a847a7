package io.ublksnap.engine;

import io.ublksnap.engine.io.IoQueue;

/**
 * Something a request or a merge step waits for and is then retried after: an exception being
 * made ({@link PendingException}), or room in a COW that is growing ({@link Snapshot.RoomWait}).
 * Guarded by the origin's lock.
 */
interface Wait {
    /** Runs {@code task} on {@code queue} once the wait is over. */
    void addWaiter(IoQueue queue, Runnable task);
}
