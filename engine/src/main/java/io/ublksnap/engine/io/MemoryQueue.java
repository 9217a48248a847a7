package io.ublksnap.engine.io;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link IoQueue} over {@link MemoryDevice}s: each operation is done at once and its callback
 * queued, so callbacks never run inside the submitting call. Run it on a thread of its own
 * ({@link #start}) or drive it from the caller ({@link #runUntilIdle}).
 */
public final class MemoryQueue implements IoQueue {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile Thread thread;
    private volatile boolean stopping;

    @Override
    public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback) {
        int r = ((MemoryDevice) dev).read(offset, buf);
        execute(() -> callback.done(r));
    }

    @Override
    public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback) {
        int r = ((MemoryDevice) dev).write(offset, buf);
        execute(() -> callback.done(r));
    }

    @Override
    public void flush(BackingDevice dev, IoCallback callback) {
        execute(() -> callback.done(0));
    }

    @Override
    public void discard(BackingDevice dev, long offset, long length, IoCallback callback) {
        int r = ((MemoryDevice) dev).discard(offset, length);
        execute(() -> callback.done(r));
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }

    /** Runs queued tasks on the calling thread until none is left; returns how many ran. */
    public int runUntilIdle() {
        int n = 0;
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    /** Runs the queue on a daemon thread of its own until {@link #stop}. */
    public MemoryQueue start(String name) {
        Thread t = Thread.ofPlatform().daemon().name(name).unstarted(() -> {
            while (!stopping) {
                if (runUntilIdle() == 0) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        });
        thread = t;
        t.start();
        return this;
    }

    public void stop() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
