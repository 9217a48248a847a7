package io.ublksnap.engine.sim;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoQueue;

import java.util.ArrayDeque;

/**
 * A simulated I/O thread: every operation becomes an event of the {@link SimScheduler} that does
 * the I/O when it runs (reads see the device as it is then), and posted tasks run in order, one
 * scheduler event each. Several SimQueues stand for several ublk queues on several threads.
 */
public final class SimQueue implements IoQueue {
    private final SimScheduler scheduler;
    private final String name;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean tokenQueued;
    public long operations;

    public SimQueue(SimScheduler scheduler, String name) {
        this.scheduler = scheduler;
        this.name = name;
    }

    private static SimDevice sim(BackingDevice dev) {
        return (SimDevice) dev;
    }

    @Override
    public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback) {
        operations++;
        scheduler.add(() -> callback.done(sim(dev).doRead(offset, buf)));
    }

    @Override
    public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback) {
        operations++;
        if ((flags & PREFLUSH) != 0) {
            long position = sim(dev).logPosition();
            scheduler.add(() -> {
                int f = sim(dev).doFlush(position);
                callback.done(f < 0 ? f : sim(dev).doWrite(offset, buf, (flags & FUA) != 0));
            });
            return;
        }
        scheduler.add(() -> callback.done(sim(dev).doWrite(offset, buf, (flags & FUA) != 0)));
    }

    @Override
    public void flush(BackingDevice dev, IoCallback callback) {
        operations++;
        long position = sim(dev).logPosition();
        scheduler.add(() -> callback.done(sim(dev).doFlush(position)));
    }

    @Override
    public void discard(BackingDevice dev, long offset, long length, IoCallback callback) {
        operations++;
        scheduler.add(() -> callback.done(sim(dev).doDiscard(offset, length)));
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!tokenQueued) {
            tokenQueued = true;
            scheduler.add(this::runOne);
        }
    }

    private void runOne() {
        Runnable t = tasks.poll();
        if (tasks.isEmpty()) {
            tokenQueued = false;
        } else {
            scheduler.add(this::runOne);
        }
        if (t != null) {
            t.run();
        }
    }

    /** A crash: queued tasks are lost with everything else. */
    public void dropAll() {
        tasks.clear();
        tokenQueued = false;
    }

    @Override
    public String toString() {
        return "SimQueue[" + name + "]";
    }
}
