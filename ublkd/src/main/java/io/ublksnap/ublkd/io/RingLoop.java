package io.ublksnap.ublkd.io;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.ffi.IoUring;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.c.io_uring_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One I/O thread with its own io_uring: the engine's {@link IoQueue} on real devices.
 *
 * <p>The thread owns the ring (it creates it, so single-issuer rings work): it prepares SQEs for
 * backing I/O directly in the ring, submits them in batches (once per loop turn, or when the SQ is
 * full) and dispatches completions to their callbacks. Tasks from other threads arrive through a
 * queue and an eventfd that the ring keeps a read armed on. Subclasses (a ublk queue) add their own
 * kinds of completions through {@link #onOtherCompletion}.
 *
 * <p>{@code user_data}: the top byte says what completed ({@link #KIND_IO}, {@link #KIND_WAKE}, or a
 * subclass's kind), the rest indexes a slot. Short reads and writes are resumed until done.
 */
public class RingLoop implements IoQueue {
    public static final long KIND_SHIFT = 56;
    public static final long KIND_IO = 1L << KIND_SHIFT;
    public static final long KIND_WAKE = 2L << KIND_SHIFT;
    /** First operations of linked chains: a failure shows as -ECANCELED on the operation they lead to. */
    public static final long KIND_IGNORE = 4L << KIND_SHIFT;
    private static final long KIND_MASK = 0xffL << KIND_SHIFT;

    private static final int OP_READ = 0, OP_WRITE = 1, OP_FSYNC = 2, OP_DISCARD = 3;

    private final String name;
    private final int entries;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Throwable startFailure;
    protected IoUring ring;

    // Backing I/O slots (owned by the loop thread).
    private IoCallback[] callbacks = new IoCallback[64];
    private int[] slotOp = new int[64];
    private int[] slotFd = new int[64];
    private long[] slotAddr = new long[64];
    private int[] slotLen = new int[64];
    private long[] slotOff = new long[64];
    private int[] slotBuf = new int[64];
    private int[] slotFlags = new int[64];
    private int[] slotDone = new int[64];
    private int[] free = new int[64];
    private int freeTop;
    private int inflight;
    private long bytesRead;
    private long bytesWritten;
    private long operations;

    private final ArrayDeque<Runnable> local = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> remote = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private int eventFd = -1;
    private MemorySegment eventBuf;
    private volatile boolean stopRequested;
    private final Arena arena = Arena.ofShared();
    private final io.ublksnap.ffi.CompletionHandler handler = this::onCompletion;

    protected RingLoop(String name, int entries) {
        this.name = name;
        this.entries = entries;
        for (int i = 0; i < free.length; i++) {
            free[i] = free.length - 1 - i;
        }
        freeTop = free.length;
        this.thread = Thread.ofPlatform().name(name).unstarted(this::loop);
    }

    /** Starts a plain loop (no ublk) and waits until its ring is up. */
    public static RingLoop start(String name, int entries) throws NativeException {
        RingLoop l = new RingLoop(name, entries);
        l.startThread();
        return l;
    }

    protected final void startThread() throws NativeException {
        thread.start();
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NativeException("io_uring_queue_init_params", null, io.ublksnap.ffi.Errno.EINTR, "interrupted while starting " + name);
        }
        if (startFailure instanceof NativeException n) {
            throw n;
        }
        if (startFailure != null) {
            throw new IllegalStateException("starting " + name + " failed", startFailure);
        }
    }

    public String name() {
        return name;
    }

    /** Builds the ring; runs on the loop thread. Subclasses may register buffers and files here. */
    protected IoUring createRing() throws NativeException {
        return IoUring.builder().entries(entries)
                .prefer(io_uring_h.IORING_SETUP_SINGLE_ISSUER | io_uring_h.IORING_SETUP_COOP_TASKRUN
                        | io_uring_h.IORING_SETUP_DEFER_TASKRUN)
                .build();
    }

    /** Called on the loop thread once the ring exists, before the loop runs. */
    protected void onStart() throws NativeException {
    }

    /** Called on the loop thread for completions whose kind is not the loop's own. */
    protected void onOtherCompletion(long userData, int res, int flags) {
        throw new IllegalStateException(name + ": completion of unknown kind " + Long.toHexString(userData));
    }

    /** Whether the subclass still has work that keeps the loop alive after a stop request. */
    protected boolean busy() {
        return false;
    }

    /** Called on the loop thread after the loop ended, before the ring closes. */
    protected void onStop() {
    }

    private void loop() {
        try {
            ring = createRing();
            eventFd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
            eventBuf = arena.allocate(8, 8);
            armWake();
            onStart();
        } catch (Throwable t) {
            startFailure = t;
            ready.countDown();
            return;
        }
        ready.countDown();
        try {
            while (true) {
                int n = ring.reap(handler);
                runTasks();
                if (stopRequested && inflight == 0 && local.isEmpty() && remote.isEmpty() && !busy()) {
                    break;
                }
                if (n == 0 && local.isEmpty()) {
                    ring.submitAndWait(1);
                } else {
                    ring.submit();
                }
            }
        } catch (Throwable t) {
            System.err.println("ublkd: " + name + " stopped on an error: " + t);
            t.printStackTrace();
        } finally {
            onStop();
            try {
                ring.close();
                Libc.close(eventFd);
            } catch (NativeException ignored) {
                // shutting down
            }
            arena.close();
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = remote.poll()) != null) {
            local.add(r);
        }
        int budget = 4096;
        while (budget-- > 0 && (r = local.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.err.println("ublkd: " + name + ": task failed: " + e);
                e.printStackTrace();
            }
        }
    }

    private void armWake() {
        ring.prepRead(eventFd, eventBuf.address(), 8, 0, KIND_WAKE);
    }

    private void onCompletion(long userData, int res, int flags) {
        long kind = userData & KIND_MASK;
        if (kind == KIND_IO) {
            ioDone((int) userData, res);
        } else if (kind == KIND_WAKE) {
            wakePending.set(false);
            armWake();
        } else if (kind == KIND_IGNORE) {
            // the linked operation that follows reports for both
        } else {
            onOtherCompletion(userData, res, flags);
        }
    }

    /** Asks the loop to end once it has no work left. */
    public void requestStop() {
        stopRequested = true;
        wake();
    }

    /** Waits for the loop thread to end. */
    public void join() throws InterruptedException {
        thread.join();
    }

    public boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Bytes read from backing devices through this ring (read from the loop thread, or after it stopped). */
    public long bytesRead() {
        return bytesRead;
    }

    /** Bytes written to backing devices through this ring. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Backing I/O operations submitted through this ring. */
    public long operations() {
        return operations;
    }

    /** Backing I/O operations in flight on this ring. */
    public int inflight() {
        return inflight;
    }

    // ---------------------------------------------------------------------------------------
    // IoQueue

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            local.add(task);
            return;
        }
        remote.add(task);
        wake();
    }

    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                Libc.eventfdWrite(eventFd, 1);
            } catch (NativeException e) {
                throw new IllegalStateException("cannot wake " + name, e);
            }
        }
    }

    private int slot(IoCallback cb) {
        operations++;
        if (freeTop == 0) {
            grow();
        }
        int s = free[--freeTop];
        callbacks[s] = cb;
        inflight++;
        return s;
    }

    private void grow() {
        int n = callbacks.length;
        int m = n * 2;
        callbacks = java.util.Arrays.copyOf(callbacks, m);
        slotOp = java.util.Arrays.copyOf(slotOp, m);
        slotFd = java.util.Arrays.copyOf(slotFd, m);
        slotAddr = java.util.Arrays.copyOf(slotAddr, m);
        slotLen = java.util.Arrays.copyOf(slotLen, m);
        slotOff = java.util.Arrays.copyOf(slotOff, m);
        slotBuf = java.util.Arrays.copyOf(slotBuf, m);
        slotFlags = java.util.Arrays.copyOf(slotFlags, m);
        slotDone = java.util.Arrays.copyOf(slotDone, m);
        free = java.util.Arrays.copyOf(free, m);
        for (int i = n; i < m; i++) {
            free[freeTop++] = i;
        }
    }

    private static int fdOf(BackingDevice dev) {
        return ((FileBacking) dev).fd();
    }

    private void start(int s, int op, int fd, IoBuffer buf, long offset, int flags) {
        slotOp[s] = op;
        slotFd[s] = fd;
        slotOff[s] = offset;
        slotFlags[s] = flags;
        slotDone[s] = 0;
        if (buf instanceof SegmentBuffer sb) {
            slotAddr[s] = sb.address();
            slotLen[s] = (int) sb.length();
            slotBuf[s] = sb.fixedIndex();
        } else if (buf instanceof KernelBuffer kb) {
            slotAddr[s] = kb.offset();
            slotLen[s] = (int) kb.length();
            slotBuf[s] = kb.fixedIndex();
        } else {
            throw new IllegalArgumentException("unsupported buffer " + buf);
        }
        issue(s);
    }

    /** A READ, or a READ_FIXED when the buffer is registered ({@code bufIndex >= 0}). */
    private void prepRead(int fd, long addr, int len, long offset, int bufIndex, long userData) {
        if (bufIndex >= 0) {
            ring.prepReadFixed(fd, addr, len, offset, bufIndex, userData);
        } else {
            ring.prepRead(fd, addr, len, offset, userData);
        }
    }

    private void issue(int s) {
        long ud = KIND_IO | s;
        int done = slotDone[s];
        long addr = slotAddr[s] + done;
        int len = slotLen[s] - done;
        long off = slotOff[s] + done;
        int bi = slotBuf[s];
        if (slotOp[s] == OP_READ) {
            prepRead(slotFd[s], addr, len, off, bi, ud);
        } else {
            int rw = (slotFlags[s] & FUA) != 0 ? Libc.RWF_DSYNC : 0;
            if (bi >= 0) {
                ring.prepWriteFixed(slotFd[s], addr, len, off, bi, rw, ud);
            } else {
                ring.prepWrite(slotFd[s], addr, len, off, rw, ud);
            }
        }
    }

    private void ioDone(int s, int res) {
        int op = slotOp[s];
        if (res > 0) {
            if (op == OP_READ) {
                bytesRead += res;
            } else if (op == OP_WRITE) {
                bytesWritten += res;
            }
        }
        if ((op == OP_READ || op == OP_WRITE) && res >= 0) {
            int done = slotDone[s] + res;
            if (res > 0 && done < slotLen[s]) {
                slotDone[s] = done; // short transfer: go on with the rest
                issue(s);
                return;
            }
            if (res == 0 && done < slotLen[s]) {
                res = -Errno.EIO; // end of device
            } else {
                res = done;
            }
        }
        IoCallback cb = callbacks[s];
        callbacks[s] = null;
        free[freeTop++] = s;
        inflight--;
        cb.done(res);
    }

    @Override
    public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback) {
        start(slot(callback), OP_READ, fdOf(dev), buf, offset, 0);
    }

    @Override
    public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback) {
        int s = slot(callback);
        if ((flags & PREFLUSH) != 0) {
            // fdatasync, then the write, chained in the kernel: one submission, one completion to wait for
            ring.prepFsync(fdOf(dev), io_uring_h.IORING_FSYNC_DATASYNC, KIND_IGNORE);
            ring.sqeFlags(io_uring_h.IOSQE_IO_LINK);
        }
        start(s, OP_WRITE, fdOf(dev), buf, offset, flags);
    }

    /** A chunk copy as a read linked to a write: the kernel starts the write when the read is done. */
    @Override
    public void copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, IoCallback callback) {
        IoCallback afterWrite = res -> {
            if (res >= 0) {
                bytesRead += buf.length(); // the linked read completed in full (else the write was cancelled)
            }
            if (res == -io.ublksnap.ffi.Errno.ECANCELED) {
                // the read failed or came up short and cancelled the write: do it step by step
                IoQueue.super.copy(src, srcOffset, dst, dstOffset, buf, callback);
            } else {
                callback.done(res);
            }
        };
        SegmentBuffer sb = (SegmentBuffer) buf;
        prepRead(fdOf(src), sb.address(), (int) sb.length(), srcOffset, sb.fixedIndex(), KIND_IGNORE);
        ring.sqeFlags(io_uring_h.IOSQE_IO_LINK);
        start(slot(afterWrite), OP_WRITE, fdOf(dst), buf, dstOffset, 0);
    }

    @Override
    public void flush(BackingDevice dev, IoCallback callback) {
        int s = slot(callback);
        slotOp[s] = OP_FSYNC;
        ring.prepFsync(fdOf(dev), io_uring_h.IORING_FSYNC_DATASYNC, KIND_IO | s);
    }

    @Override
    public void discard(BackingDevice dev, long offset, long length, IoCallback callback) {
        int s = slot(callback);
        slotOp[s] = OP_DISCARD;
        ring.prepFallocate(fdOf(dev), Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length, KIND_IO | s);
    }

    /** Runs {@code task} on the loop and waits for it; for control-path work from other threads. */
    public <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
        if (onLoopThread()) {
            return task.call();
        }
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** Starts {@code work} on the loop; {@code work} calls the consumer it gets when done, from the loop. */
    public <T> java.util.concurrent.CompletableFuture<T> async(Consumer<java.util.concurrent.CompletableFuture<T>> work) {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                work.accept(f);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Override
    public String toString() {
        return "RingLoop[" + name + "]";
    }
}
