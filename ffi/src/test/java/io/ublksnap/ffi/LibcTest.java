package io.ublksnap.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The libc wrappers: success paths and errno in the exception on failure. */
class LibcTest {

    @TempDir
    Path dir;

    @Test
    void missingFileNamesCallPathAndErrno() {
        NativeException e = assertThrows(NativeException.class, () -> Libc.open("/no/such", Libc.O_RDONLY));
        assertEquals("open", e.call());
        assertEquals("/no/such", e.path());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open(/no/such): ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void exclusiveCreateOfAnExistingFileGivesEexist() throws Exception {
        Path p = Files.createFile(dir.resolve("exists"));
        NativeException e = assertThrows(NativeException.class,
                () -> Libc.open(p.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL, 0600));
        assertEquals(Errno.EEXIST, e.errno());
    }

    @Test
    void badFdGivesEbadf() {
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, () -> Libc.close(987654)).errno());
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, () -> Libc.fstat(987654)).errno());
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, () -> Libc.fsync(987654)).errno());
        NativeException e = assertThrows(NativeException.class, () -> Libc.fdatasync(987654));
        assertEquals("fdatasync: EBADF (Bad file descriptor)", e.getMessage());
        assertNull(e.path());
    }

    @Test
    void preadPwriteFstatFallocateOnAFile() throws Exception {
        Path p = dir.resolve("file");
        int fd = Libc.open(p.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0640);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocateFrom("hello, pwrite");
            assertEquals(out.byteSize(), Libc.pwrite(fd, out, 100));
            Libc.fdatasync(fd);
            MemorySegment in = arena.allocate(out.byteSize());
            assertEquals(out.byteSize(), Libc.pread(fd, in, 100));
            assertEquals("hello, pwrite", in.getString(0));
            assertEquals(0, Libc.pread(fd, arena.allocate(10), 4096), "end of file");

            Stat st = Libc.fstat(fd);
            assertTrue(st.isRegularFile());
            assertFalse(st.isBlockDevice());
            assertEquals(100 + out.byteSize(), st.size());
            assertEquals(0640, st.mode() & 0777);
            assertTrue(st.blksize() > 0);
            assertEquals(Files.getAttribute(p, "unix:ino"), st.ino(), "st_ino");
            assertEquals(Files.getAttribute(p, "unix:dev"), st.dev(), "st_dev");

            Libc.fallocate(fd, 0, 0, 1 << 20);
            assertEquals(1 << 20, Libc.fstat(fd).size());
            Libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, 0, 1 << 20);
            Stat punched = Libc.fstat(fd);
            assertEquals(1 << 20, punched.size());
            assertEquals(0, punched.blocks(), "a punched file has no blocks left");
            NativeException e = assertThrows(NativeException.class,
                    () -> Libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE, 0, 4096));
            assertEquals(Errno.EOPNOTSUPP, e.errno(), "PUNCH_HOLE needs KEEP_SIZE");
            Libc.fsync(fd);
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void unalignedDirectIoFailsWithEinval() throws Exception {
        Path p = dir.resolve("direct");
        Files.write(p, new byte[8192]);
        int fd = Libc.open(p.toString(), Libc.O_RDONLY | Libc.O_DIRECT);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment aligned = NativeMemory.allocateAligned(arena, 8192);
            assertEquals(4096, Libc.pread(fd, aligned.asSlice(0, 4096), 4096));
            NativeException e = assertThrows(NativeException.class,
                    () -> Libc.pread(fd, aligned.asSlice(1, 4096), 0));
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals("pread: EINVAL (Invalid argument)", e.getMessage());
            assertEquals(Errno.EINVAL,
                    assertThrows(NativeException.class, () -> Libc.pread(fd, aligned.asSlice(0, 4096), 17)).errno());
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void blockDeviceQueriesOnARegularFileGiveEnotty() throws Exception {
        Path p = Files.createFile(dir.resolve("not-a-device"));
        int fd = Libc.open(p.toString(), Libc.O_RDONLY);
        try {
            NativeException e = assertThrows(NativeException.class, () -> Libc.blockDeviceSize(fd));
            assertEquals(Errno.ENOTTY, e.errno());
            assertEquals("ioctl(BLKGETSIZE64)", e.call());
            assertEquals(Errno.ENOTTY, assertThrows(NativeException.class, () -> Libc.logicalBlockSize(fd)).errno());
            assertEquals(Errno.ENOTTY, assertThrows(NativeException.class, () -> Libc.physicalBlockSize(fd)).errno());
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void eventfdCountsAcrossWrites() throws Exception {
        int efd = Libc.eventfd(3, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        try {
            Libc.eventfdWrite(efd, 4);
            assertEquals(7, Libc.eventfdRead(efd));
            NativeException e = assertThrows(NativeException.class, () -> Libc.eventfdRead(efd));
            assertEquals(Errno.EAGAIN, e.errno(), "a drained non-blocking eventfd");
        } finally {
            Libc.close(efd);
        }
    }

    @Test
    void mmapOfAFileAndAnonymousMemory() throws Exception {
        Path p = dir.resolve("mapped");
        Files.write(p, "mapped contents".getBytes());
        int fd = Libc.open(p.toString(), Libc.O_RDONLY);
        try {
            MemorySegment m = Libc.mmap(4096, Libc.PROT_READ, Libc.MAP_SHARED, fd, 0);
            assertEquals(4096, m.byteSize());
            assertEquals("mapped contents", m.getString(0));
            Libc.munmap(m);
        } finally {
            Libc.close(fd);
        }
        NativeException bad = assertThrows(NativeException.class,
                () -> Libc.mmap(4096, Libc.PROT_READ, Libc.MAP_SHARED, 987654, 0));
        assertEquals(Errno.EBADF, bad.errno());

        MemorySegment kept;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment anon = NativeMemory.mapAnonymous(arena, 1L << 30, true);
            assertEquals(1L << 30, anon.byteSize());
            assertTrue(NativeMemory.isAligned(anon, Libc.pageSize()));
            anon.set(ValueLayout.JAVA_LONG, (1L << 30) - 8, 42L);
            assertEquals(42L, anon.get(ValueLayout.JAVA_LONG, (1L << 30) - 8));
            assertEquals(0L, anon.get(ValueLayout.JAVA_LONG, 1L << 29), "untouched anonymous memory reads zero");
            kept = anon;
        }
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_LONG, 0), "unmapped with arena");
    }

    @Test
    void alignedAllocation() {
        try (Arena arena = Arena.ofConfined()) {
            for (long size : new long[] {1, 512, 4096, 12345, 1 << 20}) {
                MemorySegment s = NativeMemory.allocateAligned(arena, size);
                assertEquals(size, s.byteSize());
                assertTrue(NativeMemory.isAligned(s, Libc.pageSize()));
            }
            assertTrue(NativeMemory.isAligned(NativeMemory.allocateAligned(arena, 100, 512), 512));
        }
        assertEquals(8192, NativeMemory.roundUp(4097, 4096));
        assertEquals(4096, NativeMemory.roundUp(4096, 4096));
        assertThrows(IllegalArgumentException.class, () -> NativeMemory.roundUp(1, 3));
    }

    @Test
    void processAndThreadIdentity() throws Exception {
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
        int main = Libc.gettid();
        int[] other = new int[1];
        Thread t = Thread.ofPlatform().start(() -> other[0] = Libc.gettid());
        t.join();
        assertNotEquals(main, other[0]);
        assertTrue(Libc.geteuid() >= 0);
        assertTrue(Libc.pageSize() >= 4096 && Long.bitCount(Libc.pageSize()) == 1);
    }

    @Test
    void errnoNamesAndDescriptions() {
        assertEquals("ENOENT", Errno.name(Errno.ENOENT));
        assertEquals("ENOENT", Errno.name(-Errno.ENOENT), "CQE results are negative");
        assertEquals("ECANCELED", Errno.name(125));
        assertEquals("ETIME", Errno.name(62));
        assertEquals("EOPNOTSUPP", Errno.name(Errno.ENOTSUP));
        assertEquals("errno 4000", Errno.name(4000));
        assertEquals("No such device", Errno.describe(Errno.ENODEV));
        assertEquals("EAGAIN (Resource temporarily unavailable)", Errno.format(-Errno.EAGAIN));
        NativeException e = NativeException.fromResult("io_uring_submit", -Errno.EBUSY);
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals("io_uring_submit: EBUSY (Device or resource busy)", e.getMessage());
    }

    @Test
    void sendtoANamedOrAbstractSocketNobodyListensOn() throws Exception {
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msg = arena.allocateFrom("READY=1");
            String missing = dir.resolve("no socket here").toString();
            NativeException e = assertThrows(NativeException.class, () -> Libc.sendto(fd, msg, 0, missing));
            assertEquals(Errno.ENOENT, e.errno());
            assertEquals(missing, e.path());
            assertEquals(Errno.ECONNREFUSED, assertThrows(NativeException.class,
                    () -> Libc.sendto(fd, msg, 0, "@ublksnap-nobody-" + ProcessHandle.current().pid())).errno());
            String longest = "/" + "x".repeat(106); // 107 bytes and the NUL fill sun_path
            assertEquals(Errno.ENOENT, assertThrows(NativeException.class, () -> Libc.sendto(fd, msg, 0, longest)).errno());
            for (String bad : new String[]{"", "@", longest + "x", "@" + "x".repeat(108)}) {
                assertThrows(IllegalArgumentException.class, () -> Libc.sendto(fd, msg, 0, bad), bad);
            }
        } finally {
            Libc.close(fd);
        }
    }
}
