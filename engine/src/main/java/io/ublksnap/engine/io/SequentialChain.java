package io.ublksnap.engine.io;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link IoChain} for a queue that cannot link operations: each is issued when the one before it
 * has completed, through the queue's own methods (one round trip per operation).
 */
final class SequentialChain implements IoChain {
    private interface Step {
        void issue(IoCallback done);
    }

    private final IoQueue queue;
    private final List<Step> steps = new ArrayList<>(4);
    private boolean submitted;

    SequentialChain(IoQueue queue) {
        this.queue = queue;
    }

    @Override
    public IoChain copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, int writeFlags) {
        if (writeFlags == 0) {
            return add(done -> queue.copy(src, srcOffset, dst, dstOffset, buf, done));
        }
        add(done -> queue.read(src, srcOffset, buf, done));
        return add(done -> queue.write(dst, dstOffset, buf, writeFlags, done));
    }

    @Override
    public IoChain write(BackingDevice dev, long offset, IoBuffer buf, int flags) {
        return add(done -> queue.write(dev, offset, buf, flags, done));
    }

    private IoChain add(Step step) {
        if (submitted) {
            throw new IllegalStateException("the chain was submitted already");
        }
        steps.add(step);
        return this;
    }

    @Override
    public void submit(IoCallback callback) {
        if (submitted) {
            throw new IllegalStateException("the chain was submitted already");
        }
        submitted = true;
        if (steps.isEmpty()) {
            queue.execute(() -> callback.done(0));
            return;
        }
        run(0, callback);
    }

    private void run(int i, IoCallback callback) {
        steps.get(i).issue(r -> {
            if (r < 0 || i + 1 == steps.size()) {
                callback.done(r);
            } else {
                run(i + 1, callback);
            }
        });
    }
}
