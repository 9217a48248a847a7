package io.ublksnap.ublkd.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's I/O queue on io_uring, on files: reads, writes with preflush and FUA, chained copies. */
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

    @Test
    void aCopyFromBeyondTheEndFailsInsteadOfWritingGarbage() throws Exception {
        SegmentBuffer tmp = new SegmentBuffer(Arena.ofAuto().allocate(8192, 4096), -1);
        int r = run(f -> loop.copy(a, (1 << 20) - 4096, b, 0, tmp, f::complete));
        assertTrue(r < 0, "short read must fail the copy: " + r);
        assertEquals(0, Files.readAllBytes(dir.resolve("b"))[0]);
    }
}
