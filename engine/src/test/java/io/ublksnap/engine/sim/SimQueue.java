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

    /**
     * A backing operation in flight: what it does to the device, then its completion. When the
     * daemon dies ({@link SimScheduler#processCrash}), the kernel still finishes the I/O it had
     * submitted, or not: the device part may happen without the completion.
     */
    public static final class IoOp implements Runnable {
        private final java.util.function.IntSupplier device;
        private final IoCallback callback;
        /** For a write: lands some of its sectors (a power loss in the middle of it); null otherwise. */
        private final java.util.function.Consumer<java.util.Random> tear;

        IoOp(java.util.function.IntSupplier device, IoCallback callback) {
            this(device, callback, null);
        }

        IoOp(java.util.function.IntSupplier device, IoCallback callback, java.util.function.Consumer<java.util.Random> tear) {
            this.device = device;
            this.callback = callback;
            this.tear = tear;
        }

        /** A power loss while this write was in flight: some of its sectors reached the media. */
        void tear(java.util.Random random) {
            if (tear != null) {
                tear.accept(random);
            }
        }

        @Override
        public void run() {
            callback.done(device.getAsInt());
        }

        /** The device part alone: the daemon that would have heard of it is gone. */
        void landOnly() {
            device.getAsInt();
        }
    }

    @Override
    public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback) {
        operations++;
        scheduler.add(new IoOp(() -> sim(dev).doRead(offset, buf), callback));
    }

    @Override
    public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback) {
        operations++;
        if ((flags & PREFLUSH) != 0) {
            long position = sim(dev).logPosition();
            scheduler.add(new IoOp(() -> {
                int f = sim(dev).doFlush(position);
                return f < 0 ? f : sim(dev).doWrite(offset, buf, (flags & FUA) != 0);
            }, callback, r -> {
                // A sector of a preflushed write on the media means the flush before it was done.
                sim(dev).doFlush(position);
                sim(dev).tear(offset, buf, r);
            }));
            return;
        }
        scheduler.add(new IoOp(() -> sim(dev).doWrite(offset, buf, (flags & FUA) != 0), callback, r -> sim(dev).tear(offset, buf, r)));
    }

    @Override
    public void flush(BackingDevice dev, IoCallback callback) {
        operations++;
        long position = sim(dev).logPosition();
        scheduler.add(new IoOp(() -> sim(dev).doFlush(position), callback));
    }

    @Override
    public void discard(BackingDevice dev, long offset, long length, IoCallback callback) {
        operations++;
        scheduler.add(new IoOp(() -> sim(dev).doDiscard(offset, length), callback));
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
