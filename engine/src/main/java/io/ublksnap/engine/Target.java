package io.ublksnap.engine;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device-facing instance that block requests are submitted to: the origin ({@link Origin}) or
 * one snapshot table ({@link SnapshotTarget}). It can be suspended, the way dm suspends a table:
 * new requests are held back and the caller learns when the ones in flight have finished.
 */
public abstract sealed class Target permits Origin, SnapshotTarget {
    private final AtomicInteger inflight = new AtomicInteger();
    private volatile boolean suspended;
    private final ArrayDeque<BlockRequest> held = new ArrayDeque<>(); // guarded by this
    private Runnable whenQuiet; // guarded by this

    /** Size of the device this target serves, in sectors. */
    public abstract long sizeSectors();

    /** Starts a request. Its completion runs later, on the request's queue. */
    public final void submit(BlockRequest r) {
        r.target = this;
        inflight.incrementAndGet();
        if (suspended) {
            synchronized (this) {
                if (suspended) {
                    inflight.decrementAndGet();
                    held.add(r);
                    checkQuiet();
                    return;
                }
            }
        }
        map(r);
    }

    /** Decides where a request goes and starts its backing I/O (or queues it behind a wait). */
    abstract void map(BlockRequest r);

    /** Runs the mapping again for a request that waited (the target may have changed meanwhile). */
    final void remap(BlockRequest r) {
        map(r);
    }

    /** Called once per submitted request, when it completes. */
    final void finished() {
        if (inflight.decrementAndGet() == 0 && suspended) {
            synchronized (this) {
                checkQuiet();
            }
        }
    }

    /**
     * Holds back new requests; {@code whenQuiet} runs (on this thread, or on the thread that
     * finishes the last request in flight) once no request is in flight.
     */
    public final void suspend(Runnable whenQuiet) {
        synchronized (this) {
            if (this.whenQuiet != null) {
                throw new SnapshotException("target is already being suspended");
            }
            suspended = true;
            this.whenQuiet = whenQuiet;
            checkQuiet();
        }
    }

    private void checkQuiet() {
        if (suspended && whenQuiet != null && inflight.get() == 0) {
            Runnable r = whenQuiet;
            whenQuiet = null;
            r.run();
        }
    }

    public final boolean suspended() {
        return suspended;
    }

    /** Lets requests through again, starting with the ones held back. */
    public final void resume() {
        resumeInto(this);
    }

    /**
     * Lets requests through again, sending the ones held back to {@code next} instead: after a
     * table reload, the device's held requests go to its new table.
     */
    public final void resumeInto(Target next) {
        ArrayDeque<BlockRequest> release;
        synchronized (this) {
            suspended = false;
            whenQuiet = null;
            release = new ArrayDeque<>(held);
            held.clear();
        }
        for (BlockRequest r : release) {
            r.queue().execute(() -> next.submit(r));
        }
    }

    /** Requests in flight now. */
    public final int inflight() {
        return inflight.get();
    }
}
