package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.daemon.Registry.Dev;
import io.ublksnap.ublkd.daemon.Registry.Family;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One operation at a time per {@link Family} (an origin and its snapshots), in arrival order; status
 * never takes a lane. An operation that cannot get its family's lane within {@code laneWait} is
 * refused as busy, naming what runs and for how long. Paths an operation claims for a device it is
 * making are released when it ends. Engine steps are awaited here.
 */
final class Lanes {
    interface Step<T> {
        T run() throws IOException;
    }

    private final Registry registry;
    private final Duration laneWait;
    /** Paths the running operation claimed; released when it ends, by then registered or not used. */
    private final ThreadLocal<List<String>> claims = ThreadLocal.withInitial(ArrayList::new);
    private volatile boolean closing;

    Lanes(Registry registry, Duration laneWait) {
        this.registry = registry;
        this.laneWait = laneWait;
    }

    /** Runs {@code step} as the family's only operation; refuses if the family stays busy longer than laneWait. */
    <T> T inFamily(Family f, String what, Step<T> step) throws IOException {
        if (closing) {
            throw new SnapshotException("ublkd is stopping: try again once it is back");
        }
        boolean got;
        try {
            got = f.lane.tryAcquire(laneWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what);
        }
        if (!got) {
            String busy = f.busyWith;
            long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - f.busySinceNanos);
            throw new SnapshotException("cannot " + what + " now: '" + (busy == null ? "another operation" : busy)
                    + "' on the same origin has been running for " + secs + " s; try again when it is done (see 'ublkd status')");
        }
        return holding(f, what, step);
    }

    /** As {@link #inFamily}, waiting as long as it takes (for work the engine started by itself, e.g. a finished merge). */
    <T> T inFamilyEventually(Family f, String what, Step<T> step) throws IOException {
        f.lane.acquireUninterruptibly();
        return holding(f, what, step);
    }

    private <T> T holding(Family f, String what, Step<T> step) throws IOException {
        f.busyWith = what;
        f.busySinceNanos = System.nanoTime();
        List<String> mine = claims.get();
        int before = mine.size();
        try {
            return step.run();
        } finally {
            while (mine.size() > before) {
                registry.unclaim(mine.removeLast());
            }
            f.busyWith = null;
            f.lane.release();
        }
    }

    /** Waits for an engine step; its failure is thrown as it is. */
    static <T> T await(CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** Waits at most {@code d} for an engine step (for a stop that must end). */
    static <T> T await(CompletionStage<T> stage, Duration d, String what) throws IOException {
        try {
            return stage.toCompletableFuture().get(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (TimeoutException e) {
            throw new IOException(what + " did not finish within " + d.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static IOException rethrow(Throwable c) {
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof IOException io) {
            return io;
        }
        if (c instanceof RuntimeException re) {
            throw re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IOException(c.getMessage(), c);
    }

    /** From now on operations are refused: the daemon is stopping. */
    void closing() {
        closing = true;
    }

    /** Claims {@code path} for the running operation (see {@link Registry#claim}). */
    void claim(String path, Dev self) {
        claims.get().add(registry.claim(path, self));
    }

    /** Waits at most {@code d} for a family's lane (a stop); what holds it, when it does not come. */
    String tryTake(Family f, Duration d) {
        try {
            if (f.lane.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String busy = f.busyWith;
        return busy == null ? "an operation" : busy;
    }
}
