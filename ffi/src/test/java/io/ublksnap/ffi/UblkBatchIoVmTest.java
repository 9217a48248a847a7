package io.ublksnap.ffi;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.ublksnap.ffi.c.io_uring_h.IORING_CQE_F_MORE;
import static io.ublksnap.ffi.c.io_uring_h.IOU_PBUF_RING_INC;
import static io.ublksnap.ffi.c.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The batch protocol of {@code UBLK_F_BATCH_IO} (Linux 7.0+; skipped on older guests) driven by hand from the raw
 * helpers, the contract {@code BatchTags} in ublkd is built on: one PREP_IO_CMDS for every tag (copy mode, a buffer
 * address per tag), two multishot FETCH_IO_CMDS with a small incremental provided buffer each (so they keep running
 * out with -ENOBUFS and taking over from each other), and one COMMIT_IO_CMDS per round of completions. A RAM disk
 * served this way takes concurrent O_DIRECT writes and reads through {@code /dev/ublkbN}, checked against a model.
 * Then the kernel's answers to bad commands, on which ublkd's handling of a refused COMMIT relies: a PREP of more
 * elements than the depth is -E2BIG; a COMMIT whose second element answers a tag the server no longer holds returns the
 * bytes of the first element alone (the rest not taken); a COMMIT that starts with such a tag is -EBUSY; the device's
 * stop ends each fetch with UBLK_IO_RES_ABORT.
 */
@Tag("vm")
@Timeout(240)
class UblkBatchIoVmTest {

    private static final int DEPTH = 16;
    private static final int MAX_IO = 128 * 1024;
    private static final int DEV_BYTES = 8 << 20;
    private static final int FETCHES = 2;
    /** Bytes of each fetch's buffer: room for DEPTH tags, so a fetch ends with -ENOBUFS every DEPTH requests. */
    private static final int FETCH_BUFFER = 2 * DEPTH;
    private static final long PREP = 1L << 32, COMMIT = 2L << 32, FETCH = 3L << 32, PROBE_TAIL = 4L << 32,
            PROBE_HEAD = 5L << 32, TYPE = 0xffL << 32;

    /** The queue thread: a RAM disk served with batch commands until both fetches are aborted. */
    private static final class BatchQueue implements Runnable, CompletionHandler {
        final int charFd;
        /** The char device's descriptor until one side closes it: a queue thread that fails closes it, which ends
         *  every request it held, so that the test's I/O fails instead of waiting for ever. */
        final AtomicInteger openFd;
        final int elemBytes = UblkIo.batchElemBytes(UBLK_BATCH_F_HAS_BUF_ADDR);
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        Arena arena;
        IoUring ring;
        MemorySegment descs;
        MemorySegment disk;
        final MemorySegment[] tagBuffers = new MemorySegment[DEPTH];
        final MemorySegment[] fetchBuffers = new MemorySegment[FETCHES];
        final MemorySegment[] fetchRings = new MemorySegment[FETCHES];
        final int[] fetchOffset = new int[FETCHES];
        final boolean[] held = new boolean[DEPTH];
        /** This round's answers: tags and results. */
        final List<int[]> answers = new ArrayList<>();
        int prepTooMany = 1, prepResult = 1;
        int aborted, enobufs, served, maxTagsPerCqe, commits;
        long probeTail = 1, probeHead = 1;
        /** Set by the test before it sends one request alone: its answer goes out with the probes. */
        volatile boolean probeNext;
        boolean probed;

        /** COMMIT arrays by index (kept until the end: the kernel reads one until its command completes). */
        final List<MemorySegment> commitArrays = new ArrayList<>();
        final List<Integer> commitElems = new ArrayList<>();

        BatchQueue(AtomicInteger openFd) {
            this.openFd = openFd;
            this.charFd = openFd.get();
        }

        @Override
        public void run() {
            try (Arena a = Arena.ofConfined(); IoUring r = IoUring.open(64)) {
                arena = a;
                ring = r;
                disk = a.allocate(DEV_BYTES, 4096);
                descs = UblkIo.mmapDescriptors(a, charFd, 0, DEPTH);
                long page = NativeMemory.pageSize();
                for (int t = 0; t < DEPTH; t++) {
                    tagBuffers[t] = NativeMemory.allocateAligned(a, MAX_IO, page);
                }
                for (int f = 0; f < FETCHES; f++) {
                    fetchBuffers[f] = NativeMemory.allocateAligned(a, FETCH_BUFFER, 64);
                    fetchRings[f] = NativeMemory.allocateAligned(a, page, page);
                    ring.registerBufferRing(fetchRings[f], 1, f, IOU_PBUF_RING_INC);
                }
                // more elements than the queue is deep: refused whole
                MemorySegment tooMany = a.allocate((long) (DEPTH + 1) * elemBytes, 64);
                for (int t = 0; t <= DEPTH; t++) {
                    UblkIo.batchElem(tooMany, t, elemBytes, t % DEPTH, 0, 0, tagBuffers[t % DEPTH].address());
                }
                UblkIo.prepBatch(ring, charFd, UBLK_U_IO_PREP_IO_CMDS, 0, UBLK_BATCH_F_HAS_BUF_ADDR, tooMany, DEPTH + 1, PREP | 1);
                MemorySegment prep = a.allocate((long) DEPTH * elemBytes, 64);
                for (int t = 0; t < DEPTH; t++) {
                    UblkIo.batchElem(prep, t, elemBytes, t, 0, 0, tagBuffers[t].address());
                }
                UblkIo.prepBatch(ring, charFd, UBLK_U_IO_PREP_IO_CMDS, 0, UBLK_BATCH_F_HAS_BUF_ADDR, prep, DEPTH, PREP);
                ring.submit();
                while (prepResult == 1 || prepTooMany == 1) {
                    assertTrue(ring.submitAndWait(1, Duration.ofSeconds(10)), "no answer to PREP_IO_CMDS");
                    ring.reap(this);
                }
                assertEquals(-Errno.E2BIG, prepTooMany, "a PREP of depth + 1 elements: " + Errno.format(prepTooMany));
                assertEquals(0, prepResult, "PREP_IO_CMDS of every tag: " + Errno.format(prepResult));
                for (int f = 0; f < FETCHES; f++) {
                    armFetch(f);
                }
                ring.submit();
                // a refused fetch completes at once; START_DEV must not wait for a queue that takes nothing
                if (ring.submitAndWait(1, Duration.ofSeconds(1))) {
                    ring.reap(this);
                }
                assertEquals(0, aborted, "a fetch was refused at once");
                started.countDown();
                while (aborted < FETCHES) {
                    if (!ring.submitAndWait(1, Duration.ofSeconds(60))) {
                        throw new AssertionError("queue idle for 60 s");
                    }
                    ring.reap(this);
                    flush();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                started.countDown();
                int fd = openFd.getAndSet(-1);
                if (fd >= 0) {
                    try {
                        Libc.close(fd);
                    } catch (NativeException e) {
                        t.addSuppressed(e);
                    }
                }
            }
        }

        private void armFetch(int f) {
            fetchOffset[f] = 0;
            IoUring.bufferRingAdd(fetchRings[f], 1, fetchBuffers[f], 0);
            UblkIo.prepBatchFetch(ring, charFd, 0, FETCH_BUFFER, f, FETCH | f);
        }

        @Override
        public void complete(long userData, int res, int flags) {
            long type = userData & TYPE;
            if (type == PREP) {
                if ((userData & 1) != 0) {
                    prepTooMany = res;
                } else {
                    prepResult = res;
                }
            } else if (type == COMMIT) {
                int c = (int) (userData & 0xffffff);
                int elems = commitElems.get(c);
                if (res != elems * elemBytes) {
                    failure.compareAndSet(null, new AssertionError("a COMMIT of " + elems + " answers returned " + res));
                    // the rest after the refused one goes again, so that their requests end and nothing hangs
                    int rest = elems - Math.max(0, res / elemBytes) - 1;
                    if (rest > 0) {
                        MemorySegment a = commitArrays.get(c);
                        sendCommit(a.asSlice(a.byteSize() - (long) rest * elemBytes), rest);
                    }
                }
            } else if (type == PROBE_TAIL) {
                probeTail = res;
            } else if (type == PROBE_HEAD) {
                probeHead = res;
            } else if (type == FETCH) {
                fetched((int) (userData & 0xff), res, flags);
            } else {
                failure.compareAndSet(null, new AssertionError("unknown completion " + Long.toHexString(userData)));
            }
        }

        private void fetched(int f, int res, int flags) {
            if (res > 0) {
                maxTagsPerCqe = Math.max(maxTagsPerCqe, res / 2);
                for (int o = fetchOffset[f]; o < Math.min(fetchOffset[f] + res, FETCH_BUFFER); o += 2) {
                    serve(Short.toUnsignedInt(fetchBuffers[f].get(ValueLayout.JAVA_SHORT, o)));
                }
                fetchOffset[f] += res;
            }
            if ((flags & IORING_CQE_F_MORE) != 0) {
                return;
            }
            if (res == UBLK_IO_RES_ABORT) {
                aborted++;
            } else if (res >= 0 || res == -Errno.ENOBUFS) {
                enobufs += res < 0 ? 1 : 0;
                armFetch(f);
            } else {
                failure.compareAndSet(null, new AssertionError("fetch " + f + " ended with " + Errno.format(res)));
                aborted++;
            }
        }

        private void serve(int tag) {
            assertTrue(tag < DEPTH, "tag " + tag);
            assertFalse(held[tag], "tag " + tag + " delivered again before its answer");
            held[tag] = true;
            long offset = UblkIo.startSector(descs, tag) << 9;
            int bytes = UblkIo.nrSectors(descs, tag) << 9;
            int res = switch (UblkIo.op(descs, tag)) {
                case UBLK_IO_OP_READ -> {
                    MemorySegment.copy(disk, offset, tagBuffers[tag], 0, bytes);
                    yield bytes;
                }
                case UBLK_IO_OP_WRITE -> {
                    MemorySegment.copy(tagBuffers[tag], 0, disk, offset, bytes);
                    yield bytes;
                }
                case UBLK_IO_OP_FLUSH -> 0;
                default -> -Errno.EOPNOTSUPP;
            };
            served++;
            answers.add(new int[] {tag, res});
        }

        /** This round's answers as one COMMIT_IO_CMDS, or (once, when asked) the two probes. */
        private void flush() {
            if (answers.isEmpty()) {
                return;
            }
            if (probeNext && !probed) {
                probed = true;
                int[] first = answers.removeFirst();
                int t = first[0];
                // [the answer for t, t again]: once its answer is taken t is no longer the server's (a new request
                // reaches it only through this thread's task work, after the submission), so the kernel takes the
                // first element and stops at the second
                MemorySegment twice = arena.allocate(2L * elemBytes, 64);
                UblkIo.batchElem(twice, 0, elemBytes, t, first[1], 0, tagBuffers[t].address());
                UblkIo.batchElem(twice, 1, elemBytes, t, 0, 0, tagBuffers[t].address());
                UblkIo.prepBatch(ring, charFd, UBLK_U_IO_COMMIT_IO_CMDS, 0, UBLK_BATCH_F_HAS_BUF_ADDR, twice, 2, PROBE_TAIL);
                held[t] = false;
                // t alone, in the same submission: refused whole, with the reason
                MemorySegment again = arena.allocate(elemBytes, 64);
                UblkIo.batchElem(again, 0, elemBytes, t, 0, 0, tagBuffers[t].address());
                UblkIo.prepBatch(ring, charFd, UBLK_U_IO_COMMIT_IO_CMDS, 0, UBLK_BATCH_F_HAS_BUF_ADDR, again, 1, PROBE_HEAD);
                if (answers.isEmpty()) {
                    return;
                }
            }
            MemorySegment array = arena.allocate((long) answers.size() * elemBytes, 64);
            for (int i = 0; i < answers.size(); i++) {
                int[] an = answers.get(i);
                UblkIo.batchElem(array, i, elemBytes, an[0], an[1], 0, tagBuffers[an[0]].address());
                held[an[0]] = false;
            }
            sendCommit(array, answers.size());
            answers.clear();
        }

        private void sendCommit(MemorySegment array, int elems) {
            commitArrays.add(array);
            commitElems.add(elems);
            UblkIo.prepBatch(ring, charFd, UBLK_U_IO_COMMIT_IO_CMDS, 0, UBLK_BATCH_F_HAS_BUF_ADDR, array, elems,
                    COMMIT | (commitArrays.size() - 1));
            commits++;
        }
    }

    @Test
    void aRamDiskServedWithBatchCommands() throws Exception {
        try (UblkControl ctl = UblkControl.open()) {
            long features = ctl.getFeatures().orElse(0);
            assumeTrue(UblkFeatures.has(features, UBLK_F_BATCH_IO),
                    "kernel " + System.getProperty("os.version") + " has no UBLK_F_BATCH_IO");
            DevInfo info = ctl.addDev(DevInfo.forAdd(DevInfo.ANY_DEV_ID, 1, DEPTH, MAX_IO, UBLK_F_BATCH_IO));
            int id = info.devId();
            System.out.println("batch dev " + id + ", negotiated " + UblkFeatures.describe(info.flags()));
            assertTrue(info.hasFlag(UBLK_F_BATCH_IO));
            AtomicInteger charFd = new AtomicInteger(-1);
            Thread thread = null;
            BatchQueue queue = null;
            try {
                ctl.setParams(id, UblkParams.of(UblkParams.Basic.of(DEV_BYTES >> 9, 9, 12, MAX_IO >> 9), null));
                UblkControlVmTest.waitFor(Path.of(info.charDevicePath()));
                charFd.set(Libc.open(info.charDevicePath(), Libc.O_RDWR | Libc.O_CLOEXEC));
                queue = new BatchQueue(charFd);
                thread = Thread.ofPlatform().name("ublk-batch-q0").start(queue);
                assertTrue(queue.started.await(30, TimeUnit.SECONDS));
                if (queue.failure.get() != null) {
                    throw new AssertionError("queue thread failed", queue.failure.get());
                }
                ctl.startDev(id, Libc.getpid());
                Path disk = Path.of(info.blockDevicePath());
                UblkControlVmTest.waitFor(disk);
                byte[] model = new byte[DEV_BYTES];
                writeAndReadBack(disk, model);
                queue.probeNext = true;
                try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ,
                        com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
                    ByteBuffer b = ByteBuffer.allocateDirect(8192).alignedSlice(4096).limit(4096);
                    assertEquals(4096, ch.read(b, 1 << 20));
                    b.flip();
                    for (int i = 0; i < 4096; i++) {
                        assertEquals(model[(1 << 20) + i], b.get(i), "the probe's read, byte " + i);
                    }
                }
            } finally {
                ctl.stopDev(id);
                if (thread != null) {
                    thread.join(TimeUnit.SECONDS.toMillis(60));
                }
                int fd = charFd.getAndSet(-1);
                if (fd >= 0) {
                    Libc.close(fd);
                }
                ctl.delDev(id);
            }
            assertFalse(thread.isAlive(), "queue thread did not see both fetches aborted");
            System.out.println("batch: " + queue.served + " requests in " + queue.commits + " commits, up to "
                    + queue.maxTagsPerCqe + " tags per fetch completion, " + queue.enobufs + " fetches ended full");
            Throwable failure = queue.failure.get();
            assertNull(failure, () -> "queue thread failed: " + failure);
            assertEquals(FETCHES, queue.aborted, "fetches ended with UBLK_IO_RES_ABORT");
            assertTrue(queue.probed, "the probes were not sent");
            assertTrue(queue.enobufs > 0, "no fetch ran out of its buffer: the takeover went untested");
            assertEquals(queue.elemBytes, queue.probeTail,
                    "a COMMIT of [answer for tag t, t again] takes the first element only");
            assertEquals(-Errno.EBUSY, queue.probeHead, "a COMMIT that starts with a tag not held: "
                    + Errno.format((int) queue.probeHead));
        }
    }

    /** Concurrent O_DIRECT writes of random data in four threads, then concurrent reads of the whole device. */
    private static void writeAndReadBack(Path disk, byte[] model) throws Exception {
        Random rnd = new Random(7);
        int block = 64 * 1024;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int lane = w;
                byte[] data = new byte[DEV_BYTES / 4];
                rnd.nextBytes(data);
                System.arraycopy(data, 0, model, lane * data.length, data.length);
                writes.add(pool.submit(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(block + 4096).alignedSlice(4096).limit(block);
                    for (int o = 0; o < data.length; o += block) {
                        b.clear().limit(block);
                        b.put(data, o, block).flip();
                        long pos = (long) lane * data.length + o;
                        while (b.hasRemaining()) {
                            pos += ch.write(b, pos);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get(120, TimeUnit.SECONDS);
            }
            ch.force(true);
            List<Future<?>> reads = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                int lane = r;
                reads.add(pool.submit(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(block + 4096).alignedSlice(4096).limit(block);
                    byte[] got = new byte[block];
                    int quarter = DEV_BYTES / 4;
                    for (int o = 0; o < quarter; o += block) {
                        b.clear().limit(block);
                        long pos = (long) lane * quarter + o;
                        while (b.hasRemaining()) {
                            int n = ch.read(b, pos + b.position());
                            assertTrue(n > 0, "read at " + pos);
                        }
                        b.flip().get(got);
                        for (int i = 0; i < block; i++) {
                            if (got[i] != model[(int) pos + i]) {
                                fail("byte " + (pos + i) + " read back " + got[i] + ", written " + model[(int) pos + i]);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : reads) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
