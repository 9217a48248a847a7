package io.ublksnap.engine.io;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Pooled, aligned, off-heap buffers for chunk copies, with a bound on the memory they take.
 *
 * <p>Buffers come in power-of-two size classes from 4 KiB. When the bound is reached, an
 * {@link #acquire} waits (the caller's continuation runs later on its queue) until a buffer is
 * released; this bounds the copies in flight the way the kernel's {@code cow_count} does.
 * A request larger than the bound is still served when nothing else is outstanding, so no caller
 * can wait forever. Thread-safe.
 */
public final class BufferPool {
    private static final int MIN_CLASS_SHIFT = 12;
    private static final int MAX_CLASSES = 31 - MIN_CLASS_SHIFT;

    private record Waiter(int sizeClass, IoQueue queue, Consumer<IoBuffer> then) {
    }

    private final BufferAllocator allocator;
    private final long maxBytes;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<IoBuffer>[] free = new ArrayDeque[MAX_CLASSES];
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long bytesOutstanding; // handed out, not yet released
    private long bytesFree;        // pooled, ready to hand out

    public BufferPool(BufferAllocator allocator, long maxBytes) {
        this.allocator = allocator;
        this.maxBytes = maxBytes;
        for (int i = 0; i < MAX_CLASSES; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** The buffer size that a request for {@code size} bytes is served with. */
    public static int classSize(int size) {
        return 1 << (sizeClassOf(size) + MIN_CLASS_SHIFT);
    }

    private static int sizeClassOf(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("buffer size must be positive: " + size);
        }
        int shift = 32 - Integer.numberOfLeadingZeros(size - 1);
        return Math.max(0, shift - MIN_CLASS_SHIFT);
    }

    /**
     * Hands a buffer of at least {@code size} bytes to {@code then}: at once, on the calling thread,
     * when memory is available; otherwise later, on {@code queue}'s thread. Give it back with
     * {@link #release}. Waiters are served in order.
     */
    public void acquire(int size, IoQueue queue, Consumer<IoBuffer> then) {
        int sc = sizeClassOf(size);
        IoBuffer buf;
        synchronized (this) {
            buf = waiters.isEmpty() ? take(sc) : null;
            if (buf == null) {
                waiters.add(new Waiter(sc, queue, then));
                return;
            }
        }
        then.accept(buf);
    }

    /** A buffer of at least {@code size} bytes if one is available now, else null. */
    public IoBuffer tryAcquire(int size) {
        int sc = sizeClassOf(size);
        synchronized (this) {
            return waiters.isEmpty() ? take(sc) : null;
        }
    }

    /** Returns a buffer obtained from this pool. */
    public void release(IoBuffer buf) {
        int sc = sizeClassOf((int) buf.length());
        if (classSize((int) buf.length()) != buf.length()) {
            throw new IllegalArgumentException("not a pool buffer: " + buf);
        }
        ArrayDeque<Waiter> ready = null; // made only when a waiter is served: a release without one allocates nothing
        ArrayDeque<IoBuffer> given = null;
        synchronized (this) {
            bytesOutstanding -= buf.length();
            free[sc].push(buf);
            bytesFree += buf.length();
            while (!waiters.isEmpty()) {
                Waiter w = waiters.peek();
                IoBuffer b = take(w.sizeClass);
                if (b == null) {
                    break;
                }
                waiters.poll();
                if (ready == null) {
                    ready = new ArrayDeque<>(1);
                    given = new ArrayDeque<>(1);
                }
                ready.add(w);
                given.add(b);
            }
        }
        if (ready == null) {
            return;
        }
        while (!ready.isEmpty()) {
            Waiter w = ready.poll();
            IoBuffer b = given.poll();
            w.queue.execute(() -> w.then.accept(b));
        }
    }

    /** Bytes currently handed out. */
    public synchronized long bytesOutstanding() {
        return bytesOutstanding;
    }

    // Caller holds the monitor.
    private IoBuffer take(int sc) {
        long size = 1L << (sc + MIN_CLASS_SHIFT);
        IoBuffer buf = free[sc].poll();
        if (buf != null) {
            bytesFree -= size;
            bytesOutstanding += size;
            return buf;
        }
        // Make room by dropping pooled buffers of other sizes (their memory goes back to the allocator's owner).
        for (int i = 0; bytesOutstanding + bytesFree + size > maxBytes && i < MAX_CLASSES; i++) {
            while (!free[i].isEmpty() && bytesOutstanding + bytesFree + size > maxBytes) {
                free[i].poll();
                bytesFree -= 1L << (i + MIN_CLASS_SHIFT);
            }
        }
        if (bytesOutstanding + size > maxBytes && bytesOutstanding > 0) {
            return null;
        }
        bytesOutstanding += size;
        return allocator.allocate((int) size);
    }
}
