package io.ublksnap.engine.io;

/**
 * Completion of one backing I/O operation.
 *
 * <p>{@code result} is zero or positive on success (for reads and writes: the byte count) and a
 * negative errno on failure ({@link Errno}). The callback runs on the thread of the {@link IoQueue}
 * that the operation was submitted to, never inside the submitting call.
 */
@FunctionalInterface
public interface IoCallback {
    void done(int result);
}
