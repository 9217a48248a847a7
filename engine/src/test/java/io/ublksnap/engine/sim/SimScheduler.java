package io.ublksnap.engine.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded, single-threaded scheduler: everything that would happen concurrently (backing I/O
 * completing, tasks posted to queues) is an event, and each step runs one ready event chosen at
 * random. The same seed gives the same interleaving, so a failure is replayed by its seed.
 */
public final class SimScheduler {
    private final Random random;
    private final List<Runnable> ready = new ArrayList<>();
    private long steps;
    /** Probability of picking the event in slot 0 instead of a random one: varies reordering per seed. */
    private final double fifoBias;

    public SimScheduler(long seed) {
        this.random = new Random(seed);
        this.fifoBias = random.nextDouble() * 0.5;
    }

    public Random random() {
        return random;
    }

    void add(Runnable event) {
        ready.add(event);
    }

    public boolean idle() {
        return ready.isEmpty();
    }

    public int readyCount() {
        return ready.size();
    }

    public long steps() {
        return steps;
    }

    /** Runs one ready event; false when none is ready. */
    public boolean step() {
        if (ready.isEmpty()) {
            return false;
        }
        int i = random.nextDouble() < fifoBias ? 0 : random.nextInt(ready.size());
        Runnable e = ready.get(i);
        ready.set(i, ready.getLast());
        ready.removeLast();
        steps++;
        e.run();
        return true;
    }

    /** Runs up to {@code n} events. */
    public void run(int n) {
        for (int i = 0; i < n && step(); i++) {
            // keep going
        }
    }

    /** Runs until nothing is ready, failing after {@code limit} steps (a livelock). */
    public void runUntilIdle(long limit) {
        long start = steps;
        while (step()) {
            if (steps - start > limit) {
                throw new IllegalStateException("no quiescence after " + limit + " steps (" + ready.size() + " ready)");
            }
        }
    }

    /** Everything in flight is lost, and nothing of it happened. */
    public void dropAll() {
        ready.clear();
    }

    /**
     * A power loss: everything in flight is lost, and each write in flight may have reached the
     * media in part, some of its 512-byte sectors new and the others old. Returns how many tore.
     */
    public int powerLoss() {
        int torn = 0;
        for (Runnable e : ready) {
            if (e instanceof SimQueue.IoOp op && random.nextInt(4) == 0) {
                op.tear(random);
                torn++;
            }
        }
        ready.clear();
        return torn;
    }

    /**
     * The daemon dies: its tasks are gone, and each backing I/O it had submitted reaches the
     * device or not (the kernel finishes what it was given; nobody hears of it). Returns how many
     * landed.
     */
    public int processCrash() {
        int landed = 0;
        for (Runnable e : ready) {
            if (e instanceof SimQueue.IoOp op && random.nextBoolean()) {
                op.landOnly();
                landed++;
            }
        }
        ready.clear();
        return landed;
    }
}
