package io.ublksnap.ublkd.device;

import io.ublksnap.engine.BlockRequest;
import io.ublksnap.engine.Target;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.ffi.Errno;
import io.ublksnap.ffi.IoUring;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.NativeMemory;
import io.ublksnap.ffi.UblkCmdEncoding;
import io.ublksnap.ffi.UblkIo;
import io.ublksnap.ublkd.io.KernelBuffer;
import io.ublksnap.ublkd.io.RingLoop;
import io.ublksnap.ublkd.io.SegmentBuffer;
import io.ublksnap.ublkd.io.UserData;
import io.ublksnap.ublkd.log.Log;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * One ublk queue: a {@link RingLoop} (a thread and its io_uring) serving the queue's tags. Every
 * tag is armed with FETCH_REQ; when the kernel hands a request over, it goes to the device's
 * current {@link Target} with the loop as its {@link io.ublksnap.engine.io.IoQueue}, so the
 * backing I/O it causes is submitted on the same ring and completes on the same thread; the answer
 * goes back with COMMIT_AND_FETCH_REQ, which re-arms the tag. The ring batches everything:
 * commits, fetches and backing I/O of one loop turn go to the kernel in one submit. The tags'
 * commands are a completion kind of their own on the loop ({@link RingLoop#register}), indexed by
 * tag. With UBLK_F_BATCH_IO (Linux 7.0+) {@link BatchTags} does the same with a command per batch:
 * one PREP for all tags, multishot fetches that deliver many tags per completion, and one COMMIT
 * per loop turn for its answers.
 *
 * <p>Copy mode (Linux 6.12): each tag has a buffer in an anonymous mapping, which the driver copies
 * request data to and from, and which backing I/O uses as the ring's fixed buffer of the same index.
 * The fixed-buffer table starts empty (sparse), and a tag's buffer is registered (pinned) when the
 * tag first serves a request: idle devices and tags the block layer never hands out hold no locked
 * memory, and no memory at all (the mapping's pages are touched by use only).
 * Zero copy (UBLK_F_AUTO_BUF_REG, Linux 6.16+): the driver registers the request's own pages at
 * the tag's index of a sparse buffer table, and backing I/O uses them directly.
 *
 * <p>A request whose submission to the engine throws is answered with EIO, and the queue goes on.
 * The engine may still hold that request and use its buffer later, so the tag moves to a buffer of
 * its own (a spare table index, or a fresh mapping) before it is re-armed, and a late completion
 * of the failed request is ignored.
 */
final class UblkQueue {

    private static final Log LOG = Log.system();
    /** How long a refused FETCH_REQ may take to come back when the tags are armed. */
    private static final Duration REFUSAL_WAIT = Duration.ofMillis(200);

    private final UblkDevice device;
    private final String name;
    private final int qid;
    private final int depth;
    private final int maxIoBytes;
    private final boolean zeroCopy;
    /** UBLK_F_BATCH_IO: tags prepared, fetched and answered in batches ({@link BatchTags}). */
    private final boolean batchIo;
    private final boolean pinBuffers;
    private final UblkCmdEncoding encoding;
    /** The descriptors and tag buffers; unmapped in {@link #join()}, after the ring is closed. */
    private final Arena arena = Arena.ofShared();
    private RingLoop loop;
    private volatile Throwable failure;
    private boolean joined;

    // Owned by the loop thread from arm() on.
    private IoUring ring;
    private int tagKind;
    private BatchTags batch;
    private MemorySegment descriptors;
    /** Copy mode: each tag's buffer. */
    private SegmentBuffer[] tagBuffers;
    /** Copy mode: whether the tag's buffer is to be registered when the tag first serves a request. */
    private boolean[] pinAtFirstUse;
    private boolean pinFailed;
    /** Zero copy: the buffer table index the kernel registers each tag's request at. */
    private int[] tagIndex;
    /** Buffers (copy mode) or table indexes (zero copy) left to move a failed request's tag to. */
    private int sparesLeft;
    private int nextSpareIndex;
    /** The slice of each tag's buffer handed out last, reused while requests keep their size. */
    private IoBuffer[] lastSlice;
    private final BlockRequest[] requests;
    /** Whether the tag's request is with the engine (handed over, not yet answered). */
    private final boolean[] inEngine;
    private int liveTags;
    /** Requests handed to the engine and not yet answered. */
    private int inService;
    private boolean arming;
    private int refusal;
    private boolean stopping;
    /** Handing the device over ({@link #leave}): requests that come in now are left to the next server. */
    private boolean leaving;
    /** Completes once leaving and nothing is in service. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final BlockRequest.Completion completion = this::completed;

    UblkQueue(UblkDevice device, int qid, int depth, int maxIoBytes, boolean zeroCopy, boolean batchIo,
              boolean pinBuffers, UblkCmdEncoding encoding) {
        this.device = device;
        this.name = "ublk" + device.devId() + "q" + qid;
        this.qid = qid;
        this.depth = depth;
        this.maxIoBytes = maxIoBytes;
        this.zeroCopy = zeroCopy;
        this.batchIo = batchIo;
        this.pinBuffers = pinBuffers;
        this.encoding = encoding;
        this.requests = new BlockRequest[depth];
        this.inEngine = new boolean[depth];
        for (int t = 0; t < depth; t++) {
            requests[t] = new BlockRequest().attach(t);
        }
    }

    /** SQ size for a queue of {@code depth} tags: a commit per tag and room for their backing I/O. */
    static int ringEntries(int depth) {
        return Math.min(4096, Math.max(64, depth * 4));
    }

    /** Starts the queue's loop and arms every tag; fails if the kernel refuses to arm them. */
    void start() throws NativeException {
        loop = RingLoop.start(name, ringEntries(depth));
        loop.terminated().whenComplete((v, t) -> failure = t instanceof CompletionException c ? c.getCause() : t);
        try {
            loop.call(() -> {
                arm();
                return null;
            });
        } catch (NativeException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("arming " + name + " failed", e);
        }
    }

    private void arm() throws NativeException {
        ring = loop.ring();
        tagKind = loop.register(this::tagCompleted);
        descriptors = UblkIo.mmapDescriptors(arena, device.charFd(), qid, depth);
        lastSlice = new IoBuffer[depth];
        sparesLeft = depth;
        if (zeroCopy) {
            tagIndex = new int[depth];
            for (int t = 0; t < depth; t++) {
                tagIndex[t] = t;
            }
            nextSpareIndex = depth;
            ring.registerBuffersSparse(2 * depth);
        } else {
            tagBuffers = new SegmentBuffer[depth];
            MemorySegment area = NativeMemory.mapAnonymous(arena, (long) depth * maxIoBytes, true);
            MemorySegment[] slices = new MemorySegment[depth];
            for (int t = 0; t < depth; t++) {
                slices[t] = area.asSlice((long) t * maxIoBytes, maxIoBytes);
            }
            boolean fixed = pinBuffers;
            if (fixed) {
                try {
                    ring.registerBuffersSparse(depth);
                } catch (NativeException e) {
                    fixed = false; // plain READ/WRITE work as well, a little slower
                    LOG.warning(name + ": fixed buffers unavailable (" + e.getMessage() + "), using plain I/O");
                }
            }
            pinAtFirstUse = new boolean[depth];
            for (int t = 0; t < depth; t++) {
                tagBuffers[t] = new SegmentBuffer(slices[t], -1);
                pinAtFirstUse[t] = fixed;
            }
        }
        if (batchIo) {
            armBatch();
            return;
        }
        // A refused FETCH_REQ completes at once, an armed one stays pending. START_DEV waits for every
        // tag to be armed, so a refusal must surface here or the device would never start.
        arming = true;
        for (int t = 0; t < depth; t++) {
            long ud = UserData.of(tagKind, t);
            if (zeroCopy) {
                UblkIo.prepFetchAutoBufReg(ring, encoding, device.charFd(), qid, t, UblkIo.autoBufReg(tagIndex[t], 0), ud);
            } else {
                UblkIo.prepFetch(ring, encoding, device.charFd(), qid, t, tagBuffers[t].ringAddress(), ud);
            }
        }
        liveTags = depth;
        loop.awaitCompletions(REFUSAL_WAIT);
        arming = false;
        if (refusal != 0) {
            throw new NativeException("FETCH_REQ", "/dev/ublkc" + device.devId(), -refusal,
                    "the kernel refused to arm the tags of " + name + " (" + Errno.format(refusal) + ")");
        }
    }

    /**
     * UBLK_F_BATCH_IO: every tag in one PREP, then (once it succeeded) the fetches. The PREP completes at once (0,
     * or -errno and nothing prepared); a refused fetch too. START_DEV waits for every tag to be prepared.
     */
    private void armBatch() throws NativeException {
        int batchKind = loop.register((index, res, flags) -> batch.completed(index, res, flags));
        batch = new BatchTags(name, ring, arena, device.charFd(), qid, depth, batchKind, zeroCopy,
                this::delivered, this::stopIfDone);
        loop.beforeSubmit(batch::flush);
        for (int t = 0; t < depth; t++) {
            batch.prepare(t, zeroCopy ? tagIndex[t] : 0, zeroCopy ? 0 : tagBuffers[t].ringAddress());
        }
        batch.prep();
        long deadline = System.nanoTime() + REFUSAL_WAIT.toNanos();
        while (batch.prepResult() == BatchTags.PENDING && System.nanoTime() < deadline) {
            loop.awaitCompletions(REFUSAL_WAIT);
        }
        if (batch.prepResult() == 0) {
            batch.fetch();
            loop.awaitCompletions(Duration.ZERO); // a refused fetch completes at once
        }
        int refusal = batch.prepResult() == BatchTags.PENDING ? -Errno.ETIMEDOUT
                : batch.prepResult() < 0 ? batch.prepResult() : batch.fetchRefusal();
        if (refusal != 0) {
            throw new NativeException("PREP_IO_CMDS", "/dev/ublkc" + device.devId(), -refusal,
                    "the kernel refused the tags of " + name + " (" + Errno.format(refusal) + ")");
        }
    }

    /** UBLK_F_BATCH_IO: a fetch delivered a request for {@code tag}. */
    private void delivered(int tag) {
        if (inEngine[tag]) { // the kernel re-arms a tag only when its answer is committed
            LOG.error(name + ": the kernel delivered tag " + tag + " again while its request is in service: ignored");
            return;
        }
        if (!leaving) {
            serve(tag); // leaving: not taken, the kernel sends it again to the next server (REISSUE)
        }
    }

    private void tagCompleted(int tag, int res, int flags) {
        if (res == UBLK_IO_RES_OK && leaving) {
            return; // not taken: when the ring closes the kernel sends it again, to the next server (REISSUE)
        }
        if (res == UBLK_IO_RES_OK) {
            serve(tag);
            return;
        }
        // UBLK_IO_RES_ABORT: the device is stopping and the tag is retired; anything else: same, with a note.
        liveTags--;
        if (arming) {
            refusal = res;
        } else if (res != UBLK_IO_RES_ABORT) {
            LOG.warning(name + ": tag " + tag + " retired with " + Errno.name(res));
        }
        stopIfDone();
    }

    private void serve(int tag) {
        long opsBefore = loop.operations();
        try {
            submit(tag);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, name + ": request of tag " + tag + " failed, answered with EIO: " + e, e);
            if (inEngine[tag]) {
                abandonRequest(tag, loop.operations() != opsBefore);
            }
        }
    }

    private void submit(int tag) {
        int op = UblkIo.op(descriptors, tag);
        int flags = UblkIo.flags(descriptors, tag);
        long sector = UblkIo.startSector(descriptors, tag);
        int sectors = UblkIo.nrSectors(descriptors, tag);
        BlockRequest.Op o = switch (op) {
            case UBLK_IO_OP_READ -> BlockRequest.Op.READ;
            case UBLK_IO_OP_WRITE -> BlockRequest.Op.WRITE;
            case UBLK_IO_OP_FLUSH -> BlockRequest.Op.FLUSH;
            case UBLK_IO_OP_DISCARD -> BlockRequest.Op.DISCARD;
            default -> null;
        };
        if (o == null) {
            commit(tag, -Errno.EOPNOTSUPP);
            return;
        }
        IoBuffer buf = null;
        if (o == BlockRequest.Op.READ || o == BlockRequest.Op.WRITE) {
            if (!zeroCopy && pinAtFirstUse[tag]) {
                pin(tag);
            }
            long bytes = (long) sectors << 9;
            buf = lastSlice[tag];
            if (buf == null || buf.length() != bytes) {
                buf = zeroCopy ? new KernelBuffer(tagIndex[tag], 0, bytes) : tagBuffers[tag].slice(0, bytes);
                lastSlice[tag] = buf;
            }
        }
        BlockRequest r = requests[tag].set(o, sector, sectors, buf, (flags & UBLK_IO_F_FUA) != 0, loop, completion);
        Target target = device.target();
        inEngine[tag] = true;
        inService++;
        target.submit(r);
    }

    /**
     * Answers a request the engine failed on with EIO. If the engine started backing I/O for it, it
     * may still be using the request's buffer: the tag then moves to a buffer of its own first.
     */
    private void abandonRequest(int tag, boolean ioStarted) {
        inEngine[tag] = false;
        inService--;
        requests[tag] = new BlockRequest().attach(tag); // the old one may still complete: that is ignored
        if (ioStarted) {
            int oldIndex = zeroCopy ? tagIndex[tag] : -1;
            moveTagBuffer(tag);
            if (batchIo && zeroCopy && tagIndex[tag] != oldIndex) {
                batch.unregister(tag, oldIndex);
            }
        }
        commit(tag, -Errno.EIO);
        stopIfDone();
    }

    /** Registers the tag's buffer as fixed buffer {@code tag}, once; if the kernel refuses, the tag does plain I/O. */
    private void pin(int tag) {
        pinAtFirstUse[tag] = false;
        MemorySegment segment = tagBuffers[tag].segment();
        try {
            ring.updateBuffers(tag, segment);
        } catch (NativeException e) {
            if (!pinFailed) { // e.g. RLIMIT_MEMLOCK reached: said once per queue
                pinFailed = true;
                LOG.warning(name + ": cannot pin a request buffer (" + e.getMessage() + "): plain I/O for the tags not pinned yet");
            }
            return;
        }
        tagBuffers[tag] = new SegmentBuffer(segment, tag);
        lastSlice[tag] = null;
    }

    private void moveTagBuffer(int tag) {
        if (sparesLeft == 0) {
            LOG.error(name + ": no spare buffer left for tag " + tag
                    + ": it keeps its buffer, which the failed request may still use");
            return;
        }
        try {
            if (zeroCopy) {
                tagIndex[tag] = nextSpareIndex++;
            } else {
                boolean wasPinned = tagBuffers[tag].fixedIndex() >= 0;
                tagBuffers[tag] = new SegmentBuffer(NativeMemory.mapAnonymous(arena, maxIoBytes, true), -1);
                if (wasPinned) {
                    pinAtFirstUse[tag] = false; // the fixed index stays with the old buffer, which the failed request may use
                }
            }
            sparesLeft--;
            lastSlice[tag] = null;
        } catch (NativeException e) {
            LOG.error(name + ": no spare buffer for tag " + tag + ": " + e.getMessage());
        }
    }

    private void completed(BlockRequest r, int result) {
        int tag = (Integer) r.attachment();
        if (requests[tag] != r || !inEngine[tag]) {
            LOG.warning(name + ": late completion of a request that was answered already (tag "
                    + tag + ", " + r + "): ignored");
            return;
        }
        inEngine[tag] = false;
        inService--;
        int res = result;
        if (result >= 0 && (r.op() == BlockRequest.Op.READ || r.op() == BlockRequest.Op.WRITE)) {
            res = r.sectors() << 9;
        }
        commit(tag, res);
        stopIfDone();
    }

    private void commit(int tag, int res) {
        if (batchIo) {
            batch.commit(tag, res, zeroCopy ? tagIndex[tag] : 0, zeroCopy ? 0 : tagBuffers[tag].ringAddress());
            return;
        }
        long ud = UserData.of(tagKind, tag);
        if (zeroCopy) {
            UblkIo.prepCommitAndFetchAutoBufReg(ring, encoding, device.charFd(), qid, tag, res,
                    UblkIo.autoBufReg(tagIndex[tag], 0), ud);
        } else {
            UblkIo.prepCommitAndFetch(ring, encoding, device.charFd(), qid, tag, res, tagBuffers[tag].ringAddress(), ud);
        }
    }

    private void stopIfDone() {
        if (inService == 0 && leaving && !drained.isDone()) {
            if (batch != null) {
                batch.flush();
            }
            try {
                ring.submit(); // the last answers reach the kernel before the process may exit
            } catch (NativeException e) {
                LOG.warning(name + ": submitting the last answers before the hand-over: " + e.getMessage()
                        + " (the next ublkd gets those requests again)");
            }
            drained.complete(null);
        }
        boolean retired = batch != null ? batch.liveFetches() == 0 && batch.idle() : liveTags == 0;
        if (stopping && retired && inService == 0) {
            loop.requestStop();
        }
    }

    /**
     * Hands the queue over to the next server: the requests in service are answered (their commits
     * submitted), new ones are not taken (the kernel sends them again to the next server). The
     * returned stage completes then. The loop goes on, its ring and the tags' commands stay: the
     * process's exit tears them down, as a crash does, and the kernel quiesces the device. (Closing
     * the ring and then /dev/ublkcN by hand while the kernel still cancels the ring's commands hit
     * a kernel BUG, "file count is 0", on Linux 6.12.107.)
     */
    CompletionStage<Void> leave() {
        if (loop == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            loop.execute(() -> {
                leaving = true;
                stopIfDone();
            });
        } catch (RejectedExecutionException e) {
            drained.complete(null); // the loop has ended already
        }
        return drained;
    }

    /** After STOP_DEV: the loop ends once every tag has retired and every request has been answered. */
    void stopWhenRetired() {
        if (loop == null) {
            return;
        }
        try {
            loop.execute(() -> {
                stopping = true;
                stopIfDone();
            });
        } catch (RejectedExecutionException e) {
            // the loop has ended already
        }
    }

    /** For a device that never started: ends the loop now; closing its ring cancels the fetches. */
    void abandon() {
        if (loop != null) {
            loop.requestStop();
        }
    }

    /** Waits for the loop to end (its ring closed), then unmaps the descriptors and tag buffers. */
    void join() throws InterruptedException {
        if (loop != null) {
            loop.join();
        }
        if (!joined) {
            joined = true;
            arena.close();
        }
    }

    /** Why the queue stopped serving before it was asked to, or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    public String toString() {
        return name;
    }
}
