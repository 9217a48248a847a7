package io.ublksnap.ublkd.io;

import io.ublksnap.ffi.Libc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's I/O queue on io_uring, on files: reads, writes with preflush and FUA, chained copies
 * under a full SQ, failures confined to their completion, and what a stopped loop leaves behind.
 */
class RingLoopTest {
    @TempDir
    Path dir;
    RingLoop loop;
    FileBacking a;
    FileBacking b;

    @BeforeEach
    void setUp() throws Exception {
        for (String n : new String[]{"a", "b"}) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(n).toFile(), "rw")) {
                f.setLength(1 << 20);
            }
        }
        loop = RingLoop.start("test", 64);
        a = FileBacking.open(dir.resolve("a").toString());
        b = FileBacking.open(dir.resolve("b").toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.requestStop();
        loop.join();
        a.close();
        b.close();
    }

    /** Work gathered during a turn goes to the kernel in that turn: the hook runs after the tasks, before the submit. */
    @Test
    void aBeforeSubmitHookRunsEveryTurnAndWhatItPreparesIsSubmitted() throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        int[] pending = {0};
        loop.call(() -> {
            int kind = loop.register((index, res, flags) -> done.complete(index));
            loop.beforeSubmit(() -> {
                if (pending[0] == 0) {
                    return 0;
                }
                loop.ring().prepNop(UserData.of(kind, pending[0]));
                pending[0] = 0;
                return 0; // a NOP completes inline, but the test wants its completion to end the wait
            });
            return null;
        });
        loop.execute(() -> pending[0] = 42); // a task of a later turn, like an answer gathered from completions
        assertEquals(42, done.get(10, TimeUnit.SECONDS));
    }

    /**
     * A hook that fails (its SQE not to be had: the kernel took no entry) is reported and the loop goes on; the
     * turn does not wait, so that the hook runs again at once, since what it holds (answers to the kernel) may be
     * what every completion waits for. It ended the loop before.
     */
    @Test
    void aFailingHookIsReportedTheLoopGoesOnAndTriesAgainWithoutWaiting() throws Exception {
        CompletableFuture<Integer> again = new CompletableFuture<>();
        int[] calls = {0};
        loop.call(() -> {
            loop.beforeSubmit(() -> {
                if (++calls[0] == 2) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("no room in the SQ (a test)"));
                }
                if (calls[0] == 3) {
                    again.complete(calls[0]);
                }
                return 0;
            });
            return null;
        });
        loop.execute(() -> { }); // one more turn: the hook's second call, which fails
        assertEquals(3, again.get(10, TimeUnit.SECONDS), "called again without a completion to wake the loop");
        assertFalse(loop.terminated().isDone(), "the loop goes on");
        assertEquals(7, loop.call(() -> 7));
    }

    private int run(java.util.function.Consumer<CompletableFuture<Integer>> op) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> op.accept(f));
        return f.get();
    }

    @Test
    void writesWithPreflushAndFuaThenCopiesChained() throws Exception {
        Arena arena = Arena.ofAuto();
        SegmentBuffer data = new SegmentBuffer(arena.allocate(8192, 4096), -1);
        for (int i = 0; i < 8192; i++) {
            data.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
        assertEquals(8192, run(f -> loop.write(a, 4096, data, RingLoop.PREFLUSH | RingLoop.FUA, f::complete)));
        SegmentBuffer tmp = new SegmentBuffer(arena.allocate(8192, 4096), -1);
        assertEquals(8192, run(f -> loop.copy(a, 4096, b, 65536, tmp, f::complete)));
        byte[] got = Files.readAllBytes(dir.resolve("b"));
        byte[] want = new byte[8192];
        data.segment().asByteBuffer().get(want);
        byte[] at = new byte[8192];
        System.arraycopy(got, 65536, at, 0, 8192);
        assertArrayEquals(want, at, "copied data");
        assertTrue(loop.call(loop::bytesRead) >= 8192);
    }

    /**
     * Issue 10.2: one request at a time, each started by the previous one's completion (a ublk request at queue
     * depth 1: fetch, backing write, commit), costs one io_uring_enter per operation: what a completion prepared
     * goes to the kernel with the wait for the next completion. The loop used to submit first and wait in a second
     * call, twice the round trips (4.01 io_uring_enter calls per pass-through write at depth 1 in the bench,
     * against 2.00 for the C server).
     */
    @Test
    void oneOperationAtATimeCostsOneKernelEntryEach() throws Exception {
        int ops = 200;
        SegmentBuffer data = new SegmentBuffer(Arena.ofAuto().allocate(4096, 4096), -1);
        long before = loop.call(loop::kernelEntries);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        loop.execute(new Runnable() {
            int left = ops;

            @Override
            public void run() {
                loop.write(a, 4096L * (left % 64), data, 0, r -> {
                    if (r < 0) {
                        done.completeExceptionally(new IllegalStateException("write failed: " + r));
                    } else if (--left == 0) {
                        done.complete(ops);
                    } else {
                        run();
                    }
                });
            }
        });
        assertEquals(ops, done.get(30, TimeUnit.SECONDS));
        long entries = loop.call(loop::kernelEntries) - before;
        assertTrue(entries <= ops + ops / 10, entries + " io_uring_enter calls for " + ops + " writes one after another");
    }

    /**
     * Issue 10.3: a chunk copy and the metadata commit that names it (a read, a FUA write, a FUA write) go to the
     * kernel as one linked chain: one io_uring_enter per chain when each starts at the previous one's
     * completion (two when the commit went after the copy's completion).
     */
    @Test
    void aCopyAndItsCommitInOneChainCostOneKernelEntry() throws Exception {
        int chains = 100;
        Arena arena = Arena.ofAuto();
        SegmentBuffer tmp = new SegmentBuffer(arena.allocate(4096, 4096), -1);
        SegmentBuffer meta = new SegmentBuffer(arena.allocate(4096, 4096), -1);
        for (int i = 0; i < 4096; i++) {
            meta.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 1));
        }
        assertEquals(4096, run(f -> loop.write(a, 0, meta, 0, f::complete)));
        long before = loop.call(loop::kernelEntries);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        loop.execute(new Runnable() {
            int left = chains;

            @Override
            public void run() {
                loop.chain().copy(a, 0, b, 4096L * (1 + left % 64), tmp, RingLoop.FUA)
                        .write(b, 0, meta, RingLoop.FUA)
                        .submit(r -> {
                            if (r != 4096) {
                                done.completeExceptionally(new IllegalStateException("chain result " + r));
                            } else if (--left == 0) {
                                done.complete(chains);
                            } else {
                                run();
                            }
                        });
            }
        });
        assertEquals(chains, done.get(30, TimeUnit.SECONDS));
        long entries = loop.call(loop::kernelEntries) - before;
        assertTrue(entries <= chains + chains / 10, entries + " io_uring_enter calls for " + chains + " copy-and-commit chains");
        byte[] got = Files.readAllBytes(dir.resolve("b"));
        for (int i : new int[]{0, 4096 + 5, 65 * 4096 - 1}) {
            assertEquals((byte) (i % 4096 * 7 + 1), got[i], "byte " + i);
        }
    }

    /** An operation after a failed one in a chain is not done: a copy from beyond the end, then a write. */
    @Test
    void aChainStopsAtItsFirstFailure() throws Exception {
        Arena arena = Arena.ofAuto();
        SegmentBuffer tmp = new SegmentBuffer(arena.allocate(8192, 4096), -1);
        SegmentBuffer data = new SegmentBuffer(arena.allocate(4096, 4096), -1);
        data.segment().fill((byte) 0x5a);
        int r = run(f -> loop.chain().copy(a, (1 << 20) - 4096, b, 0, tmp, 0).write(b, 8192, data, RingLoop.FUA).submit(f::complete));
        assertTrue(r < 0, "the chain must fail: " + r);
        assertEquals(0, Files.readAllBytes(dir.resolve("b"))[8192], "the write after the failed copy was done");
        assertEquals(4096, run(f -> loop.chain().write(b, 8192, data, 0).submit(f::complete)), "a chain of one write");
        assertEquals(0x5a, Files.readAllBytes(dir.resolve("b"))[8192]);
    }

    /**
     * A chain's last write with a result of its own (a copying origin write riding after its copy and
     * commit): the chain's callback reports the copy and the commit,
     * then the last write's own callback its own result, or ECANCELED (not done) after a failure before it.
     */
    @Test
    void aChainsLastWriteReportsItsOwnResultAfterTheChain() throws Exception {
        Arena arena = Arena.ofAuto();
        SegmentBuffer tmp = new SegmentBuffer(arena.allocate(4096, 4096), -1);
        SegmentBuffer meta = new SegmentBuffer(arena.allocate(4096, 4096), -1);
        SegmentBuffer data = new SegmentBuffer(arena.allocate(8192, 4096), -1);
        data.segment().fill((byte) 0x3c);
        java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        int own = run(f -> loop.chain().copy(a, 0, b, 4096, tmp, RingLoop.FUA).write(b, 0, meta, RingLoop.FUA)
                .writeLast(a, 8192, data, 0, r -> {
                    order.add("own " + r);
                    f.complete(r);
                })
                .submit(r -> order.add("chain " + r)));
        assertEquals(8192, own);
        assertEquals(java.util.List.of("chain 4096", "own 8192"), order);
        assertEquals(0x3c, Files.readAllBytes(dir.resolve("a"))[8192]);

        order.clear();
        int cancelled = run(f -> loop.chain().copy(a, (1 << 20) - 4096, b, 0, data, 0)
                .writeLast(a, 16384, data, 0, r -> {
                    order.add("own " + r);
                    f.complete(r);
                })
                .submit(r -> order.add("chain " + (r < 0 ? "failed" : r))));
        assertEquals(-io.ublksnap.engine.io.Errno.ECANCELED, cancelled);
        assertEquals(java.util.List.of("chain failed", "own " + cancelled), order);
        assertEquals(0, Files.readAllBytes(dir.resolve("a"))[16384], "the last write after the failed copy was done");
    }

    /**
     * A chunk copy (a read linked to a write) and a metadata commit (an fsync linked to a write) prepared when the
     * SQ has every possible number of free slots: each chain must reach the kernel in one submission, or its write
     * runs before its read and copies the buffer's old contents.
     */
    @Test
    void chainsPreparedAtEveryFreeSlotCountKeepTheirOrder() throws Exception {
        RingLoop small = RingLoop.start("small", 8);
        try {
            int chunk = 256 << 10;
            Arena arena = Arena.ofAuto();
            SegmentBuffer src = new SegmentBuffer(arena.allocate(chunk, 4096), -1);
            for (int round = 0; round < 4; round++) {
                for (int queued = 0; queued < 8; queued++) {
                    int seed = round * 8 + queued;
                    for (int i = 0; i < chunk; i += 8) {
                        src.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, i, seed * 0x1_0000_0001L + i);
                    }
                    assertEquals(chunk, call(small, f -> small.write(a, 0, src, 0, f::complete)));
                    SegmentBuffer buf = new SegmentBuffer(arena.allocate(chunk, 4096), -1);
                    buf.segment().fill((byte) 0x5a);
                    SegmentBuffer meta = new SegmentBuffer(arena.allocate(4096, 4096), -1);
                    meta.segment().fill((byte) seed);
                    SegmentBuffer[] fill = new SegmentBuffer[queued];
                    int q = queued;
                    int[] results = call3(small, (copied, committed, others) -> {
                        for (int i = 0; i < q; i++) {
                            fill[i] = new SegmentBuffer(arena.allocate(4096, 4096), -1);
                            small.read(b, 4096L * (i + 1), fill[i], others);
                        }
                        small.copy(a, 0, b, 1 << 19, buf, copied);
                        small.write(b, 0, meta, RingLoop.PREFLUSH | RingLoop.FUA, committed);
                    }, queued);
                    assertEquals(chunk, results[0], "copy with " + queued + " entries queued");
                    assertEquals(4096, results[1], "commit with " + queued + " entries queued");
                    byte[] got = new byte[chunk];
                    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("b").toFile(), "r")) {
                        f.seek(1 << 19);
                        f.readFully(got);
                    }
                    byte[] want = new byte[chunk];
                    src.segment().asByteBuffer().get(want);
                    assertArrayEquals(want, got, "copied data, round " + round + ", " + queued + " entries queued");
                    assertEquals(0, (int) small.call(small::inflight), "operations left in flight");
                }
            }
        } finally {
            small.requestStop();
            small.join();
        }
    }

    interface ThreeOps {
        void start(io.ublksnap.engine.io.IoCallback first, io.ublksnap.engine.io.IoCallback second,
                   io.ublksnap.engine.io.IoCallback others);
    }

    /** Runs {@code ops} on the loop; waits for the first two callbacks and {@code others} calls of the third. */
    private static int[] call3(RingLoop l, ThreeOps ops, int others) throws Exception {
        int[] results = new int[2];
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(2 + others);
        l.execute(() -> ops.start(r -> {
            results[0] = r;
            done.countDown();
        }, r -> {
            results[1] = r;
            done.countDown();
        }, r -> done.countDown()));
        done.await();
        return results;
    }

    private static int call(RingLoop l, java.util.function.Consumer<CompletableFuture<Integer>> op) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        l.execute(() -> op.accept(f));
        return f.get();
    }

    @Test
    void theEntriesPropertyOverridesWhatTheOwnerAsksFor() throws Exception {
        System.setProperty(RingLoop.ENTRIES_PROPERTY, "8");
        RingLoop l;
        try {
            l = RingLoop.start("property", 256);
        } finally {
            System.clearProperty(RingLoop.ENTRIES_PROPERTY);
        }
        try {
            assertEquals(8, (int) l.call(() -> l.ring().sqEntries()));
        } finally {
            l.requestStop();
            l.join();
        }
    }

    /** Hang guard for waits that the old loop never ended: not a measure of time. */
    private static final long PATIENCE_SECONDS = 60;

    @Test
    void aCallbackThatThrowsFailsAloneAndTheLoopGoesOn() throws Exception {
        Arena arena = Arena.ofAuto();
        SegmentBuffer one = new SegmentBuffer(arena.allocate(4096, 4096), -1);
        SegmentBuffer two = new SegmentBuffer(arena.allocate(4096, 4096), -1);
        CompletableFuture<Integer> next = new CompletableFuture<>();
        loop.execute(() -> {
            loop.read(a, 0, one, r -> {
                throw new IllegalStateException("a failing callback (the test expects this stack trace)");
            });
            loop.read(a, 4096, two, next::complete);
        });
        assertEquals(4096, next.get(PATIENCE_SECONDS, TimeUnit.SECONDS), "the completion after the failing one");
        assertEquals(4096, run(f -> loop.read(b, 0, one, f::complete)), "new work after the failure");
        int kind = loop.call(() -> loop.register((index, res, flags) -> {
            throw new IllegalStateException("a failing handler (the test expects this stack trace)");
        }));
        loop.call(() -> {
            loop.ring().prepNop(UserData.of(kind, 7));
            return null;
        });
        assertEquals(4096, run(f -> loop.read(b, 0, one, f::complete)), "new work after a failing handler");
        assertEquals(0, (int) loop.call(loop::inflight));
        assertFalse(loop.terminated().isDone());
    }

    @Test
    void anErrorEndsTheLoopAndNoCallerIsLeftWaiting() throws Exception {
        RingLoop l = RingLoop.start("fatal", 8);
        l.execute(() -> {
            throw new OutOfMemoryError("simulated (the test expects this stack trace)");
        });
        CompletableFuture<Integer> queued = l.async(f -> f.complete(1));
        ExecutionException why = assertThrows(ExecutionException.class,
                () -> l.terminated().get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(OutOfMemoryError.class, why.getCause());
        l.join();
        assertThrows(ExecutionException.class, () -> queued.get(PATIENCE_SECONDS, TimeUnit.SECONDS),
                "a task queued behind the error fails instead of waiting forever");
        assertThrows(RejectedExecutionException.class, () -> l.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> l.call(() -> 1));
    }

    /**
     * A stopped loop has closed its eventfd, whose number the next open reuses: waking the loop then
     * must not write 8 bytes into whatever file now has that number.
     */
    @Test
    void aStoppedLoopRefusesTasksAndWritesToNoDescriptor() throws Exception {
        RingLoop l = RingLoop.start("late", 8);
        Thread.sleep(300); // not a measure: lets the loop wait, so it consumes the stop's wake and could be woken again
        l.requestStop();
        l.join();
        Path victim = dir.resolve("victim");
        Files.createFile(victim);
        List<Integer> fds = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) { // the lowest free numbers, the loop's old ones among them
                fds.add(Libc.open(victim.toString(), Libc.O_RDWR | Libc.O_CLOEXEC));
            }
            assertThrows(RejectedExecutionException.class, () -> l.execute(() -> { }));
            l.requestStop();
            assertEquals(0, Files.size(victim), "a stopped loop wrote into a descriptor it no longer owns");
        } finally {
            for (int fd : fds) {
                Libc.close(fd);
            }
        }
    }

    /** What a loop's owner frees once the loop has ended (buffers the ring pointed at) is no longer the ring's. */
    @Test
    void theRingIsClosedWhenTheLoopHasEnded() throws Exception {
        RingLoop l = RingLoop.start("closing", 8);
        int ringFd = l.call(() -> l.ring().fd());
        assertTrue(isIoUring(ringFd));
        l.requestStop();
        l.terminated().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertFalse(isIoUring(ringFd), "the ring is still open when the loop says it has ended");
        l.join();
    }

    private static boolean isIoUring(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().contains("io_uring");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aCopyFromBeyondTheEndFailsInsteadOfWritingGarbage() throws Exception {
        SegmentBuffer tmp = new SegmentBuffer(Arena.ofAuto().allocate(8192, 4096), -1);
        int r = run(f -> loop.copy(a, (1 << 20) - 4096, b, 0, tmp, f::complete));
        assertTrue(r < 0, "short read must fail the copy: " + r);
        assertEquals(0, Files.readAllBytes(dir.resolve("b"))[0]);
    }
}
