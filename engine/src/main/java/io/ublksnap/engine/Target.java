package io.ublksnap.engine;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device-facing instance that block requests are submitted to: the origin ({@link Origin}) or
 * one snapshot table ({@link SnapshotTarget}). It can be suspended, the way dm suspends a table:
 * new requests are held back and the suspender learns when the ones in flight have finished.
 *
 * <p>Suspension is exclusive and taken in turn: a second suspender (a snapshot created, or a merge
 * started, while another switch holds the origin) waits until the first one resumes, and the
 * requests held meanwhile stay held until the last one has resumed.
 */
public abstract sealed class Target permits Origin, SnapshotTarget {
    private final AtomicInteger inflight = new AtomicInteger();
    /** This device's request counters. */
    final RequestStats stats = new RequestStats();
    private volatile boolean suspended;
    private final ArrayDeque<BlockRequest> held = new ArrayDeque<>(); // guarded by this
    /** The current suspender's callback, until it has run. Guarded by this. */
    private Runnable whenQuiet;
    /** Suspenders waiting for their turn, in order. Guarded by this. */
    private final ArrayDeque<Runnable> waitingSuspenders = new ArrayDeque<>();

    /** Size of the device this target serves, in sectors. */
    public abstract long sizeSectors();

    /** Starts a request. Its completion runs later, on the request's queue. */
    public final void submit(BlockRequest r) {
        r.target = this;
        r.arrived();
        inflight.incrementAndGet();
        if (suspended) {
            boolean isHeld = false;
            Runnable quiet = null;
            synchronized (this) {
                if (suspended) {
                    inflight.decrementAndGet();
                    held.add(r);
                    isHeld = true;
                    quiet = takeIfQuiet();
                }
            }
            if (quiet != null) {
                quiet.run();
            }
            if (isHeld) {
                return;
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

    /**
     * Hands a request this target will not serve itself to {@code next} (a table that took over
     * from this one): it stops counting here and starts counting there.
     */
    final void forward(BlockRequest r, Target next) {
        finished();
        next.submit(r);
    }

    /** Called once per submitted request, when it completes (or is forwarded). */
    final void finished() {
        if (inflight.decrementAndGet() == 0 && suspended) {
            Runnable quiet;
            synchronized (this) {
                quiet = takeIfQuiet();
            }
            if (quiet != null) {
                quiet.run();
            }
        }
    }

    /**
     * Holds back new requests; {@code whenQuiet} runs once no request is in flight (on this
     * thread, or on the thread that finishes the last request in flight). If another suspender
     * holds the target, this one waits its turn: its {@code whenQuiet} runs after the other has
     * resumed (on the thread that resumed), with the requests still held.
     */
    public final void suspend(Runnable whenQuiet) {
        Runnable quiet;
        synchronized (this) {
            if (suspended) {
                waitingSuspenders.add(whenQuiet);
                return;
            }
            suspended = true;
            this.whenQuiet = whenQuiet;
            quiet = takeIfQuiet();
        }
        if (quiet != null) {
            quiet.run();
        }
    }

    /** The current suspender's callback, if it may run now. Holds the monitor; the caller runs it after leaving. */
    private Runnable takeIfQuiet() {
        if (suspended && whenQuiet != null && inflight.get() == 0) {
            Runnable r = whenQuiet;
            whenQuiet = null;
            return r;
        }
        return null;
    }

    public final boolean suspended() {
        return suspended;
    }

    /**
     * Ends the current suspension: the next suspender waiting gets its turn, or, when none waits,
     * requests go through again, starting with the ones held back (re-submitted to this target,
     * which forwards them if it has handed over to another). A suspender that resumes before its
     * {@code whenQuiet} ran gives up its turn (the callback will not run).
     */
    public final void resume() {
        Runnable quiet = null;
        List<BlockRequest> release = List.of();
        synchronized (this) {
            if (!suspended) {
                return;
            }
            Runnable next = waitingSuspenders.poll();
            if (next != null) {
                whenQuiet = next;
                quiet = takeIfQuiet();
            } else {
                suspended = false;
                whenQuiet = null;
                release = List.copyOf(held);
                held.clear();
            }
        }
        if (quiet != null) {
            quiet.run();
        }
        for (BlockRequest r : release) {
            r.queue().execute(() -> submit(r));
        }
    }

    /** The requests this target has answered, by kind. */
    public final RequestStats stats() {
        return stats;
    }

    /** Requests in flight now. */
    public final int inflight() {
        return inflight.get();
    }
}
