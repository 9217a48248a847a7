package io.ublksnap.ffi;

import io.ublksnap.ffi.c.io_uring;
import io.ublksnap.ffi.c.io_uring_sq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.ublksnap.ffi.c.io_uring_h.*;
import static org.junit.jupiter.api.Assertions.*;

/** io_uring on the host kernel: files in a temp dir (ext4 /tmp here), buffered and O_DIRECT. */
class IoUringTest {

    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    private Arena arena;
    private final List<Integer> fds = new ArrayList<>();

    /** Collects completions by user data. */
    private static final class Results implements CompletionHandler {
        final Map<Long, Integer> res = new HashMap<>();
        final List<Long> order = new ArrayList<>();
        int lastFlags;

        @Override
        public void complete(long userData, int r, int flags) {
            assertNull(res.put(userData, r), "duplicate completion for " + userData);
            order.add(userData);
            lastFlags = flags;
        }
    }

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() throws NativeException {
        for (int fd : fds) {
            Libc.close(fd);
        }
        arena.close();
    }

    private int open(Path p, int flags) throws NativeException {
        int fd = Libc.open(p.toString(), flags | Libc.O_CLOEXEC, 0644);
        fds.add(fd);
        return fd;
    }

    private Path fileWithPattern(String name, int blocks, long seed) throws IOException {
        Path p = dir.resolve(name);
        byte[] data = new byte[blocks * BLOCK];
        new Random(seed).nextBytes(data);
        Files.write(p, data);
        return p;
    }

    private static void drain(IoUring ring, CompletionHandler h, int expected) throws NativeException {
        int got = 0;
        while (got < expected) {
            ring.submitAndWait(1);
            got += ring.reap(h);
        }
        assertEquals(expected, got);
    }

    @Test
    void nopRoundTripsUserDataOfEveryBitPattern() throws Exception {
        try (IoUring ring = IoUring.open(8)) {
            long[] values = {0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0xdead_beef_cafe_f00dL};
            Results r = new Results();
            for (long v : values) {
                ring.prepNop(v);
            }
            assertEquals(values.length, ring.submit());
            drain(ring, r, values.length);
            for (long v : values) {
                assertEquals(0, r.res.get(v), "nop result for " + v);
            }
            assertEquals(0, ring.cqReady());
        }
    }

    @Test
    void setupReportsGeometryAndKeepsLiburingTailInSync() throws Exception {
        try (IoUring ring = IoUring.builder(16).sqe128().build()) {
            assertEquals(16, ring.sqEntries());
            assertEquals(32, ring.cqEntries());
            assertEquals(128, ring.sqeSize());
            assertEquals(80, ring.cmdAreaSize());
            assertTrue((ring.setupFlags() & IORING_SETUP_SQE128) != 0);
            assertTrue((ring.features() & IORING_FEAT_NODROP) != 0);
            MemorySegment sq = io_uring.sq(ring.ringStruct());
            int before = io_uring_sq.sqe_tail(sq);
            ring.prepNop(1);
            ring.prepNop(2);
            assertEquals(before + 2, io_uring_sq.sqe_tail(sq), "liburing's sq.sqe_tail follows Java preps");
            assertEquals(2, ring.sqPending());
            assertEquals(2, ring.submit());
            assertEquals(0, ring.sqPending());
            drain(ring, new Results(), 2);
        }
    }

    @Test
    void preferredFlagsAreGrantedOrDropped() throws Exception {
        try (IoUring ring = IoUring.builder(8)
                .prefer(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN)
                .build()) {
            System.out.printf("granted setup flags 0x%x, features 0x%x%n", ring.setupFlags(), ring.features());
            ring.prepNop(7);
            Results r = new Results();
            drain(ring, r, 1);
            assertEquals(0, r.res.get(7L));
        }
        // a flag the kernel cannot know: required -> error, preferred -> silently dropped
        int bogus = 1 << 30;
        NativeException e = assertThrows(NativeException.class, () -> IoUring.builder(8).require(bogus).build());
        assertEquals(Errno.EINVAL, e.errno());
        try (IoUring ring = IoUring.builder(8).prefer(bogus).build()) {
            assertEquals(0, ring.setupFlags() & bogus);
        }
    }

    /**
     * A provided-buffer ring of one entry consumed in parts (IOU_PBUF_RING_INC), as ublk's batched fetches use it:
     * each read selects the buffer and lands right after the one before; once full, the buffer is gone until
     * added again.
     */
    @Test
    void anIncrementalBufferRingFillsItsBufferPartByPart() throws Exception {
        Path p = fileWithPattern("pbuf", 1, 11);
        byte[] data = Files.readAllBytes(p);
        int fd = open(p, Libc.O_RDONLY);
        long page = NativeMemory.pageSize();
        MemorySegment ringMem = NativeMemory.allocateAligned(arena, page, page);
        MemorySegment buf = NativeMemory.allocateAligned(arena, 300, page).asSlice(0, 300);
        try (IoUring ring = IoUring.open(8)) {
            ring.registerBufferRing(ringMem, 1, 7, IOU_PBUF_RING_INC);
            IoUring.bufferRingAdd(ringMem, 1, buf, 0);
            int[] flags = new int[4];
            int[] res = new int[4];
            for (int i = 0; i < 4; i++) {
                ring.prepRead(fd, 0, 100, 100L * i, i);
                ring.sqeFlags(IOSQE_BUFFER_SELECT);
                ring.sqeBufIndex(7);
                ring.submitAndWait(1);
                int k = i;
                assertEquals(1, ring.reap((ud, r, f) -> {
                    res[k] = r;
                    flags[k] = f;
                }));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(100, res[i], "read " + i);
                assertTrue((flags[i] & IORING_CQE_F_BUFFER) != 0, "read " + i + " used the buffer");
                assertEquals(0, flags[i] >>> IORING_CQE_BUFFER_SHIFT);
                assertEquals((flags[i] & IORING_CQE_F_BUF_MORE) != 0, i < 2, "room left after read " + i);
            }
            assertEquals(-Errno.ENOBUFS, res[3], "the buffer is full");
            assertEquals(-1L, buf.mismatch(MemorySegment.ofArray(Arrays.copyOf(data, 300))));
            IoUring.bufferRingAdd(ringMem, 1, buf, 0); // empty again
            ring.prepRead(fd, 0, 100, 3000, 9);
            ring.sqeFlags(IOSQE_BUFFER_SELECT);
            ring.sqeBufIndex(7);
            ring.submitAndWait(1);
            ring.reap((ud, r, f) -> assertEquals(100, r));
            assertEquals(-1L, buf.asSlice(0, 100).mismatch(MemorySegment.ofArray(Arrays.copyOfRange(data, 3000, 3100))));
        }
    }

    @Test
    void bufferedWriteReadFsyncRoundTrip() throws Exception {
        Path p = dir.resolve("buffered");
        int fd = open(p, Libc.O_RDWR | Libc.O_CREAT);
        MemorySegment out = arena.allocate(3 * BLOCK);
        for (int i = 0; i < out.byteSize(); i++) {
            out.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 3));
        }
        MemorySegment in = arena.allocate(3 * BLOCK);
        try (IoUring ring = IoUring.open(8)) {
            Results r = new Results();
            ring.prepWrite(fd, out, 0, 1);
            ring.sqeFlags(IOSQE_IO_LINK);
            ring.prepFsync(fd, 0, 2);
            ring.sqeFlags(IOSQE_IO_LINK);
            ring.prepFsync(fd, IORING_FSYNC_DATASYNC, 3);
            ring.sqeFlags(IOSQE_IO_LINK);
            ring.prepRead(fd, in, 0, 4);
            drain(ring, r, 4);
            assertEquals(3 * BLOCK, r.res.get(1L));
            assertEquals(0, r.res.get(2L));
            assertEquals(0, r.res.get(3L));
            assertEquals(3 * BLOCK, r.res.get(4L));
            assertEquals(List.of(1L, 2L, 3L, 4L), r.order, "a link chain completes in order");
            assertEquals(-1L, out.mismatch(in));
        }
        assertEquals(3 * BLOCK, Files.size(p));
    }

    @Test
    void writeWithRwfDsyncAndReadAtOffsets() throws Exception {
        Path p = dir.resolve("dsync");
        int fd = open(p, Libc.O_RDWR | Libc.O_CREAT);
        MemorySegment buf = arena.allocate(BLOCK);
        buf.fill((byte) 0x5a);
        try (IoUring ring = IoUring.open(4)) {
            Results r = new Results();
            ring.prepWrite(fd, buf.address(), BLOCK, 8 * BLOCK, Libc.RWF_DSYNC, 9);
            drain(ring, r, 1);
            assertEquals(BLOCK, r.res.get(9L));
        }
        byte[] data = Files.readAllBytes(p);
        assertEquals(9 * BLOCK, data.length);
        assertEquals(0, data[0]);
        assertEquals(0x5a, data[8 * BLOCK]);
    }

    @Test
    void directIoWithHundredsInFlightVerifiesData() throws Exception {
        int blocks = 1024;
        Path p = fileWithPattern("direct", blocks, 42);
        byte[] expected = Files.readAllBytes(p);
        int fd = open(p, Libc.O_RDONLY | Libc.O_DIRECT);
        int inFlight = 256;
        MemorySegment bufs = NativeMemory.allocateAligned(arena, (long) inFlight * BLOCK);
        assertTrue(NativeMemory.isAligned(bufs, Libc.pageSize()));
        Random rnd = new Random(1);
        int[] blockOf = new int[inFlight];
        try (IoUring ring = IoUring.open(inFlight)) {
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < inFlight; i++) {
                    blockOf[i] = rnd.nextInt(blocks);
                    ring.prepRead(fd, bufs.address() + (long) i * BLOCK, BLOCK, (long) blockOf[i] * BLOCK, i);
                }
                assertEquals(inFlight, ring.submit(), "one submit for the whole batch");
                Results r = new Results();
                drain(ring, r, inFlight);
                for (int i = 0; i < inFlight; i++) {
                    assertEquals(BLOCK, r.res.get((long) i));
                    MemorySegment got = bufs.asSlice((long) i * BLOCK, BLOCK);
                    MemorySegment want = MemorySegment.ofArray(expected).asSlice((long) blockOf[i] * BLOCK, BLOCK);
                    assertEquals(-1L, got.mismatch(want), "block " + blockOf[i]);
                }
            }
        }
    }

    @Test
    void directIoWritesThenReadsBack() throws Exception {
        Path p = dir.resolve("direct-write");
        int fd = open(p, Libc.O_RDWR | Libc.O_CREAT | Libc.O_DIRECT);
        int n = 64;
        MemorySegment out = NativeMemory.allocateAligned(arena, (long) n * BLOCK);
        MemorySegment in = NativeMemory.allocateAligned(arena, (long) n * BLOCK);
        for (long i = 0; i < out.byteSize(); i += 8) {
            out.set(ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
        }
        try (IoUring ring = IoUring.open(32)) {
            Results w = new Results();
            for (int i = 0; i < n; i++) {
                ring.prepWrite(fd, out.address() + (long) i * BLOCK, BLOCK, (long) (n - 1 - i) * BLOCK, i);
            }
            drain(ring, w, n);
            w.res.values().forEach(v -> assertEquals(BLOCK, v));
            ring.prepFsync(fd, 0, 1000);
            Results f = new Results();
            drain(ring, f, 1);
            assertEquals(0, f.res.get(1000L));
            Results rd = new Results();
            for (int i = 0; i < n; i++) {
                ring.prepRead(fd, in.address() + (long) (n - 1 - i) * BLOCK, BLOCK, (long) (n - 1 - i) * BLOCK, i);
            }
            drain(ring, rd, n);
        }
        for (int i = 0; i < n; i++) {
            MemorySegment want = out.asSlice((long) i * BLOCK, BLOCK);
            MemorySegment got = in.asSlice((long) (n - 1 - i) * BLOCK, BLOCK);
            assertEquals(-1L, want.mismatch(got), "block " + i);
        }
    }

    @Test
    void ringFullTriggersAutomaticSubmit() throws Exception {
        try (IoUring ring = IoUring.open(4)) {
            int total = 4 * 25 + 3;
            Results r = new Results();
            for (int i = 0; i < total; i++) {
                ring.prepNop(i);  // the 5th, 9th, ... prep finds the SQ full and submits
                if (ring.cqReady() > ring.cqEntries() / 2) {
                    ring.reap(r);
                }
            }
            ring.submit();
            while (r.res.size() < total) {
                ring.submitAndWait(1);
                ring.reap(r);
            }
            for (long i = 0; i < total; i++) {
                assertEquals(0, r.res.get(i));
            }
        }
    }

    /**
     * io_uring links only within one submission: a chain must reach the kernel whole. An eventfd read waits until
     * the test writes the eventfd, so a write that was split from its read runs at once with the buffer's old
     * contents, and its completion overtakes the read's.
     */
    @Test
    void aLinkedChainIsNeverSplitWhateverTheFreeSlots() throws Exception {
        chainAtEveryFreeSlotCount(false);
    }

    @Test
    void aReservedChainIsNeverSplitWhateverTheFreeSlots() throws Exception {
        chainAtEveryFreeSlotCount(true);
    }

    private void chainAtEveryFreeSlotCount(boolean reserve) throws Exception {
        int efd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        fds.add(efd);
        Path p = dir.resolve("chain");
        int out = open(p, Libc.O_RDWR | Libc.O_CREAT);
        long marker = 0x5a5a5a5a5a5a5a5aL;
        try (IoUring ring = IoUring.open(8)) {
            MemorySegment buf = arena.allocate(8, 8);
            for (int queued = 0; queued < ring.sqEntries(); queued++) {
                buf.set(ValueLayout.JAVA_LONG, 0, marker);
                Results r = new Results();
                for (int i = 0; i < queued; i++) {
                    ring.prepNop(100 + i);
                }
                if (reserve) {
                    ring.reserve(2);
                    assertTrue(ring.sqSpaceLeft() >= 2);
                }
                ring.prepRead(efd, buf.address(), 8, 0, 1);
                ring.sqeFlags(IOSQE_IO_LINK);
                ring.prepWrite(out, buf.address(), 8, queued * 8L, 2);
                ring.submit();
                while (r.res.size() < queued) {
                    ring.submitAndWait(1);
                    ring.reap(r);
                }
                ring.reap(r); // a write split from its read has completed inline by now
                assertFalse(r.res.containsKey(2L), queued + " entries queued: the write ran before its read");
                long value = 0x1000 + queued;
                Libc.eventfdWrite(efd, value);
                drain(ring, r, 2);
                assertEquals(8, r.res.get(1L), "read, " + queued + " queued");
                assertEquals(8, r.res.get(2L), "write, " + queued + " queued");
                assertEquals(List.of(1L, 2L), r.order.subList(queued, queued + 2), "completion order");
                ByteBuffer got = ByteBuffer.wrap(Files.readAllBytes(p), queued * 8, 8).order(java.nio.ByteOrder.nativeOrder());
                assertEquals(value, got.getLong(), "data written by the chain, " + queued + " queued");
            }
        }
    }

    @Test
    void aChainLongerThanTheSqIsRefused() throws Exception {
        try (IoUring ring = IoUring.open(4)) {
            assertThrows(IllegalArgumentException.class, () -> ring.reserve(5));
            for (int i = 0; i < 4; i++) {
                ring.prepNop(i);
                ring.sqeFlags(IOSQE_IO_LINK);
            }
            assertThrows(IllegalStateException.class, () -> ring.prepNop(4));
        }
    }

    @Test
    void reapRespectsMaxAndLeavesTheRest() throws Exception {
        try (IoUring ring = IoUring.open(8)) {
            for (int i = 0; i < 6; i++) {
                ring.prepNop(i);
            }
            ring.submitAndWait(6);
            Results r = new Results();
            assertEquals(2, ring.reap(r, 2));
            assertEquals(4, ring.cqReady());
            assertEquals(4, ring.reap(r));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), r.order);
        }
    }

    @Test
    void handlerExceptionLeavesUndeliveredCompletions() throws Exception {
        try (IoUring ring = IoUring.open(8)) {
            ring.prepNop(1);
            ring.prepNop(2);
            ring.submitAndWait(2);
            RuntimeException boom = new RuntimeException("boom");
            assertSame(boom, assertThrows(RuntimeException.class, () -> ring.reap((u, res, f) -> {
                throw boom;
            })));
            Results r = new Results();
            assertEquals(1, ring.reap(r));
            assertEquals(List.of(2L), r.order, "the failed CQE was consumed, the next one kept");
        }
    }

    @Test
    void fixedBuffersAndRegisteredFiles() throws Exception {
        int blocks = 32;
        Path src = fileWithPattern("fixed-src", blocks, 7);
        Path dst = dir.resolve("fixed-dst");
        int srcFd = open(src, Libc.O_RDONLY | Libc.O_DIRECT);
        int dstFd = open(dst, Libc.O_RDWR | Libc.O_CREAT | Libc.O_DIRECT);
        MemorySegment a = NativeMemory.allocateAligned(arena, 16L * BLOCK);
        MemorySegment b = NativeMemory.allocateAligned(arena, 16L * BLOCK);
        try (IoUring ring = IoUring.open(32)) {
            ring.registerBuffers(a, b);
            ring.registerFiles(srcFd, dstFd);
            Results r = new Results();
            for (int i = 0; i < blocks; i++) {
                MemorySegment buf = i < 16 ? a : b;
                long addr = buf.address() + (long) (i % 16) * BLOCK;
                ring.prepReadFixed(0, addr, BLOCK, (long) i * BLOCK, i < 16 ? 0 : 1, i);
                ring.sqeFlags(IOSQE_FIXED_FILE | IOSQE_IO_LINK);
                ring.prepWriteFixed(1, addr, BLOCK, (long) i * BLOCK, i < 16 ? 0 : 1, 1000 + i);
                ring.sqeFlags(IOSQE_FIXED_FILE);
            }
            drain(ring, r, 2 * blocks);
            r.res.values().forEach(v -> assertEquals(BLOCK, v));

            // replace the file table entry 1 and check that the slot now refers to the new file
            Path other = fileWithPattern("fixed-other", 1, 99);
            int otherFd = open(other, Libc.O_RDONLY);
            assertEquals(1, ring.updateFiles(1, otherFd));
            ring.prepReadFixed(1, a.address(), BLOCK, 0, 0, 77);
            ring.sqeFlags(IOSQE_FIXED_FILE);
            Results r2 = new Results();
            drain(ring, r2, 1);
            assertEquals(BLOCK, r2.res.get(77L));
            assertEquals(-1L, a.asSlice(0, BLOCK).mismatch(MemorySegment.ofArray(Files.readAllBytes(other))));

            // a buffer range outside the registered buffer is refused by the kernel
            ring.prepReadFixed(0, a.address(), BLOCK, 0, 1, 78);
            ring.sqeFlags(IOSQE_FIXED_FILE);
            Results r3 = new Results();
            drain(ring, r3, 1);
            assertEquals(-Errno.EFAULT, r3.res.get(78L));

            ring.unregisterFiles();
            ring.unregisterBuffers();
        }
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));
    }

    @Test
    void sparseTablesAreFilledLater() throws Exception {
        Path p = fileWithPattern("sparse", 4, 3);
        int fd = open(p, Libc.O_RDONLY);
        MemorySegment buf = NativeMemory.allocateAligned(arena, BLOCK);
        try (IoUring ring = IoUring.open(8)) {
            ring.registerBuffersSparse(64);
            ring.registerFilesSparse(16);
            // empty slots: the kernel refuses to use them
            ring.prepReadFixed(fd, buf.address(), BLOCK, 0, 5, 1);
            Results r = new Results();
            drain(ring, r, 1);
            assertEquals(-Errno.EFAULT, r.res.get(1L));

            ring.updateBuffers(5, buf);
            assertEquals(1, ring.updateFiles(9, fd));
            ring.prepReadFixed(9, buf.address(), BLOCK, BLOCK, 5, 2);
            ring.sqeFlags(IOSQE_FIXED_FILE);
            drain(ring, r, 1);
            assertEquals(BLOCK, r.res.get(2L));
            byte[] data = Files.readAllBytes(p);
            assertEquals(-1L, buf.mismatch(MemorySegment.ofArray(data).asSlice(BLOCK, BLOCK)));
        }
    }

    @Test
    void timeoutFiresWithEtimeAndLinkTimeoutCancelsSlowPoll() throws Exception {
        int efd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        fds.add(efd);
        try (IoUring ring = IoUring.open(8)) {
            long t0 = System.nanoTime();
            ring.prepTimeout(20_000_000L, 0, 0, 1);
            Results r = new Results();
            drain(ring, r, 1);
            long elapsed = System.nanoTime() - t0;
            assertEquals(-Errno.ETIME, r.res.get(1L));
            assertTrue(elapsed >= 15_000_000L, "timeout fired after " + elapsed + " ns");

            // a poll on an eventfd that never becomes readable, linked to a 10 ms timeout
            ring.prepPollAdd(efd, Libc.POLLIN, 0, 2);
            ring.sqeFlags(IOSQE_IO_LINK);
            ring.prepLinkTimeout(10_000_000L, 0, 3);
            drain(ring, r, 2);
            assertEquals(-Errno.ECANCELED, r.res.get(2L));
            assertEquals(-Errno.ETIME, r.res.get(3L));

            // a count-based timeout completes with 0 once enough other completions arrived
            ring.prepTimeout(5_000_000_000L, 2, 0, 4);
            ring.prepNop(5);
            ring.prepNop(6);
            drain(ring, r, 3);
            assertEquals(0, r.res.get(4L));
        }
    }

    @Test
    void eventfdWakesARingBlockedInAnotherThread() throws Exception {
        int efd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        fds.add(efd);
        CountDownLatch armed = new CountDownLatch(1);
        Thread waker = Thread.ofPlatform().start(() -> {
            try {
                assertTrue(armed.await(10, TimeUnit.SECONDS));
                Thread.sleep(50);
                Libc.eventfdWrite(efd, 5);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (IoUring ring = IoUring.open(8); Arena a = Arena.ofConfined()) {
            MemorySegment counter = a.allocate(8);
            ring.prepPollAdd(efd, Libc.POLLIN, 0, 10);
            ring.sqeFlags(IOSQE_IO_LINK);
            ring.prepRead(efd, counter, 0, 11);
            ring.submit();
            armed.countDown();
            Results r = new Results();
            drain(ring, r, 2);
            assertEquals(Libc.POLLIN, r.res.get(10L) & Libc.POLLIN);
            assertEquals(8, r.res.get(11L));
            assertEquals(5L, counter.get(ValueLayout.JAVA_LONG, 0));
        }
        waker.join();
    }

    @Test
    void submitAndWaitWithTimeoutReturnsFalseWhenNothingCompletes() throws Exception {
        int efd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        fds.add(efd);
        try (IoUring ring = IoUring.open(4)) {
            ring.prepPollAdd(efd, Libc.POLLIN, 0, 1);
            assertFalse(ring.submitAndWait(1, Duration.ofMillis(30)));
            Libc.eventfdWrite(efd, 1);
            assertTrue(ring.submitAndWait(1, Duration.ofSeconds(10)));
            Results r = new Results();
            assertEquals(1, ring.reap(r));
            assertEquals(Libc.POLLIN, r.res.get(1L) & Libc.POLLIN);
        }
    }

    @Test
    void fallocateExtendsAndPunchesHoles() throws Exception {
        Path p = dir.resolve("falloc");
        int fd = open(p, Libc.O_RDWR | Libc.O_CREAT);
        try (IoUring ring = IoUring.open(4)) {
            Results r = new Results();
            ring.prepFallocate(fd, 0, 0, 1 << 20, 1);
            drain(ring, r, 1);
            assertEquals(0, r.res.get(1L));
            assertEquals(1 << 20, Files.size(p));
            ring.prepFallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, 0, 1 << 19, 2);
            drain(ring, r, 1);
            assertEquals(0, r.res.get(2L));
            assertEquals(1 << 20, Files.size(p));
        }
    }

    @Test
    void errorsArriveAsNegativeErrnoInTheCqe() throws Exception {
        Path p = fileWithPattern("errors", 4, 5);
        int directFd = open(p, Libc.O_RDONLY | Libc.O_DIRECT);
        int readOnly = open(p, Libc.O_RDONLY);
        MemorySegment aligned = NativeMemory.allocateAligned(arena, 2L * BLOCK);
        try (IoUring ring = IoUring.open(8)) {
            Results r = new Results();
            ring.prepRead(12345, aligned.address(), BLOCK, 0, 1);                  // bad fd
            ring.prepRead(directFd, aligned.address() + 1, BLOCK, 0, 2);          // unaligned buffer, O_DIRECT
            ring.prepRead(directFd, aligned.address(), 100, 0, 3);                // unaligned length, O_DIRECT
            ring.prepWrite(readOnly, aligned.address(), BLOCK, 0, 4);             // not open for writing
            ring.prepReadFixed(directFd, aligned.address(), BLOCK, 0, 0, 5);      // no buffers registered
            drain(ring, r, 5);
            assertEquals(-Errno.EBADF, r.res.get(1L));
            assertEquals(-Errno.EINVAL, r.res.get(2L));
            assertEquals(-Errno.EINVAL, r.res.get(3L));
            assertEquals(-Errno.EBADF, r.res.get(4L));
            assertEquals(-Errno.EFAULT, r.res.get(5L));
        }
    }

    @Test
    void uringCmdOnAFileIsRefusedAndCmdAreaIsZeroed() throws Exception {
        Path p = fileWithPattern("cmd", 1, 1);
        int fd = open(p, Libc.O_RDONLY);
        try (IoUring ring = IoUring.builder(4).sqe128().build()) {
            // dirty every byte of every SQE slot, then check that prepUringCmd leaves no stale byte behind
            ring.sqes().fill((byte) 0xff);
            long cmd = ring.prepUringCmd(fd, 0x1234_5678, 42);
            long sqe = ring.lastSqeOffset();
            assertEquals(sqe + 48, cmd);
            MemorySegment s = ring.sqes();
            assertEquals(IORING_OP_URING_CMD, s.get(ValueLayout.JAVA_BYTE, sqe));
            assertEquals(0x1234_5678, s.get(ValueLayout.JAVA_INT, sqe + 8), "cmd_op at SQE byte 8");
            assertEquals(0, s.get(ValueLayout.JAVA_INT, sqe + 12));
            assertEquals(42L, s.get(ValueLayout.JAVA_LONG, sqe + 32));
            for (long i = 48; i < 128; i++) {
                assertEquals(0, s.get(ValueLayout.JAVA_BYTE, sqe + i), "cmd byte " + i);
            }
            Results r = new Results();
            drain(ring, r, 1);
            int res = r.res.get(42L);
            assertTrue(res == -Errno.EOPNOTSUPP || res == -Errno.ENOTTY || res == -Errno.EINVAL,
                    "URING_CMD on a regular file: " + Errno.name(res));
        }
    }

    @Test
    void supportsOpcodeUsesTheKernelProbe() throws Exception {
        try (IoUring ring = IoUring.open(4)) {
            assertTrue(ring.supportsOpcode(IORING_OP_NOP));
            assertTrue(ring.supportsOpcode(IORING_OP_READ));
            assertTrue(ring.supportsOpcode(IORING_OP_URING_CMD));
            assertFalse(ring.supportsOpcode(250));
        }
    }

    @Test
    void closedRingRefusesUse() throws Exception {
        IoUring ring = IoUring.open(4);
        ring.close();
        ring.close();
        assertThrows(IllegalStateException.class, () -> ring.prepNop(1));
        // the calls made per request pass the ring's struct by address: they must refuse as well, not reach
        // liburing with freed memory
        long enters = ring.enters();
        assertThrows(IllegalStateException.class, ring::submit);
        assertThrows(IllegalStateException.class, () -> ring.submitAndWait(1));
        assertThrows(IllegalStateException.class, ring::getEvents);
        assertEquals(enters, ring.enters(), "a refused call is not counted as a kernel entry");
    }

    @Test
    void cqe32RingsStrideCorrectly() throws Exception {
        try (IoUring ring = IoUring.builder(8).cqe32().build()) {
            assertEquals(32, ring.cqeSize());
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 8; i++) {
                    ring.prepNop(round * 100L + i);
                }
                Results r = new Results();
                drain(ring, r, 8);
                for (int i = 0; i < 8; i++) {
                    assertEquals(0, r.res.get(round * 100L + i));
                }
            }
        }
    }

    @Test
    void javaChannelSeesWhatTheRingWrote() throws Exception {
        Path p = dir.resolve("channel");
        int fd = open(p, Libc.O_RDWR | Libc.O_CREAT);
        MemorySegment buf = arena.allocate(100);
        buf.setString(0, "written through io_uring");
        try (IoUring ring = IoUring.open(2)) {
            ring.prepWrite(fd, buf.address(), 24, 0, 1);
            drain(ring, new Results(), 1);
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.allocate(24);
            assertEquals(24, ch.read(bb, 0));
            assertEquals("written through io_uring", new String(bb.array()));
        }
    }
}
