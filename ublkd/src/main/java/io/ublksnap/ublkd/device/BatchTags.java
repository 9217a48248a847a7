package io.ublksnap.ublkd.device;

import io.ublksnap.ffi.Errno;
import io.ublksnap.ffi.IoUring;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.NativeMemory;
import io.ublksnap.ffi.UblkIo;
import io.ublksnap.ublkd.io.UserData;
import io.ublksnap.ublkd.log.Log;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

import static io.ublksnap.ffi.c.io_uring_h.IORING_CQE_F_MORE;
import static io.ublksnap.ffi.c.io_uring_h.IOU_PBUF_RING_INC;
import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * A queue's tags under {@code UBLK_F_BATCH_IO} (Linux 7.0+), in place of a FETCH_REQ per tag and a
 * COMMIT_AND_FETCH_REQ per answer:
 * <ul>
 *   <li>PREP_IO_CMDS hands the kernel every tag (and where its data goes) in one command, before START_DEV;</li>
 *   <li>two multishot FETCH_IO_CMDS per queue deliver the tags of new requests, many per completion, into a
 *       provided buffer each (a one-entry {@code IOU_PBUF_RING_INC} ring: each completion fills the next part).
 *       The kernel feeds one of them at a time; when its buffer is full it ends with -ENOBUFS and the other takes
 *       over while it is re-armed with its buffer emptied;</li>
 *   <li>answers gather during a loop turn and go back as one COMMIT_IO_CMDS ({@link #flush}, just before the turn
 *       submits), which also re-arms their tags.</li>
 * </ul>
 * An element array stays untouched until its command completes: each PREP or COMMIT has a buffer of its own
 * from a pool, which grows to at most one per tag (a tag is in one command at a time).
 *
 * <p>Owned by the queue's loop thread; its completions come through the loop's kind {@code kind}.
 */
final class BatchTags {

    private static final Log LOG = Log.system();
    static final int PREP = 1, COMMIT = 2, FETCH = 3, UNREGISTER = 4;
    static final int TYPE_SHIFT = 16;
    /** FETCH commands per queue: one fed by the kernel while the other is re-armed. */
    static final int FETCHES = 2;
    /** The result of a PREP not completed yet. */
    static final int PENDING = Integer.MIN_VALUE;
    /** Failures in a row after which a fetch is not armed again (a kernel short of memory fails one now and then). */
    private static final int FETCH_RETRIES = 8;

    private final String name;
    private final IoUring ring;
    private final Arena arena;
    private final int fd;
    private final int qid;
    private final int depth;
    private final int kind;
    private final int flags;
    private final int elemBytes;
    private final IntConsumer onRequest;
    private final Runnable onChange;

    /** Element arrays of PREP and COMMIT, by index; those not in a command are on the free stack. */
    private final List<MemorySegment> arrays = new ArrayList<>();
    private int[] arrayElems = new int[4];
    private int[] freeArrays = new int[4];
    private int freeTop;
    /** The array answers of this turn gather in, or -1, and how many it holds. */
    private int current = -1;
    private int currentElems;
    private int commitsInFlight;

    private final MemorySegment[] fetchBuffers = new MemorySegment[FETCHES];
    private final MemorySegment[] fetchRings = new MemorySegment[FETCHES];
    /** Where the next tags of each fetch land in its buffer. */
    private final int[] fetchOffset = new int[FETCHES];
    /** Whether each fetch's buffer was published in its ring (the kernel retires it once used up). */
    private final boolean[] published = new boolean[FETCHES];
    private final int[] fetchFailures = new int[FETCHES];
    private int liveFetches;
    private boolean unregisterRefused;
    private int prepResult = PENDING;
    private int fetchRefusal;

    /**
     * @param zeroCopy  the tags' data is in the ring's buffer table (UBLK_F_AUTO_BUF_REG): elements carry an
     *                  index; else each carries the address of the tag's buffer (copy mode)
     * @param onRequest called with the tag of each request delivered
     * @param onChange  called when a command ends (the queue may then be done)
     */
    BatchTags(String name, IoUring ring, Arena arena, int fd, int qid, int depth, int kind, boolean zeroCopy,
              IntConsumer onRequest, Runnable onChange) throws NativeException {
        this.name = name;
        this.ring = ring;
        this.arena = arena;
        this.fd = fd;
        this.qid = qid;
        this.depth = depth;
        this.kind = kind;
        this.flags = zeroCopy ? 0 : UBLK_BATCH_F_HAS_BUF_ADDR;
        this.elemBytes = UblkIo.batchElemBytes(flags);
        this.onRequest = onRequest;
        this.onChange = onChange;
        long page = NativeMemory.pageSize();
        for (int f = 0; f < FETCHES; f++) {
            fetchBuffers[f] = NativeMemory.allocateAligned(arena, NativeMemory.roundUp(2L * depth, page), page);
            fetchRings[f] = NativeMemory.allocateAligned(arena, page, page);
            ring.registerBufferRing(fetchRings[f], 1, f, IOU_PBUF_RING_INC);
        }
    }

    /** Adds {@code tag} to the PREP to come ({@link #prep}), its data at {@code bufIndex} or {@code bufAddr}. */
    void prepare(int tag, int bufIndex, long bufAddr) {
        add(tag, 0, bufIndex, bufAddr);
    }

    /** Queues the PREP of the tags {@link #prepare prepared}; {@link #prepResult} tells how it went. */
    void prep() {
        int a = current;
        arrayElems[a] = currentElems;
        emptyCurrent(); // first: if the PREP cannot be queued, its tags must not go out later as answers
        UblkIo.prepBatch(ring, fd, UBLK_U_IO_PREP_IO_CMDS, qid, flags, arrays.get(a), arrayElems[a],
                UserData.of(kind, PREP << TYPE_SHIFT | a));
    }

    /**
     * Queues the fetches, once the PREP has succeeded: a queue being recovered is "canceling" until every tag of
     * it is prepared, and refuses a fetch until then.
     */
    void fetch() {
        if (prepResult != 0) {
            throw new IllegalStateException(name + ": fetches before the tags are prepared");
        }
        for (int f = 0; f < FETCHES; f++) {
            if (armFetch(f)) {
                liveFetches++;
            }
        }
    }

    /** The PREP's result: 0, -errno, or {@link #PENDING}. */
    int prepResult() {
        return prepResult;
    }

    /** The first error a fetch ended with, other than the device's stop (0: none). */
    int fetchRefusal() {
        return fetchRefusal;
    }

    /** Adds the answer {@code res} for {@code tag} to this turn's COMMIT; its next request's data goes where given. */
    void commit(int tag, int res, int bufIndex, long bufAddr) {
        add(tag, res, bufIndex, bufAddr);
    }

    /**
     * Sends this turn's answers, if any, as one COMMIT_IO_CMDS. Returns how many commands it queued (0 or 1): the
     * kernel handles a COMMIT inline, so its completion is there as soon as the submission returns.
     */
    int flush() {
        if (current < 0) {
            return 0;
        }
        arrayElems[current] = currentElems;
        sendCommit(current); // if the ring has no SQE for it, it throws and the answers stay for the next turn
        emptyCurrent();
        return 1;
    }

    /** This turn's answers (or the tags to prepare) are on their way: the next ones start an array of their own. */
    private void emptyCurrent() {
        current = -1;
        currentElems = 0;
    }

    /** Queues element array {@code a} as a COMMIT_IO_CMDS. */
    private void sendCommit(int a) {
        UblkIo.prepBatch(ring, fd, UBLK_U_IO_COMMIT_IO_CMDS, qid, flags, arrays.get(a), arrayElems[a],
                UserData.of(kind, COMMIT << TYPE_SHIFT | a));
        commitsInFlight++;
    }

    /** No answer waits to be sent or is on its way. */
    boolean idle() {
        return current < 0 && commitsInFlight == 0;
    }

    /** The tail of fetch {@code f}'s buffer ring: how many buffers were published in it since it was registered. */
    int fetchRingTail(int f) {
        return IoUring.bufferRingTail(fetchRings[f]);
    }

    /** Fetches still armed (0 once the device has stopped). */
    int liveFetches() {
        return liveFetches;
    }

    /** A completion of this queue's batch commands (the loop's handler for {@code kind}). */
    void completed(int index, int res, int cqeFlags) {
        int type = index >>> TYPE_SHIFT;
        int i = index & ((1 << TYPE_SHIFT) - 1);
        switch (type) {
            case PREP -> {
                prepResult = res;
                release(i);
            }
            case COMMIT -> {
                commitsInFlight--;
                int elems = arrayElems[i];
                try {
                    if (res != elems * elemBytes) {
                        commitRefused(i, elems, res);
                    }
                } finally {
                    release(i);
                    onChange.run();
                }
            }
            case FETCH -> fetched(i, res, cqeFlags);
            case UNREGISTER -> {
                if (res < 0 && !unregisterRefused) { // said once per queue
                    unregisterRefused = true;
                    LOG.warning(name + ": the kernel refused to unregister the buffer slot of tag " + i + " ("
                            + Errno.name(res) + "): the slot is left to the COMMIT (see BatchTags.unregister)");
                }
            }
            default -> LOG.error(name + ": a batch completion of unknown type " + type + " (" + res + "): ignored");
        }
    }

    private void fetched(int f, int res, int cqeFlags) {
        if (res > 0) {
            MemorySegment buf = fetchBuffers[f];
            int end = fetchOffset[f] + res;
            if (end > buf.byteSize()) {
                LOG.error(name + ": the kernel delivered tags beyond fetch buffer " + f + " (" + fetchOffset[f] + " + " + res
                        + " bytes): those beyond it ignored");
                end = (int) buf.byteSize();
            }
            for (int o = fetchOffset[f]; o < end; o += 2) {
                int tag = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, o));
                if (tag >= depth) {
                    LOG.error(name + ": the kernel delivered tag " + tag + " of a queue of " + depth + ": ignored");
                    continue;
                }
                onRequest.accept(tag);
            }
            fetchOffset[f] = end;
        }
        if ((cqeFlags & IORING_CQE_F_MORE) != 0) {
            return;
        }
        if (res >= 0 || res == -Errno.ENOBUFS) {
            fetchFailures[f] = 0;
            if (armFetch(f)) { // its buffer is full (or the kernel ended it): empty again, it waits behind the other
                return;
            }
        } else if (res != UBLK_IO_RES_ABORT) {
            if (fetchRefusal == 0) {
                fetchRefusal = res;
            }
            if (++fetchFailures[f] <= FETCH_RETRIES) {
                LOG.warning(name + ": a fetch of requests ended with " + Errno.name(res) + ": armed again");
                if (armFetch(f)) {
                    return;
                }
            } else {
                LOG.error(name + ": a fetch of requests failed " + FETCH_RETRIES + " times in a row (" + Errno.name(res) + "): "
                        + (liveFetches > 1 ? "the queue goes on with its other fetch" : "the queue takes no more requests"));
            }
        }
        liveFetches--; // UBLK_IO_RES_ABORT: the device stops (or is quiesced) and the fetch is retired
        onChange.run();
    }

    /**
     * Zero copy: queues the unregistration of table slot {@code bufIndex}, which held the request of {@code tag}
     * that the tag has just moved away from (its answer committed with another slot). The kernel's COMMIT unregisters
     * the old slot itself on the kernels that fixed it; on the first 7.x ones it cleared the new one instead, and the
     * request would only end when the ring closes. Known limit: the kernel takes UNREGISTER_IO_BUF only from a device
     * with UBLK_F_SUPPORT_ZERO_COPY, which ublkd does not ask for (it uses UBLK_F_AUTO_BUF_REG alone), so this is
     * refused (EINVAL, logged once) and on those first kernels the request still waits for the ring's end. It
     * happens only when the engine fails on a request whose backing I/O it had started, with batches and zero copy
     * (serve --batch-io, off by default).
     */
    void unregister(int tag, int bufIndex) {
        UblkIo.prepUnregisterIoBuf(ring, fd, qid, tag, bufIndex, UserData.of(kind, UNREGISTER << TYPE_SHIFT | tag));
    }

    /**
     * Arms fetch {@code f} with its buffer, empty. A fetch that ended before the buffer was used up (an error, a
     * full completion queue) may have left it in the ring, partly consumed: one more entry there would be a second
     * buffer to the kernel (the same memory, its length used up), and every round after would end on it. The ring
     * then starts afresh. False if it cannot (said so): the fetch is retired.
     */
    private boolean armFetch(int f) {
        if (published[f] && fetchOffset[f] < fetchBuffers[f].byteSize()) {
            try {
                ring.unregisterBufferRing(f);
                fetchRings[f].fill((byte) 0);
                published[f] = false;
                ring.registerBufferRing(fetchRings[f], 1, f, IOU_PBUF_RING_INC);
            } catch (NativeException e) {
                LOG.error(name + ": fetch " + f + "'s buffer ring could not start afresh (" + e.getMessage() + "): that fetch ends");
                return false;
            }
        }
        fetchOffset[f] = 0;
        IoUring.bufferRingAdd(fetchRings[f], 1, fetchBuffers[f], 0); // used up (retired by the kernel) or afresh
        published[f] = true;
        try {
            UblkIo.prepBatchFetch(ring, fd, qid, (int) fetchBuffers[f].byteSize(), f, UserData.of(kind, FETCH << TYPE_SHIFT | f));
        } catch (RuntimeException e) { // no SQE to be had: retired rather than counted live and never armed
            LOG.error(name + ": fetch " + f + " could not be armed again (" + e.getMessage() + "): that fetch ends");
            return false;
        }
        return true;
    }

    /**
     * A COMMIT the kernel did not take whole: it handles the elements in order and stops at the first it refuses
     * (its error comes back only when that is the first element). That answer is lost, and said so; the ones after
     * it go again with this turn's answers, so that one bad answer (ublkd answering a tag it did not hold) does not
     * leave the rest of the batch waiting. Each round drops one element: it ends. (They join this turn's COMMIT
     * rather than go in one of their own here: a completion's callback that cannot have an SQE would lose them.)
     */
    private void commitRefused(int a, int elems, int res) {
        MemorySegment array = arrays.get(a);
        int refused = res < 0 ? 0 : res / elemBytes;
        int tag = Short.toUnsignedInt(array.get(ValueLayout.JAVA_SHORT, (long) refused * elemBytes));
        LOG.error(name + ": the kernel refused the answer for tag " + tag + (res < 0 ? " (" + Errno.name(res) + ")" : "")
                + " after taking " + refused + " of " + elems + (elems - refused > 1 ? "; the other " + (elems - refused - 1) + " go again" : ""));
        for (int e = refused + 1; e < elems; e++) {
            MemorySegment.copy(array, (long) e * elemBytes, arrays.get(room()), (long) currentElems++ * elemBytes, elemBytes);
        }
    }

    private void add(int tag, int res, int bufIndex, long bufAddr) {
        UblkIo.batchElem(arrays.get(room()), currentElems++, elemBytes, tag, res, bufIndex, bufAddr);
    }

    /** The array of this turn's answers, with room for one more (there are never more than the tags). */
    private int room() {
        if (current < 0) {
            current = acquire();
            currentElems = 0;
        }
        if (currentElems == depth) {
            throw new IllegalStateException(name + ": more than " + depth + " answers in one batch");
        }
        return current;
    }

    private int acquire() {
        if (freeTop > 0) {
            return freeArrays[--freeTop];
        }
        arrays.add(NativeMemory.allocateAligned(arena, (long) depth * elemBytes, 64));
        if (arrays.size() > arrayElems.length) {
            arrayElems = Arrays.copyOf(arrayElems, arrayElems.length * 2);
            freeArrays = Arrays.copyOf(freeArrays, arrayElems.length);
        }
        return arrays.size() - 1;
    }

    private void release(int a) {
        freeArrays[freeTop++] = a;
    }
}
