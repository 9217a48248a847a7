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
    /** The last operation's own callback ({@link #writeLast}), or null. */
    private IoCallback own;
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

    @Override
    public IoChain writeLast(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback own) {
        if (steps.isEmpty()) {
            throw new IllegalStateException("the chain's last write needs an operation before it");
        }
        add(done -> queue.write(dev, offset, buf, flags, done));
        this.own = own;
        return this;
    }

    private IoChain add(Step step) {
        if (submitted) {
            throw new IllegalStateException("the chain was submitted already");
        }
        if (own != null) {
            throw new IllegalStateException("nothing goes after the chain's last write");
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
        int before = own == null ? steps.size() : steps.size() - 1;
        if (before == 0) {
            queue.execute(() -> callback.done(0));
            return;
        }
        run(0, before, callback);
    }

    private void end(IoCallback callback, int result, int ownResult) {
        if (own == null) {
            callback.done(result);
            return;
        }
        try {
            callback.done(result);
        } finally { // the last write is a request's: answered even if the callback threw
            own.done(ownResult);
        }
    }

    private void run(int i, int before, IoCallback callback) {
        steps.get(i).issue(r -> {
            if (own != null && r >= 0 && i + 1 == before) {
                // As a ring does it: the last write starts as soon as the one before it is done, and
                // the chain is over (both callbacks) when it is.
                steps.get(before).issue(ownResult -> end(callback, r, ownResult));
            } else if (r < 0 || i + 1 == before) {
                end(callback, r, -Errno.ECANCELED);
            } else {
                run(i + 1, before, callback);
            }
        });
    }
}
