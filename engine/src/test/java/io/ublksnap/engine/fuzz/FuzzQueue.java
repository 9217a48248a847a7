package io.ublksnap.engine.fuzz;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoQueue;

import java.io.IOException;
import java.util.ArrayDeque;

/** An IoQueue on the calling thread over any device's blocking methods: callbacks run in {@link #drain}. */
final class FuzzQueue implements IoQueue {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    private static int result(IoBuffer buf, IoAction a) {
        try {
            a.run();
            return (int) buf.length();
        } catch (IOException e) {
            return -5;
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    @Override
    public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback) {
        int r = result(buf, () -> dev.readSync(offset, buf));
        execute(() -> callback.done(r));
    }

    @Override
    public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback) {
        int r = result(buf, () -> dev.writeSync(offset, buf));
        execute(() -> callback.done(r));
    }

    @Override
    public void flush(BackingDevice dev, IoCallback callback) {
        execute(() -> callback.done(0));
    }

    @Override
    public void discard(BackingDevice dev, long offset, long length, IoCallback callback) {
        execute(() -> callback.done(0));
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs callbacks until none is left, or fails after {@code limit} (a loop). */
    void drain(int limit) {
        for (int n = 0; !tasks.isEmpty(); n++) {
            if (n > limit) {
                throw new AssertionError("more than " + limit + " callbacks: a loop");
            }
            tasks.poll().run();
        }
    }

    void clear() {
        tasks.clear();
    }
}
