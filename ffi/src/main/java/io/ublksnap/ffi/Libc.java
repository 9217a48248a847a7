package io.ublksnap.ffi;

import io.ublksnap.ffi.c.libc_h;
import io.ublksnap.ffi.c.sockaddr_un;
import io.ublksnap.ffi.c.stat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The libc calls ublksnap makes outside io_uring: opening files and devices, block device queries, mappings, eventfd
 * wake-ups and synchronous I/O for non-hot paths. Every wrapper throws {@link NativeException} with the errno (and the
 * path, where there is one) when the call fails. Constants are those of {@link libc_h} (x86-64 values), repeated here
 * for callers that only import this class.
 *
 * <p>Thread-safe: errno is captured into a per-thread segment, so calls from different threads do not interfere.
 * Wrappers that take a {@link MemorySegment} use its address and size; the segment must stay alive for the call.
 */
public final class Libc {

    private Libc() {
    }

    public static final int O_RDONLY = libc_h.O_RDONLY;
    public static final int O_WRONLY = libc_h.O_WRONLY;
    public static final int O_RDWR = libc_h.O_RDWR;
    public static final int O_CREAT = libc_h.O_CREAT;
    public static final int O_EXCL = libc_h.O_EXCL;
    public static final int O_TRUNC = libc_h.O_TRUNC;
    public static final int O_APPEND = libc_h.O_APPEND;
    public static final int O_NONBLOCK = libc_h.O_NONBLOCK;
    public static final int O_DSYNC = libc_h.O_DSYNC;
    public static final int O_SYNC = libc_h.O_SYNC;
    /** 040000 on x86-64; other architectures differ. */
    public static final int O_DIRECT = libc_h.O_DIRECT;
    public static final int O_CLOEXEC = libc_h.O_CLOEXEC;
    public static final int O_NOATIME = libc_h.O_NOATIME;

    public static final int PROT_NONE = libc_h.PROT_NONE;
    public static final int PROT_READ = libc_h.PROT_READ;
    public static final int PROT_WRITE = libc_h.PROT_WRITE;
    public static final int MAP_SHARED = libc_h.MAP_SHARED;
    public static final int MAP_PRIVATE = libc_h.MAP_PRIVATE;
    public static final int MAP_ANONYMOUS = libc_h.MAP_ANONYMOUS;
    public static final int MAP_NORESERVE = libc_h.MAP_NORESERVE;
    public static final int MAP_POPULATE = libc_h.MAP_POPULATE;

    public static final int FALLOC_FL_KEEP_SIZE = libc_h.FALLOC_FL_KEEP_SIZE;
    public static final int FALLOC_FL_PUNCH_HOLE = libc_h.FALLOC_FL_PUNCH_HOLE;
    public static final int FALLOC_FL_ZERO_RANGE = libc_h.FALLOC_FL_ZERO_RANGE;

    public static final int EFD_SEMAPHORE = libc_h.EFD_SEMAPHORE;
    public static final int EFD_CLOEXEC = libc_h.EFD_CLOEXEC;
    public static final int EFD_NONBLOCK = libc_h.EFD_NONBLOCK;

    /** io_uring/pwritev2 {@code rw_flags}: this write is durable on completion (like a FUA write). */
    public static final int RWF_DSYNC = libc_h.RWF_DSYNC;
    public static final int RWF_SYNC = libc_h.RWF_SYNC;
    public static final int RWF_NOWAIT = libc_h.RWF_NOWAIT;

    public static final int POLLIN = libc_h.POLLIN;
    public static final int POLLOUT = libc_h.POLLOUT;

    public static final int AF_UNIX = libc_h.AF_UNIX;
    public static final int SOCK_DGRAM = libc_h.SOCK_DGRAM;
    public static final int SOCK_CLOEXEC = libc_h.SOCK_CLOEXEC;
    public static final int MSG_NOSIGNAL = libc_h.MSG_NOSIGNAL;

    /** Per-thread errno capture segment: libc calls are not on the per-I/O path, but eventfd wake-ups may be hot. */
    private static final ThreadLocal<MemorySegment> ERRNO_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(libc_h.errnoStateLayout()));

    /** Per-thread 8-byte buffer for eventfd counters, so that wake-ups do not allocate. */
    private static final ThreadLocal<MemorySegment> WORD =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ValueLayout.JAVA_LONG));

    private static final long PAGE_SIZE = querySysconf(libc_h._SC_PAGESIZE);

    private static MemorySegment state() {
        return ERRNO_STATE.get();
    }

    private static NativeException failure(String call, String path, MemorySegment state) {
        return new NativeException(call, path, libc_h.errno(state));
    }

    private static long querySysconf(int name) {
        MemorySegment st = state();
        long v = libc_h.sysconf(st, name);
        if (v < 0) {
            throw new IllegalStateException("sysconf(" + name + "): " + Errno.format(libc_h.errno(st)));
        }
        return v;
    }

    /** {@code open(2)}; returns the file descriptor. {@code mode} matters only with {@link #O_CREAT}. */
    public static int open(String path, int flags, int mode) throws NativeException {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int fd = libc_h.open(st, arena.allocateFrom(path), flags, mode);
            if (fd < 0) {
                throw failure("open", path, st);
            }
            return fd;
        }
    }

    /** {@code open(path, flags)} without creating. */
    public static int open(String path, int flags) throws NativeException {
        return open(path, flags, 0);
    }

    /** {@code close(2)}. */
    public static void close(int fd) throws NativeException {
        MemorySegment st = state();
        if (libc_h.close(st, fd) != 0) {
            throw failure("close", null, st);
        }
    }

    /** {@code fstat(2)}. */
    public static Stat fstat(int fd) throws NativeException {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = stat.allocate(arena);
            if (libc_h.fstat(st, fd, buf) != 0) {
                throw failure("fstat", null, st);
            }
            long rdev = stat.st_rdev(buf);
            return new Stat(stat.st_mode(buf), stat.st_size(buf), stat.st_blksize(buf), stat.st_blocks(buf),
                    Stat.major(rdev), Stat.minor(rdev), stat.st_dev(buf), stat.st_ino(buf));
        }
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument; returns the (non-negative) result. */
    public static int ioctl(int fd, long request, MemorySegment arg) throws NativeException {
        MemorySegment st = state();
        int r = libc_h.ioctl(st, fd, request, arg);
        if (r < 0) {
            throw failure("ioctl(0x" + Long.toHexString(request) + ")", null, st);
        }
        return r;
    }

    /** {@code ioctl(fd, request, arg)} with an integer argument; returns the (non-negative) result. */
    public static int ioctl(int fd, long request, long arg) throws NativeException {
        MemorySegment st = state();
        int r = libc_h.ioctl$long(st, fd, request, arg);
        if (r < 0) {
            throw failure("ioctl(0x" + Long.toHexString(request) + ")", null, st);
        }
        return r;
    }

    /** Size in bytes of the block device open as {@code fd} ({@code BLKGETSIZE64}). */
    public static long blockDeviceSize(int fd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            ioctlNamed(fd, libc_h.BLKGETSIZE64, out, "ioctl(BLKGETSIZE64)");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Logical block size of the block device open as {@code fd} ({@code BLKSSZGET}). */
    public static int logicalBlockSize(int fd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            ioctlNamed(fd, libc_h.BLKSSZGET, out, "ioctl(BLKSSZGET)");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Physical block size of the block device open as {@code fd} ({@code BLKPBSZGET}). */
    public static int physicalBlockSize(int fd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            ioctlNamed(fd, libc_h.BLKPBSZGET, out, "ioctl(BLKPBSZGET)");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private static void ioctlNamed(int fd, long request, MemorySegment arg, String call) throws NativeException {
        MemorySegment st = state();
        if (libc_h.ioctl(st, fd, request, arg) < 0) {
            throw failure(call, null, st);
        }
    }

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}; returns a segment of exactly {@code length} bytes in the
     * global scope. The caller owns the mapping and must {@link #munmap(MemorySegment)} it; the segment must not be
     * used afterwards.
     */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) throws NativeException {
        MemorySegment st = state();
        MemorySegment p = libc_h.mmap(st, MemorySegment.NULL, length, prot, flags, fd, offset);
        if (p.address() == libc_h.MAP_FAILED) {
            throw failure("mmap", null, st);
        }
        return p.reinterpret(length);
    }

    /**
     * As {@link #mmap(long, int, int, int, long)}, but the mapping belongs to {@code arena}: it is unmapped when the
     * arena closes, and the segment becomes inaccessible at the same moment.
     */
    @SuppressWarnings("restricted")
    public static MemorySegment mmap(Arena arena, long length, int prot, int flags, int fd, long offset)
            throws NativeException {
        MemorySegment mapped = mmap(length, prot, flags, fd, offset);
        return mapped.reinterpret(length, arena, Libc::munmapQuietly);
    }

    /** {@code munmap(2)} of a segment returned by {@link #mmap(long, int, int, int, long)}. */
    public static void munmap(MemorySegment mapping) throws NativeException {
        MemorySegment st = state();
        if (libc_h.munmap(st, mapping, mapping.byteSize()) != 0) {
            throw failure("munmap", null, st);
        }
    }

    private static void munmapQuietly(MemorySegment mapping) {
        // Cleanup actions must not throw; munmap of a mapping we created only fails on programming errors.
        libc_h.munmap(state(), mapping, mapping.byteSize());
    }

    /** {@code fallocate(2)}. */
    public static void fallocate(int fd, int mode, long offset, long length) throws NativeException {
        MemorySegment st = state();
        if (libc_h.fallocate(st, fd, mode, offset, length) != 0) {
            throw failure("fallocate", null, st);
        }
    }

    /** {@code eventfd(2)}; returns the new file descriptor. */
    public static int eventfd(int initval, int flags) throws NativeException {
        MemorySegment st = state();
        int fd = libc_h.eventfd(st, initval, flags);
        if (fd < 0) {
            throw failure("eventfd", null, st);
        }
        return fd;
    }

    /** Adds {@code value} to the eventfd counter (wakes a reader or a poll). Safe from any thread. */
    public static void eventfdWrite(int fd, long value) throws NativeException {
        MemorySegment st = state();
        MemorySegment buf = WORD.get();
        buf.set(ValueLayout.JAVA_LONG, 0, value);
        if (libc_h.write(st, fd, buf, 8) != 8) {
            throw failure("write(eventfd)", null, st);
        }
    }

    /** Reads and resets the eventfd counter (blocks while it is 0 unless the fd is non-blocking). */
    public static long eventfdRead(int fd) throws NativeException {
        MemorySegment st = state();
        MemorySegment buf = WORD.get();
        if (libc_h.read(st, fd, buf, 8) != 8) {
            throw failure("read(eventfd)", null, st);
        }
        return buf.get(ValueLayout.JAVA_LONG, 0);
    }

    /** {@code pread(2)} into all of {@code buf}; returns the number of bytes read (0 at end of file). */
    public static long pread(int fd, MemorySegment buf, long offset) throws NativeException {
        MemorySegment st = state();
        long n = libc_h.pread(st, fd, buf, buf.byteSize(), offset);
        if (n < 0) {
            throw failure("pread", null, st);
        }
        return n;
    }

    /** {@code pwrite(2)} of all of {@code buf}; returns the number of bytes written. */
    public static long pwrite(int fd, MemorySegment buf, long offset) throws NativeException {
        MemorySegment st = state();
        long n = libc_h.pwrite(st, fd, buf, buf.byteSize(), offset);
        if (n < 0) {
            throw failure("pwrite", null, st);
        }
        return n;
    }

    /** {@code fsync(2)}. */
    public static void fsync(int fd) throws NativeException {
        MemorySegment st = state();
        if (libc_h.fsync(st, fd) != 0) {
            throw failure("fsync", null, st);
        }
    }

    /** {@code fdatasync(2)}. */
    public static void fdatasync(int fd) throws NativeException {
        MemorySegment st = state();
        if (libc_h.fdatasync(st, fd) != 0) {
            throw failure("fdatasync", null, st);
        }
    }

    /** {@code socket(2)}; returns the new file descriptor. */
    public static int socket(int domain, int type, int protocol) throws NativeException {
        MemorySegment st = state();
        int fd = libc_h.socket(st, domain, type, protocol);
        if (fd < 0) {
            throw failure("socket", null, st);
        }
        return fd;
    }

    /**
     * {@code sendto(2)} of all of {@code buf} to the Unix socket at {@code address}: a path, or a name in the abstract
     * namespace written with a leading {@code '@'} (as systemd writes {@code NOTIFY_SOCKET}). Returns the bytes sent.
     *
     * @throws IllegalArgumentException when the address is empty or does not fit {@code sun_path}
     */
    public static long sendto(int fd, MemorySegment buf, int flags, String address) throws NativeException {
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        boolean bare = name.length > 0 && name[0] == '@';
        long room = sockaddr_un.sun_path$layout().byteSize();
        // a path ends with a NUL inside sun_path; an abstract name is its bytes after a leading NUL, nothing more
        if (name.length == 0 || (bare ? name.length : name.length + 1) > room || (bare && name.length == 1)) {
            throw new IllegalArgumentException("not a Unix socket address (empty or longer than " + room
                    + " bytes): " + address);
        }
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = sockaddr_un.allocate(arena);
            sockaddr_un.sun_family(sa, (short) AF_UNIX);
            MemorySegment path = sockaddr_un.sun_path(sa);
            MemorySegment.copy(name, 0, path, ValueLayout.JAVA_BYTE, 0, name.length);
            if (bare) {
                path.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            }
            int len = (int) (sockaddr_un.sun_path$offset() + (bare ? name.length : name.length + 1));
            long n = libc_h.sendto(st, fd, buf, buf.byteSize(), flags, sa, len);
            if (n < 0) {
                throw failure("sendto", address, st);
            }
            return n;
        }
    }

    /** The process id; this is what ublk's START_DEV expects as the server pid. */
    public static int getpid() {
        return libc_h.getpid();
    }

    /** The kernel thread id of the caller. */
    public static int gettid() {
        return libc_h.gettid();
    }

    /** The effective user id. */
    public static int geteuid() {
        return libc_h.geteuid();
    }

    /** {@code sysconf(_SC_PAGESIZE)}, read once. */
    public static long pageSize() {
        return PAGE_SIZE;
    }
}
