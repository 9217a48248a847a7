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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A minimal ublk server built from the data-plane helpers: one queue thread fetches every tag, answers reads with a
 * pattern derived from the byte offset and accepts writes; another thread reads {@code /dev/ublkbN} with a plain
 * {@link FileChannel} and checks the pattern. Then STOP_DEV aborts the fetched tags and DEL_DEV removes the device.
 */
@Tag("vm")
@Timeout(180)
class UblkDataPlaneVmTest {

    private static final int DEPTH = 16;
    private static final int MAX_IO = 512 * 1024;
    private static final long DEV_BYTES = 16L << 20;

    /** The byte the server returns at absolute device offset {@code pos}. */
    static byte pattern(long pos) {
        return (byte) ((pos * 31) ^ (pos >>> 9));
    }

    /** The queue thread: owns its ring, serves until every tag has been aborted. */
    private static final class QueueServer implements Runnable, CompletionHandler {
        final int charFd;
        final UblkCmdEncoding encoding;
        final CountDownLatch fetched = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger others = new AtomicInteger();
        IoUring ring;
        MemorySegment descs;
        MemorySegment buffers;
        int aborted;

        QueueServer(int charFd, UblkCmdEncoding encoding) {
            this.charFd = charFd;
            this.encoding = encoding;
        }

        long buffer(int tag) {
            return buffers.address() + (long) tag * MAX_IO;
        }

        @Override
        public void run() {
            try (Arena arena = Arena.ofConfined(); IoUring r = IoUring.open(2 * DEPTH)) {
                ring = r;
                descs = UblkIo.mmapDescriptors(arena, charFd, 0, DEPTH);
                assertEquals(UblkIo.descriptorsLength(DEPTH), descs.byteSize());
                buffers = NativeMemory.mapAnonymous(arena, (long) DEPTH * MAX_IO, true);
                for (int tag = 0; tag < DEPTH; tag++) {
                    UblkIo.prepFetch(ring, encoding, charFd, 0, tag, buffer(tag), tag);
                }
                ring.submit();
                // A refused FETCH completes at once; an armed one stays pending. START_DEV would wait forever for
                // a tag that never got armed, so report refusals before the main thread gets there.
                if (ring.submitAndWait(1, Duration.ofSeconds(2))) {
                    ring.reap((u, res, f) -> {
                        throw new AssertionError("FETCH_REQ of tag " + u + " refused: " + Errno.format(res));
                    });
                }
                fetched.countDown();
                while (aborted < DEPTH) {
                    if (!ring.submitAndWait(1, Duration.ofSeconds(60))) {
                        throw new AssertionError("queue idle for 60 s with " + aborted + " tags aborted");
                    }
                    ring.reap(this);
                }
            } catch (Throwable t) {
                failure.set(t);
                fetched.countDown();
            }
        }

        @Override
        public void complete(long userData, int res, int flags) {
            int tag = (int) userData;
            if (res == UBLK_IO_RES_ABORT) {
                aborted++;
                return;
            }
            assertEquals(UBLK_IO_RES_OK, res, "fetch/commit result for tag " + tag);
            int op = UblkIo.op(descs, tag);
            long start = UblkIo.startSector(descs, tag) << 9;
            int bytes = UblkIo.nrSectors(descs, tag) << 9;
            assertEquals(buffer(tag), UblkIo.addr(descs, tag), "descriptor carries the buffer of its tag");
            int result;
            switch (op) {
                case UBLK_IO_OP_READ -> {
                    MemorySegment buf = buffers.asSlice((long) tag * MAX_IO, bytes);
                    for (int i = 0; i < bytes; i++) {
                        buf.set(ValueLayout.JAVA_BYTE, i, pattern(start + i));
                    }
                    reads.incrementAndGet();
                    result = bytes;
                }
                case UBLK_IO_OP_WRITE -> {
                    writes.incrementAndGet();
                    result = bytes;
                }
                default -> {
                    others.incrementAndGet();
                    result = 0;
                }
            }
            UblkIo.prepCommitAndFetch(ring, encoding, charFd, 0, tag, result, buffer(tag), tag);
        }
    }

    @Test
    void serveReadsThroughTheBlockDevice() throws Exception {
        try (UblkControl ctl = UblkControl.open()) {
            DevInfo info = ctl.addDev(DevInfo.forAdd(DevInfo.ANY_DEV_ID, 1, DEPTH, MAX_IO, 0));
            int id = info.devId();
            System.out.println("dev " + id + ", flags " + UblkFeatures.describe(info.flags()) + ", data plane "
                    + info.encoding());
            int charFd = -1;
            Thread serverThread = null;
            QueueServer server = null;
            boolean started = false;
            try {
                ctl.setParams(id, UblkParams.of(UblkParams.Basic.of(DEV_BYTES >> 9, 9, 12, MAX_IO >> 9), null));
                UblkControlVmTest.waitFor(Path.of(info.charDevicePath()));
                charFd = Libc.open(info.charDevicePath(), Libc.O_RDWR | Libc.O_CLOEXEC);
                server = new QueueServer(charFd, info.encoding());
                serverThread = Thread.ofPlatform().name("ublk-q0").start(server);
                assertTrue(server.fetched.await(30, TimeUnit.SECONDS));
                if (server.failure.get() != null) {
                    throw new AssertionError("queue thread failed", server.failure.get());
                }

                ctl.startDev(id, Libc.getpid());
                started = true;
                DevInfo live = ctl.getDevInfo(id);
                assertEquals(UBLK_S_DEV_LIVE, live.state());
                assertEquals(Libc.getpid(), live.ublksrvPid());
                UblkParams params = ctl.getParams(id);
                assertNotEquals(0, params.devt().diskMajor(), "disk exists after START_DEV");

                Path disk = Path.of(info.blockDevicePath());
                UblkControlVmTest.waitFor(disk);
                Stat st = UblkControlVmTest.statOf(disk.toString());
                assertTrue(st.isBlockDevice());
                int bfd = Libc.open(disk.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
                try {
                    assertEquals(DEV_BYTES, Libc.blockDeviceSize(bfd));
                    assertEquals(512, Libc.logicalBlockSize(bfd));
                    assertEquals(4096, Libc.physicalBlockSize(bfd));
                } finally {
                    Libc.close(bfd);
                }

                long offset = 3L * 1024 * 1024 + 4096;
                ByteBuffer bb = ByteBuffer.allocate(8192);
                try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
                    while (bb.hasRemaining()) {
                        assertTrue(ch.read(bb, offset + bb.position()) > 0);
                    }
                }
                for (int i = 0; i < bb.capacity(); i++) {
                    assertEquals(pattern(offset + i), bb.get(i), "byte " + (offset + i));
                }
                System.out.println("read 8 KiB through " + disk + ": pattern ok; server saw " + server.reads.get()
                        + " reads, " + server.writes.get() + " writes, " + server.others.get() + " other ops");
                assertTrue(server.reads.get() >= 1);
            } finally {
                if (started || serverThread != null) {
                    ctl.stopDev(id);
                }
                if (serverThread != null) {
                    serverThread.join(TimeUnit.SECONDS.toMillis(60));
                    assertFalse(serverThread.isAlive(), "queue thread did not see every tag aborted");
                }
                if (charFd >= 0) {
                    Libc.close(charFd);
                }
                ctl.delDev(id);
            }
            Throwable failure = server.failure.get();
            assertNull(failure, () -> "queue thread failed: " + failure);
            assertEquals(DEPTH, server.aborted, "STOP_DEV aborts every fetched tag");
        }
    }
}
