package io.ublksnap.ffi;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Zero copy with {@code UBLK_F_AUTO_BUF_REG} (Linux 6.16+; skipped on older guests): the queue ring has a sparse
 * buffer table ({@link IoUring#registerBuffersSparse}); FETCH/COMMIT carry {@link UblkIo#autoBufReg} in the SQE so that the driver
 * registers each request's pages at slot = tag, and the server moves the data with READ_FIXED/WRITE_FIXED between
 * that slot and a backing file, never touching it. Reads and writes through {@code /dev/ublkbN} are checked against
 * the backing file.
 */
@Tag("vm")
@Timeout(180)
class UblkAutoBufRegVmTest {

    private static final int DEPTH = 16;
    private static final int MAX_IO = 256 * 1024;
    private static final int DEV_BYTES = 8 << 20;
    private static final long BACKEND = 1L << 32;

    /** Loop-target queue: fetches with auto registration, serves from {@code backingFd}. */
    private static final class ZeroCopyQueue implements Runnable, CompletionHandler {
        final int charFd;
        final int backingFd;
        final UblkCmdEncoding encoding;
        final CountDownLatch fetched = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        IoUring ring;
        MemorySegment descs;
        int aborted;
        int served;

        ZeroCopyQueue(int charFd, int backingFd, UblkCmdEncoding encoding) {
            this.charFd = charFd;
            this.backingFd = backingFd;
            this.encoding = encoding;
        }

        @Override
        public void run() {
            try (Arena arena = Arena.ofConfined(); IoUring r = IoUring.open(4 * DEPTH)) {
                ring = r;
                ring.registerBuffersSparse(DEPTH);
                descs = UblkIo.mmapDescriptors(arena, charFd, 0, DEPTH);
                for (int tag = 0; tag < DEPTH; tag++) {
                    UblkIo.prepFetchAutoBufReg(ring, encoding, charFd, 0, tag, UblkIo.autoBufReg(tag, 0), tag);
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
                        throw new AssertionError("queue idle for 60 s");
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
            if ((userData & BACKEND) != 0) {
                // backend read/write into/from the registered request buffer finished: commit its result
                UblkIo.prepCommitAndFetchAutoBufReg(ring, encoding, charFd, 0, tag, res, UblkIo.autoBufReg(tag, 0),
                        tag);
                served++;
                return;
            }
            if (res == UBLK_IO_RES_ABORT) {
                aborted++;
                return;
            }
            assertEquals(UBLK_IO_RES_OK, res, "fetch result of tag " + tag);
            assertEquals(0, UblkIo.flags(descs, tag) & UBLK_IO_F_NEED_REG_BUF, "auto registration worked");
            long offset = UblkIo.startSector(descs, tag) << 9;
            int bytes = UblkIo.nrSectors(descs, tag) << 9;
            switch (UblkIo.op(descs, tag)) {
                // registered kernel buffers start at address 0 of their slot
                case UBLK_IO_OP_READ -> ring.prepReadFixed(backingFd, 0, bytes, offset, tag, BACKEND | tag);
                case UBLK_IO_OP_WRITE -> ring.prepWriteFixed(backingFd, 0, bytes, offset, tag, BACKEND | tag);
                default -> UblkIo.prepCommitAndFetchAutoBufReg(ring, encoding, charFd, 0, tag, 0,
                        UblkIo.autoBufReg(tag, 0), tag);
            }
        }
    }

    @Test
    void zeroCopyLoopOverABackingFile() throws Exception {
        try (UblkControl ctl = UblkControl.open()) {
            long features = ctl.getFeatures().orElse(0);
            assumeTrue(UblkFeatures.has(features, UBLK_F_AUTO_BUF_REG),
                    "kernel " + System.getProperty("os.version") + " has no UBLK_F_AUTO_BUF_REG");

            Path backing = Files.createTempFile("ublk-zc", ".img");
            byte[] initial = new byte[DEV_BYTES];
            new Random(11).nextBytes(initial);
            Files.write(backing, initial);
            int backingFd = Libc.open(backing.toString(), Libc.O_RDWR | Libc.O_CLOEXEC);

            DevInfo info = ctl.addDev(DevInfo.forAdd(DevInfo.ANY_DEV_ID, 1, DEPTH, MAX_IO, UBLK_F_AUTO_BUF_REG));
            int id = info.devId();
            System.out.println("zero-copy dev " + id + ", negotiated " + UblkFeatures.describe(info.flags()));
            assertTrue(info.hasFlag(UBLK_F_AUTO_BUF_REG));
            int charFd = -1;
            Thread thread = null;
            ZeroCopyQueue queue = null;
            try {
                ctl.setParams(id, UblkParams.of(UblkParams.Basic.of(DEV_BYTES >> 9, 9, 12, MAX_IO >> 9), null));
                UblkControlVmTest.waitFor(Path.of(info.charDevicePath()));
                charFd = Libc.open(info.charDevicePath(), Libc.O_RDWR | Libc.O_CLOEXEC);
                queue = new ZeroCopyQueue(charFd, backingFd, info.encoding());
                thread = Thread.ofPlatform().name("ublk-zc-q0").start(queue);
                assertTrue(queue.fetched.await(30, TimeUnit.SECONDS));
                if (queue.failure.get() != null) {
                    throw new AssertionError("queue thread failed", queue.failure.get());
                }
                ctl.startDev(id, Libc.getpid());

                Path disk = Path.of(info.blockDevicePath());
                UblkControlVmTest.waitFor(disk);
                long offset = 1_048_576 + 8192;
                ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                byte[] written = new byte[16 * 1024];
                new Random(12).nextBytes(written);
                try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    while (in.hasRemaining()) {
                        assertTrue(ch.read(in, offset + in.position()) > 0);
                    }
                    ch.write(ByteBuffer.wrap(written), 4 * 1_048_576);
                    ch.force(true);
                }
                for (int i = 0; i < in.capacity(); i++) {
                    assertEquals(initial[(int) offset + i], in.get(i), "read byte " + (offset + i));
                }
                byte[] after = Files.readAllBytes(backing);
                for (int i = 0; i < written.length; i++) {
                    assertEquals(written[i], after[4 * 1_048_576 + i], "written byte " + i);
                }
                System.out.println("zero-copy read 64 KiB and wrote 16 KiB through " + disk + "; " + queue.served
                        + " requests served with READ_FIXED/WRITE_FIXED");
            } finally {
                ctl.stopDev(id);
                if (thread != null) {
                    thread.join(TimeUnit.SECONDS.toMillis(60));
                    assertFalse(thread.isAlive(), "queue thread did not see every tag aborted");
                }
                if (charFd >= 0) {
                    Libc.close(charFd);
                }
                ctl.delDev(id);
                Libc.close(backingFd);
                Files.deleteIfExists(backing);
            }
            Throwable failure = queue.failure.get();
            assertNull(failure, () -> "queue thread failed: " + failure);
            assertEquals(DEPTH, queue.aborted);
        }
    }
}
