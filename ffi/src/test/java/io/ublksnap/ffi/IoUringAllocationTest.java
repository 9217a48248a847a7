package io.ublksnap.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The per-I/O path (prep, submit, wait, reap, re-prep from the handler) allocates nothing once compiled: measured with
 * the thread's allocation counter over many cycles after a warm-up.
 */
class IoUringAllocationTest {

    @TempDir
    Path dir;

    /** Re-arms a read for every completion, like a queue loop does. */
    private static final class Rearm implements CompletionHandler {
        final IoUring ring;
        final int fd;
        final long buf;
        long completed;
        int errors;

        Rearm(IoUring ring, int fd, long buf) {
            this.ring = ring;
            this.fd = fd;
            this.buf = buf;
        }

        @Override
        public void complete(long userData, int res, int flags) {
            if (res != 4096) {
                errors++;
            }
            completed++;
            ring.prepRead(fd, buf + (userData << 12), 4096, ((completed * 7) & 255) << 12, userData);
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void steadyStateLoopDoesNotAllocate() throws Exception {
        Path p = dir.resolve("data");
        Files.write(p, new byte[256 * 4096]);
        int fd = Libc.open(p.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(16)) {
            MemorySegment bufs = NativeMemory.allocateAligned(arena, 8 * 4096);
            Rearm h = new Rearm(ring, fd, bufs.address());
            for (long slot = 0; slot < 8; slot++) {
                ring.prepRead(fd, bufs.address() + (slot << 12), 4096, slot << 12, slot);
            }
            loop(ring, h, 300_000);                    // warm-up: let the JIT compile the loop
            long before = allocatedBytes();
            loop(ring, h, 200_000);
            long allocated = allocatedBytes() - before;
            assertEquals(0, h.errors);
            System.out.printf("allocated %d bytes over 200000 completions%n", allocated);
            assertTrue(allocated < 16 * 1024, "per-I/O path allocated " + allocated + " bytes");
        } finally {
            Libc.close(fd);
        }
    }

    private static void loop(IoUring ring, Rearm h, long completions) throws NativeException {
        long target = h.completed + completions;
        while (h.completed < target) {
            ring.submitAndWait(1);
            ring.reap(h);
        }
    }
}
