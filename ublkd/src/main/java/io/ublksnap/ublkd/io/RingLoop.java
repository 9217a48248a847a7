package io.ublksnap.ublkd.io;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.io.IoCallback;
import io.ublksnap.engine.io.IoChain;
import io.ublksnap.engine.io.IoQueue;
import io.ublksnap.ffi.CompletionHandler;
import io.ublksnap.ffi.Errno;
import io.ublksnap.ffi.IoUring;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.c.io_uring_h;
import io.ublksnap.ublkd.log.Log;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * One I/O thread with its own io_uring: the engine's {@link IoQueue} on real devices.
 *
 * <p><b>Thread and ring.</b> The thread owns the ring (it creates it, so single-issuer rings work):
 * it prepares SQEs for backing I/O directly in the ring, submits them once per loop turn, and
 * dispatches completions. Tasks from other threads arrive through a queue and an eventfd that the
 * ring keeps a read armed on. Code that composes a loop with work of its own (a ublk queue) runs on
 * the thread through {@link #call}, prepares its SQEs on {@link #ring()} and gets its completions
 * through a {@link Handler} it {@link #register registered}; {@link UserData} is the one encoding
 * of {@code user_data} for all of them.
 *
 * <p><b>Operations.</b> Every SQE the loop submits for backing I/O has a slot of its own, which
 * keeps the operation's buffer until that SQE's own completion: nothing the kernel may still read
 * or write is handed back early. Short reads and writes are resumed until done. A read linked to a
 * write (a chunk copy) and an fdatasync linked to a write (a metadata commit) are chains of two
 * slots with one callback: the ring reserves room for both before the first, so the chain reaches
 * the kernel in one submission; the callback runs once both have completed, with the first error,
 * or the write's byte count. When the first operation came up short, the kernel cancelled the
 * second; the first is resumed and the second issued again after it.
 *
 * <p><b>Failures.</b> An exception thrown by a completion's callback, a handler or a task is
 * reported and confined to that completion or task: the loop goes on serving. An {@link Error}
 * (out of memory, a stack overflow) ends the loop: what it left half done cannot be trusted. The
 * ring is closed then, so the kernel cancels everything still queued on it (a ublk device fails
 * its requests instead of waiting for answers that will never come), waiting {@link #call}s fail,
 * and {@link #terminated()} completes with the error.
 */
public final class RingLoop implements IoQueue {

    private static final Log LOG = Log.system();

    /**
     * System property: SQ entries of every loop's ring, in place of what its owner asks for (a power
     * of two up to 32768). Tests set it small to put linked chains under pressure.
     */
    public static final String ENTRIES_PROPERTY = "ublkd.ringEntries";

    /** Receives the completions of one kind of work {@link #register registered} with a loop. */
    @FunctionalInterface
    public interface Handler {
        /** On the loop thread: the SQE with {@code UserData.of(kind, index)} completed with {@code res}. */
        void complete(int index, int res, int flags);
    }

    private static final int OP_READ = 0, OP_WRITE = 1, OP_FSYNC = 2, OP_DISCARD = 3;
    private static final int PENDING = Integer.MIN_VALUE;
    private static final int NO_SLOT = -1;

    private final String name;
    private final int entries;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Throwable startFailure;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private IoUring ring;
    private final CompletionHandler dispatcher = this::dispatch;
    private final Handler[] handlers = new Handler[UserData.KINDS];
    private int nextKind = UserData.FIRST_REGISTERED;
    /** Run at the end of every turn, before what it prepared is submitted ({@link #beforeSubmit}). */
    private IntSupplier[] beforeSubmit = new IntSupplier[0];
    /** How long a turn whose hook failed waits for a completion before the hook runs again. */
    private static final java.time.Duration HOOK_RETRY = java.time.Duration.ofMillis(1);
    /** Whether a hook failed in the turn before (reported once until the hooks succeed again). */
    private boolean hookFailing;

    // Operation slots, owned by the loop thread. One slot per SQE of backing I/O.
    private int[] slotOp = new int[64];
    private int[] slotFd = new int[64];
    /** Where the data is ({@link NativeBuffer#ringAddress()}); for a discard, its length. */
    private long[] slotAddr = new long[64];
    private int[] slotLen = new int[64];
    private long[] slotOff = new long[64];
    private int[] slotBuf = new int[64];
    private int[] slotRw = new int[64];
    /** Bytes transferred so far (short transfers are resumed). */
    private int[] slotDone = new int[64];
    /** The final result, or {@link #PENDING}. */
    private int[] slotResult = new int[64];
    /** The slot linked after this one in its chain, or {@link #NO_SLOT}. */
    private int[] slotNext = new int[64];
    /** The chain's first slot, which holds its callback and how many of its slots are pending. */
    private int[] slotHead = new int[64];
    private int[] chainPending = new int[64];
    private IoCallback[] callbacks = new IoCallback[64];
    /** The buffer the slot's SQE reads into or writes from, held until its completion. */
    private NativeBuffer[] buffers = new NativeBuffer[64];
    private int[] free = new int[64];
    private int freeTop;
    private int inflight;
    /** Chains of more than one slot in flight, and the head of the last one set up (NO_SLOT once it is over). */
    private int linkedChains;
    private int linkedHead = NO_SLOT;
    private long bytesRead;
    private long bytesWritten;
    private long operations;

    private final ArrayDeque<Runnable> local = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> remote = new ConcurrentLinkedQueue<>();
    /** Guards {@link #ended}, {@link #wakePending} and writes to the eventfd. */
    private final Object gate = new Object();
    private boolean ended;
    private boolean wakePending;
    private int eventFd = -1;
    /** Whether the read on the eventfd is queued or in flight (loop thread). */
    private boolean wakeArmed;
    private MemorySegment eventBuf;
    private volatile boolean stopRequested;
    private final Arena arena = Arena.ofShared();

    private RingLoop(String name, int entries) {
        this.name = name;
        this.entries = Integer.getInteger(ENTRIES_PROPERTY, entries);
        for (int i = 0; i < free.length; i++) {
            free[i] = free.length - 1 - i;
        }
        freeTop = free.length;
        this.thread = Thread.ofPlatform().name(name).unstarted(this::run);
    }

    /**
     * Starts a loop whose ring has {@code entries} SQ slots (or what {@link #ENTRIES_PROPERTY} says)
     * and waits until the ring is up.
     */
    public static RingLoop start(String name, int entries) throws NativeException {
        RingLoop l = new RingLoop(name, entries);
        l.thread.start();
        try {
            l.ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            l.requestStop();
            throw new NativeException("io_uring_queue_init_params", null, Errno.EINTR, "interrupted while starting " + name);
        }
        if (l.startFailure instanceof NativeException n) {
            throw n;
        }
        if (l.startFailure != null) {
            throw new IllegalStateException("starting " + name + " failed", l.startFailure);
        }
        return l;
    }

    public String name() {
        return name;
    }

    /** The ring; only for code running on the loop thread. */
    public IoUring ring() {
        checkLoopThread();
        return ring;
    }

    /**
     * Sends completions of a new kind to {@code handler}; returns the kind for {@link UserData#of}.
     * On the loop thread.
     */
    public int register(Handler handler) {
        checkLoopThread();
        if (nextKind == UserData.KINDS) {
            throw new IllegalStateException(name + ": no completion kind left");
        }
        handlers[nextKind] = handler;
        return nextKind++;
    }

    /**
     * On the loop thread: runs {@code hook} in every turn after the completions and tasks, before the turn's
     * submission (work that gathers during a turn and goes to the kernel as one SQE, e.g. ublk's batched answers).
     * The hook returns how many of the SQEs it prepared complete during the submission itself (a command the
     * kernel handles inline): the turn's wait counts them in, so that their completions, there at once, do not
     * end the wait for the next real event (at depth 1 that would be a second io_uring_enter per request).
     * A hook that throws is reported and run again at the next turn, after a wait of at most a millisecond: it
     * is to keep what it could not send for then.
     */
    public void beforeSubmit(IntSupplier hook) {
        checkLoopThread();
        beforeSubmit = Arrays.copyOf(beforeSubmit, beforeSubmit.length + 1);
        beforeSubmit[beforeSubmit.length - 1] = hook;
    }

    /**
     * On the loop thread, outside the loop's own turn (in a task): submits what is prepared, waits up
     * to {@code timeout} for a completion and dispatches every completion that has arrived. Returns
     * how many.
     */
    public int awaitCompletions(Duration timeout) throws NativeException {
        checkLoopThread();
        ring.submitAndWait(1, timeout);
        return ring.reap(dispatcher);
    }

    private void checkLoopThread() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException(name + "'s ring belongs to its own thread, not " + Thread.currentThread().getName());
        }
    }

    /** Sets the ring up the one way every loop has it; runs on the loop thread. */
    private IoUring createRing() throws NativeException {
        // Completions of ublk's uring_cmd arrive by task work: cooperative task running suits them.
        return IoUring.builder().entries(entries)
                .prefer(io_uring_h.IORING_SETUP_SINGLE_ISSUER | io_uring_h.IORING_SETUP_COOP_TASKRUN
                        | io_uring_h.IORING_SETUP_DEFER_TASKRUN)
                .build();
    }

    private void run() {
        try {
            ring = createRing();
            eventFd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
            eventBuf = arena.allocate(8, 8);
            armWake();
        } catch (Throwable t) {
            startFailure = t;
            shutDown(t);
            ready.countDown();
            return;
        }
        ready.countDown();
        Throwable fatal = null;
        try {
            while (turn()) {
                // The loop is all in turn(): a method the JIT compiles after some calls. A loop body
                // inlined here would run interpreted until an on-stack replacement, which counts loop
                // turns by the tens of thousands, and again after every deoptimization of it (a class
                // loaded that the compiled body assumed absent: a new callback, a new request kind).
            }
        } catch (Throwable t) {
            fatal = t;
            LOG.log(System.Logger.Level.ERROR, name + " stopped on an error; what it served fails from now on: " + t, t);
        } finally {
            shutDown(fatal);
        }
    }

    /**
     * One turn of the loop: completions, then tasks, then what the turn prepared goes to the kernel
     * with the wait for the next completion. False once the loop has ended.
     */
    private boolean turn() throws NativeException {
        int n = ring.reap(dispatcher);
        runTasks();
        int prompt = 0;
        boolean hookFailed = false;
        for (IntSupplier hook : beforeSubmit) {
            try {
                prompt += hook.getAsInt();
            } catch (RuntimeException e) {
                // e.g. no SQE to be had (the kernel took no entry): what the hook holds may be what every
                // completion waits for (ublk's answers), so this turn waits at most HOOK_RETRY and the next tries again
                hookFailed = true;
                if (!hookFailing) {
                    report("a hook before the submit failed (tried again every turn until it succeeds)", e);
                }
            }
        }
        hookFailing = hookFailed;
        if (stopRequested && inflight == 0 && local.isEmpty() && ring.sqPending() == 0 && endIfNoTasks()) {
            return false;
        }
        if (!wakeArmed) {
            armWake();
        }
        try {
            // What this turn prepared goes to the kernel with the wait for the next completion: one
            // io_uring_enter per turn (a completion already in the ring ends the wait at once). Tasks of
            // this thread still to run must not wait; nor a stopping loop after completions, whose next
            // turn must see the SQ drained (a completed wake re-arms itself) to end.
            if (hookFailed) {
                // a short wait that still runs the ring's task work (a plain submit does not, under
                // DEFER_TASKRUN), so that the completions the kernel holds get reaped and free what it lacked
                ring.submitAndWait(1, HOOK_RETRY);
            } else if (local.isEmpty() && (n == 0 || !stopRequested)) {
                ring.submitAndWait(completionsWorthWaitingFor() + prompt);
            } else {
                ring.submit();
            }
        } catch (NativeException e) {
            if (e.errno() != Errno.EAGAIN && e.errno() != Errno.EBUSY) {
                throw e;
            }
            // the kernel is short of request memory or completion room for now: reap, then submit again
        }
        return true;
    }

    /**
     * How many completions the next wait is for: all that a linked chain still owes when it is the only
     * backing I/O in flight (its callback needs every one of them; waking for each would cost an
     * io_uring_enter per operation: a copy and its commit, four), else one. Every SQE of a chain posts one
     * completion, so they all come; anything else that completes meanwhile (a ublk request, a wake) only
     * adds to them.
     */
    private int completionsWorthWaitingFor() {
        if (linkedChains != 1 || linkedHead == NO_SLOT || chainPending[linkedHead] <= 1) {
            return 1;
        }
        int slots = 0;
        for (int s = linkedHead; s != NO_SLOT; s = slotNext[s]) {
            slots++;
        }
        return slots == inflight ? chainPending[linkedHead] : 1;
    }

    /** A chain of more than one slot starts (its slots are linked). */
    private void linkedChainStarts(int head) {
        linkedChains++;
        linkedHead = head;
    }

    /** Whether no task came in meanwhile; if so, no task can come in any more. */
    private boolean endIfNoTasks() {
        synchronized (gate) {
            if (!remote.isEmpty()) {
                return false;
            }
            ended = true;
            return true;
        }
    }

    /**
     * The ring first: closing it makes the kernel cancel what is still queued on it, and only then
     * are the eventfd and the memory the ring pointed at released.
     */
    private void shutDown(Throwable fatal) {
        synchronized (gate) {
            ended = true;
        }
        if (ring != null) {
            ring.close();
        }
        if (eventFd >= 0) {
            try {
                Libc.close(eventFd);
            } catch (NativeException ignored) {
                // nothing left to do with it
            }
        }
        arena.close();
        Runnable r;
        int dropped = 0;
        while ((r = local.poll()) != null || (r = remote.poll()) != null) {
            dropped++;
            if (r instanceof Call<?> c) {
                c.abandon(fatal);
            }
        }
        if (dropped > 0) {
            LOG.warning(name + ": " + dropped + " task(s) dropped as the loop ended");
        }
        if (fatal != null) {
            terminated.completeExceptionally(fatal);
        } else {
            terminated.complete(null);
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
            } catch (Exception e) {
                report("a task failed", e);
            }
        }
    }

    private void report(String what, Exception e) {
        LOG.log(System.Logger.Level.ERROR, name + ": " + what + ", the loop goes on: " + e, e);
    }

    private void armWake() {
        ring.prepRead(eventFd, eventBuf.address(), 8, 0, UserData.of(UserData.WAKE, 0));
        wakeArmed = true;
    }

    /** Every completion, one at a time; an exception stays with the completion that raised it. */
    private void dispatch(long userData, int res, int flags) {
        int kind = UserData.kind(userData);
        int index = UserData.index(userData);
        try {
            if (kind == UserData.OP) {
                opCompleted(index, res);
            } else if (kind == UserData.WAKE) {
                synchronized (gate) {
                    wakePending = false;
                }
                wakeArmed = false;
                armWake(); // if the ring refuses it now, the next turn arms it again
            } else {
                Handler h = handlers[kind];
                if (h == null) {
                    throw new IllegalStateException("completion of unknown kind " + kind + " (index " + index + ")");
                }
                h.complete(index, res, flags);
            }
        } catch (Exception e) {
            report("a completion's callback failed", e);
        }
    }

    /** Asks the loop to end once no backing I/O is in flight and no task is queued. */
    public void requestStop() {
        stopRequested = true;
        wake();
    }

    /** Waits for the loop thread to end; its ring is closed by then. */
    public void join() throws InterruptedException {
        thread.join();
    }

    /**
     * Completes once the loop has ended and closed its ring: normally after {@link #requestStop()},
     * exceptionally with the {@link Error} that ended it.
     */
    public CompletableFuture<Void> terminated() {
        return terminated.copy();
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

    /** SQEs of backing I/O submitted through this ring (a chunk copy is two, a resumed transfer one more). */
    public long operations() {
        return operations;
    }

    /** io_uring_enter calls of this ring so far ({@link IoUring#enters}; on the loop thread, or after it stopped). */
    @Override
    public long kernelEntries() {
        return ring.enters();
    }

    /** SQEs of backing I/O in flight on this ring. */
    public int inflight() {
        return inflight;
    }

    // ---------------------------------------------------------------------------------------
    // IoQueue

    /**
     * {@inheritDoc}
     *
     * @throws RejectedExecutionException once the loop has ended
     */
    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            local.add(task);
            return;
        }
        synchronized (gate) {
            if (ended) {
                throw new RejectedExecutionException(name + " has stopped");
            }
            remote.add(task);
            wakeLocked();
        }
    }

    private void wake() {
        synchronized (gate) {
            wakeLocked();
        }
    }

    /** Writes the eventfd unless a wake is already on its way, or the loop ended (and the descriptor is closed). */
    private void wakeLocked() {
        if (wakePending || ended) {
            return;
        }
        wakePending = true;
        try {
            Libc.eventfdWrite(eventFd, 1);
        } catch (NativeException e) {
            throw new IllegalStateException("cannot wake " + name, e);
        }
    }

    private int newSlot(int op, int fd, long addr, int len, long off, int bufIndex, int rwFlags, NativeBuffer buf) {
        if (freeTop == 0) {
            grow();
        }
        int s = free[--freeTop];
        slotOp[s] = op;
        slotFd[s] = fd;
        slotAddr[s] = addr;
        slotLen[s] = len;
        slotOff[s] = off;
        slotBuf[s] = bufIndex;
        slotRw[s] = rwFlags;
        slotDone[s] = 0;
        slotResult[s] = PENDING;
        slotNext[s] = NO_SLOT;
        slotHead[s] = s;
        buffers[s] = buf;
        inflight++;
        return s;
    }

    private int transfer(int op, int fd, long offset, NativeBuffer buf, int rwFlags) {
        return newSlot(op, fd, buf.ringAddress(), Math.toIntExact(buf.length()), offset, buf.fixedIndex(), rwFlags, buf);
    }

    private void grow() {
        int n = slotOp.length;
        int m = n * 2;
        slotOp = Arrays.copyOf(slotOp, m);
        slotFd = Arrays.copyOf(slotFd, m);
        slotAddr = Arrays.copyOf(slotAddr, m);
        slotLen = Arrays.copyOf(slotLen, m);
        slotOff = Arrays.copyOf(slotOff, m);
        slotBuf = Arrays.copyOf(slotBuf, m);
        slotRw = Arrays.copyOf(slotRw, m);
        slotDone = Arrays.copyOf(slotDone, m);
        slotResult = Arrays.copyOf(slotResult, m);
        slotNext = Arrays.copyOf(slotNext, m);
        slotHead = Arrays.copyOf(slotHead, m);
        chainPending = Arrays.copyOf(chainPending, m);
        callbacks = Arrays.copyOf(callbacks, m);
        buffers = Arrays.copyOf(buffers, m);
        free = Arrays.copyOf(free, m);
        for (int i = m - 1; i >= n; i--) {
            free[freeTop++] = i;
        }
    }

    /** Submits slot {@code s} alone; {@code callback} gets its result. */
    private void single(int s, IoCallback callback) {
        callbacks[s] = callback;
        chainPending[s] = 1;
        try {
            issue(s, false);
        } catch (RuntimeException e) {
            notQueued(s, e);
        }
    }

    /** Submits {@code first} linked to {@code second}, in one submission; {@code callback} gets the chain's result. */
    private void linked(int first, int second, IoCallback callback) {
        slotNext[first] = second;
        slotHead[second] = first;
        callbacks[first] = callback;
        chainPending[first] = 2;
        linkedChainStarts(first);
        try {
            ring.reserve(2);
        } catch (RuntimeException e) {
            notQueued(first, e);
            return;
        }
        issue(first, true); // room is reserved: neither can fail now
        issue(second, false);
    }

    /**
     * The ring took no SQE of the chain (it is full and the kernel accepts nothing): the chain fails
     * with EIO, its callback running later, as for any completion.
     */
    private void notQueued(int head, RuntimeException e) {
        report("cannot queue an operation, it fails with EIO", e);
        for (int s = head; s != NO_SLOT; s = slotNext[s]) {
            slotResult[s] = -Errno.EIO;
        }
        chainPending[head] = 0;
        local.add(() -> chainDone(head));
    }

    /** Prepares the SQE for what is left of slot {@code s}'s operation, linked to the next SQE if {@code link}. */
    private void issue(int s, boolean link) {
        long ud = UserData.of(UserData.OP, s);
        int done = slotDone[s];
        long addr = slotAddr[s] + done;
        int len = slotLen[s] - done;
        long off = slotOff[s] + done;
        int fd = slotFd[s];
        int bi = slotBuf[s];
        switch (slotOp[s]) {
            case OP_READ -> {
                if (bi >= 0) {
                    ring.prepReadFixed(fd, addr, len, off, bi, ud);
                } else {
                    ring.prepRead(fd, addr, len, off, ud);
                }
            }
            case OP_WRITE -> {
                int rw = (slotRw[s] & FUA) != 0 ? Libc.RWF_DSYNC : 0;
                if (bi >= 0) {
                    ring.prepWriteFixed(fd, addr, len, off, bi, rw, ud);
                } else {
                    ring.prepWrite(fd, addr, len, off, rw, ud);
                }
            }
            case OP_FSYNC -> ring.prepFsync(fd, io_uring_h.IORING_FSYNC_DATASYNC, ud);
            case OP_DISCARD -> ring.prepFallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, off,
                    slotAddr[s], ud);
            default -> throw new IllegalStateException("slot " + s + " has no operation");
        }
        if (link) {
            ring.sqeFlags(io_uring_h.IOSQE_IO_LINK);
        }
        operations++;
    }

    private void opCompleted(int s, int res) {
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
                slotDone[s] = done; // short transfer: go on with the rest (its successor, if any, was cancelled)
                if (resumed(s)) {
                    return;
                }
            }
            res = done < slotLen[s] ? -Errno.EIO : done; // nothing more at all: the end of the device
        }
        slotResult[s] = res;
        int head = slotHead[s];
        if (--chainPending[head] == 0) {
            chainDone(head);
        }
    }

    private boolean resumed(int s) {
        try {
            issue(s, false);
            return true;
        } catch (RuntimeException e) {
            report("cannot queue the rest of a short transfer, it fails with EIO", e);
            return false;
        }
    }

    /**
     * Every slot of the chain has its final result. An operation the kernel cancelled because the
     * one before it came up short, which has been completed since, is issued again; otherwise the
     * chain is over: its slots are freed, then its callback runs.
     */
    private void chainDone(int head) {
        int result = 0;
        int prev = NO_SLOT;
        int last = head;
        for (int s = head; s != NO_SLOT; s = slotNext[s]) {
            int r = slotResult[s];
            if (r == -Errno.ECANCELED && prev != NO_SLOT && slotResult[prev] >= 0 && result >= 0) {
                reissueFrom(head, s);
                return;
            }
            prev = s;
            last = s;
            if (s != head && callbacks[s] != null) {
                break; // the last write with a result of its own (IoChain.writeLast): not the chain's
            }
            if (result >= 0) {
                result = r;
            }
        }
        IoCallback cb = callbacks[head];
        IoCallback own = last != head ? callbacks[last] : null;
        int ownResult = slotResult[last];
        if (slotNext[head] != NO_SLOT) {
            linkedChains--;
            if (linkedHead == head) {
                linkedHead = NO_SLOT;
            }
        }
        for (int s = head, next; s != NO_SLOT; s = next) {
            next = slotNext[s];
            callbacks[s] = null;
            buffers[s] = null;
            slotOp[s] = -1;
            free[freeTop++] = s;
            inflight--;
        }
        if (own == null) {
            cb.done(result);
            return;
        }
        try {
            cb.done(result);
        } finally {
            own.done(result < 0 ? -Errno.ECANCELED : ownResult); // a request: answered even if the callback threw
        }
    }

    private void reissueFrom(int head, int from) {
        int n = 0;
        for (int s = from; s != NO_SLOT; s = slotNext[s]) {
            slotDone[s] = 0;
            slotResult[s] = PENDING;
            n++;
        }
        try {
            ring.reserve(n);
        } catch (RuntimeException e) {
            report("cannot queue the rest of a chain, it fails with EIO", e);
            for (int s = from; s != NO_SLOT; s = slotNext[s]) {
                slotResult[s] = -Errno.EIO;
            }
            chainDone(head);
            return;
        }
        chainPending[head] = n;
        for (int s = from; s != NO_SLOT; s = slotNext[s]) {
            issue(s, slotNext[s] != NO_SLOT);
        }
    }

    @Override
    public void read(BackingDevice dev, long offset, IoBuffer buf, IoCallback callback) {
        single(transfer(OP_READ, FileBacking.of(dev).fd(), offset, NativeBuffer.of(buf), 0), callback);
    }

    /**
     * {@inheritDoc} With {@link #PREFLUSH}, an fdatasync linked to the write: one submission, one
     * callback, with the fdatasync's error if it failed.
     */
    @Override
    public void write(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback callback) {
        int fd = FileBacking.of(dev).fd();
        NativeBuffer b = NativeBuffer.of(buf);
        if ((flags & PREFLUSH) != 0) {
            linked(newSlot(OP_FSYNC, fd, 0, 0, 0, -1, 0, null), transfer(OP_WRITE, fd, offset, b, flags), callback);
        } else {
            single(transfer(OP_WRITE, fd, offset, b, flags), callback);
        }
    }

    /** A chunk copy as a read linked to a write: the kernel starts the write when the read is done. */
    @Override
    public void copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, IoCallback callback) {
        int from = FileBacking.of(src).fd();
        int to = FileBacking.of(dst).fd();
        NativeBuffer b = NativeBuffer.of(buf);
        linked(transfer(OP_READ, from, srcOffset, b, 0), transfer(OP_WRITE, to, dstOffset, b, 0), callback);
    }

    /**
     * {@inheritDoc} Here an io_uring linked chain: every operation's slots are linked, the ring
     * reserves room for all of them, and they reach the kernel in one submission (a ring with fewer
     * SQ entries than {@link #MAX_LINKED} issues them one after another).
     */
    @Override
    public IoChain chain() {
        return ring.sqEntries() >= MAX_LINKED ? new RingChain() : IoQueue.super.chain();
    }

    /**
     * Most SQEs in one chain: a copy (a read and a write), a commit (an fdatasync and a write, or a
     * write alone) and the write of the request that waited for them.
     */
    private static final int MAX_LINKED = 5;

    /** The slots of a chain being built, linked at {@link #submit}. */
    private final class RingChain implements IoChain {
        private final int[] slots = new int[MAX_LINKED];
        private int n;
        private boolean submitted;
        /** The last slot was added by {@link #writeLast}. */
        private boolean ownLast;

        @Override
        public IoChain copy(BackingDevice src, long srcOffset, BackingDevice dst, long dstOffset, IoBuffer buf, int writeFlags) {
            if ((writeFlags & PREFLUSH) != 0) {
                throw new IllegalArgumentException("a copy's write takes FUA, not PREFLUSH");
            }
            room(2);
            NativeBuffer b = NativeBuffer.of(buf);
            slots[n++] = transfer(OP_READ, FileBacking.of(src).fd(), srcOffset, b, 0);
            slots[n++] = transfer(OP_WRITE, FileBacking.of(dst).fd(), dstOffset, b, writeFlags);
            return this;
        }

        @Override
        public IoChain write(BackingDevice dev, long offset, IoBuffer buf, int flags) {
            int fd = FileBacking.of(dev).fd();
            if ((flags & PREFLUSH) != 0) {
                room(2);
                slots[n++] = newSlot(OP_FSYNC, fd, 0, 0, 0, -1, 0, null);
            } else {
                room(1);
            }
            slots[n++] = transfer(OP_WRITE, fd, offset, NativeBuffer.of(buf), flags);
            return this;
        }

        /** {@inheritDoc} Its callback waits in its slot's entry, which a chain's other slots leave empty. */
        @Override
        public IoChain writeLast(BackingDevice dev, long offset, IoBuffer buf, int flags, IoCallback own) {
            if ((flags & PREFLUSH) != 0) {
                throw new IllegalArgumentException("the chain's last write takes FUA, not PREFLUSH");
            }
            room(1);
            if (n == 0) {
                throw new IllegalStateException("the chain's last write needs an operation before it");
            }
            int s = transfer(OP_WRITE, FileBacking.of(dev).fd(), offset, NativeBuffer.of(buf), flags);
            slots[n++] = s;
            callbacks[s] = own;
            ownLast = true;
            return this;
        }

        private void room(int more) {
            if (submitted) {
                throw new IllegalStateException("the chain was submitted already");
            }
            if (ownLast) {
                throw new IllegalStateException("nothing goes after the chain's last write");
            }
            if (n + more > MAX_LINKED) {
                throw new IllegalStateException("a chain of more than " + MAX_LINKED + " SQEs");
            }
        }

        @Override
        public void submit(IoCallback callback) {
            if (submitted) {
                throw new IllegalStateException("the chain was submitted already");
            }
            submitted = true;
            if (n == 0) {
                local.add(() -> callback.done(0));
                return;
            }
            int head = slots[0];
            for (int i = 1; i < n; i++) {
                slotNext[slots[i - 1]] = slots[i];
                slotHead[slots[i]] = head;
            }
            callbacks[head] = callback;
            chainPending[head] = n;
            if (n > 1) {
                linkedChainStarts(head);
            }
            try {
                ring.reserve(n);
            } catch (RuntimeException e) {
                notQueued(head, e);
                return;
            }
            for (int i = 0; i < n; i++) {
                issue(slots[i], i + 1 < n); // room is reserved: none can fail now
            }
        }
    }

    @Override
    public void flush(BackingDevice dev, IoCallback callback) {
        single(newSlot(OP_FSYNC, FileBacking.of(dev).fd(), 0, 0, 0, -1, 0, null), callback);
    }

    @Override
    public void discard(BackingDevice dev, long offset, long length, IoCallback callback) {
        single(newSlot(OP_DISCARD, FileBacking.of(dev).fd(), length, 0, offset, -1, 0, null), callback);
    }

    // ---------------------------------------------------------------------------------------
    // Control-path helpers

    /** A task whose caller waits on a future: failed rather than forgotten if the loop ends first. */
    private static final class Call<T> implements Runnable {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final Consumer<CompletableFuture<T>> work;

        Call(Consumer<CompletableFuture<T>> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                work.accept(future);
            } catch (Throwable t) {
                future.completeExceptionally(t);
                if (t instanceof Error e) {
                    throw e;
                }
            }
        }

        void abandon(Throwable why) {
            future.completeExceptionally(new RejectedExecutionException("the loop ended before running this task", why));
        }
    }

    /** Runs {@code task} on the loop and waits for it; for control-path work from other threads. */
    public <T> T call(Callable<T> task) throws Exception {
        if (onLoopThread()) {
            return task.call();
        }
        CompletableFuture<T> f = async(future -> {
            try {
                future.complete(task.call());
            } catch (Exception e) {
                future.completeExceptionally(e);
            }
        });
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /**
     * Starts {@code work} on the loop; {@code work} completes the future it gets, from the loop. The
     * future fails if {@code work} throws, or if the loop ends before running it.
     */
    public <T> CompletableFuture<T> async(Consumer<CompletableFuture<T>> work) {
        Call<T> c = new Call<>(work);
        try {
            execute(c);
        } catch (RejectedExecutionException e) {
            c.future.completeExceptionally(e);
        }
        return c.future;
    }

    @Override
    public String toString() {
        return "RingLoop[" + name + "]";
    }
}
