package io.ublksnap.ffi.c;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * glibc functions and constants that ublksnap needs (x86-64 Linux), in the shape jextract generates for a header:
 * one lazily initialized holder per function with its {@link FunctionDescriptor} and {@link MethodHandle}, a static
 * {@code <name>$handle()} and a static wrapper that calls it with {@code invokeExact}.
 *
 * <p>Functions that report failure through {@code errno} are linked with
 * {@link Linker.Option#captureCallState(String...) captureCallState("errno")}: their wrappers take the capture segment
 * (allocated with {@link #errnoStateLayout()}) as the first argument, exactly as the method handle does, and the caller
 * reads the value with {@link #errno(MemorySegment)} after a failed call. {@code open} and {@code ioctl} are variadic in
 * C; they are linked for the one variadic argument ublksnap passes.
 *
 * <p>Also home of the C type layouts ({@code C_INT}, {@code C_POINTER}, ...) used by every struct class of this package.
 * Constants mirror {@code <fcntl.h>}, {@code <sys/mman.h>}, {@code <linux/falloc.h>}, {@code <sys/eventfd.h>},
 * {@code <linux/fs.h>}, {@code <sys/socket.h>} and {@code <unistd.h>}; the C probe test checks them against the installed headers.
 */
@SuppressWarnings("restricted")
public final class libc_h {

    private libc_h() {
    }

    // ---- C types (LP64) ----
    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    static final Linker LINKER = Linker.nativeLinker();

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Layout of the segment that errno-capturing handles write into; allocate one per thread and reuse it. */
    public static StructLayout errnoStateLayout() {
        return CAPTURE_LAYOUT;
    }

    /** The errno captured by the last call that was given {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static MethodHandle downcall(String name, FunctionDescriptor desc, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, desc, options);
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor desc) {
        return downcall(name, desc, CAPTURE_ERRNO);
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("downcall failed unexpectedly", t);
    }

    // ---- open(2) flags, x86-64 values ----
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DSYNC = 010000;
    /** {@code O_DIRECT}: architecture dependent; 040000 on x86-64. */
    public static final int O_DIRECT = 040000;
    public static final int O_LARGEFILE = 0;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_SYNC = 04010000;

    // ---- mmap(2) ----
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_HUGETLB = 0x40000;
    /** {@code (void *) -1}. */
    public static final long MAP_FAILED = -1L;

    // ---- fallocate(2) modes, <linux/falloc.h> ----
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    public static final int FALLOC_FL_NO_HIDE_STALE = 0x04;
    public static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;
    public static final int FALLOC_FL_INSERT_RANGE = 0x20;
    public static final int FALLOC_FL_UNSHARE_RANGE = 0x40;

    // ---- eventfd(2) ----
    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_CLOEXEC = 02000000;
    public static final int EFD_NONBLOCK = 04000;

    // ---- poll(2) events, as used by IORING_OP_POLL_ADD ----
    public static final int POLLIN = 0x001;
    public static final int POLLPRI = 0x002;
    public static final int POLLOUT = 0x004;
    public static final int POLLERR = 0x008;
    public static final int POLLHUP = 0x010;

    // ---- preadv2/pwritev2 and io_uring rw_flags, <linux/fs.h> ----
    public static final int RWF_HIPRI = 0x01;
    public static final int RWF_DSYNC = 0x02;
    public static final int RWF_SYNC = 0x04;
    public static final int RWF_NOWAIT = 0x08;
    public static final int RWF_APPEND = 0x10;

    // ---- st_mode file types, <sys/stat.h> ----
    public static final int S_IFMT = 0170000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;

    // ---- block device ioctls, <linux/fs.h> ----
    /** {@code _IO(0x12, 104)}: logical block size, int. */
    public static final long BLKSSZGET = 0x1268L;
    /** {@code _IO(0x12, 123)}: physical block size, unsigned int. */
    public static final long BLKPBSZGET = 0x127bL;
    /** {@code _IOR(0x12, 114, size_t)}: device size in bytes, u64. */
    public static final long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 97)}: flush the buffer cache of a block device. */
    public static final long BLKFLSBUF = 0x1261L;

    // ---- sockets, <sys/socket.h> and <sys/un.h> (for sd_notify) ----
    public static final int AF_UNIX = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 02000000;
    /** {@code send} flag: no SIGPIPE when the peer is gone (the JVM ignores SIGPIPE anyway; EPIPE either way). */
    public static final int MSG_NOSIGNAL = 0x4000;

    // ---- sysconf(3) ----
    public static final int _SC_PAGESIZE = 30;
    public static final int _SC_NPROCESSORS_ONLN = 84;

    // ---- functions ----

    private static final class open {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MethodHandle HANDLE = downcall("open", DESC, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    /** {@code int open(const char *path, int flags, ... mode_t mode)}, errno captured. */
    public static MethodHandle open$handle() {
        return open.HANDLE;
    }

    public static int open(MemorySegment errnoState, MemorySegment path, int flags, int mode) {
        try {
            return (int) open.HANDLE.invokeExact(errnoState, path, flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class close {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = errnoCall("close", DESC);
    }

    /** {@code int close(int fd)}, errno captured. */
    public static MethodHandle close$handle() {
        return close.HANDLE;
    }

    public static int close(MemorySegment errnoState, int fd) {
        try {
            return (int) close.HANDLE.invokeExact(errnoState, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class ioctl {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_POINTER);
        static final MethodHandle HANDLE = downcall("ioctl", DESC, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    /** {@code int ioctl(int fd, unsigned long request, ... void *arg)}, errno captured. */
    public static MethodHandle ioctl$handle() {
        return ioctl.HANDLE;
    }

    public static int ioctl(MemorySegment errnoState, int fd, long request, MemorySegment arg) {
        try {
            return (int) ioctl.HANDLE.invokeExact(errnoState, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class ioctl$long {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_LONG, C_LONG);
        static final MethodHandle HANDLE = downcall("ioctl", DESC, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    /** {@code int ioctl(int fd, unsigned long request, ... unsigned long arg)}, errno captured. */
    public static MethodHandle ioctl$long$handle() {
        return ioctl$long.HANDLE;
    }

    public static int ioctl$long(MemorySegment errnoState, int fd, long request, long arg) {
        try {
            return (int) ioctl$long.HANDLE.invokeExact(errnoState, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class fstat {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = errnoCall("fstat", DESC);
    }

    /** {@code int fstat(int fd, struct stat *buf)} (a real symbol since glibc 2.33), errno captured. */
    public static MethodHandle fstat$handle() {
        return fstat.HANDLE;
    }

    public static int fstat(MemorySegment errnoState, int fd, MemorySegment buf) {
        try {
            return (int) fstat.HANDLE.invokeExact(errnoState, fd, buf);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class mmap {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_POINTER, C_POINTER, C_LONG, C_INT, C_INT, C_INT, C_LONG);
        static final MethodHandle HANDLE = errnoCall("mmap", DESC);
    }

    /** {@code void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)}, errno captured. */
    public static MethodHandle mmap$handle() {
        return mmap.HANDLE;
    }

    public static MemorySegment mmap(MemorySegment errnoState, MemorySegment addr, long len, int prot, int flags,
                                     int fd, long off) {
        try {
            return (MemorySegment) mmap.HANDLE.invokeExact(errnoState, addr, len, prot, flags, fd, off);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class munmap {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);
        static final MethodHandle HANDLE = errnoCall("munmap", DESC);
    }

    /** {@code int munmap(void *addr, size_t len)}, errno captured. */
    public static MethodHandle munmap$handle() {
        return munmap.HANDLE;
    }

    public static int munmap(MemorySegment errnoState, MemorySegment addr, long len) {
        try {
            return (int) munmap.HANDLE.invokeExact(errnoState, addr, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class fallocate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT, C_LONG, C_LONG);
        static final MethodHandle HANDLE = errnoCall("fallocate", DESC);
    }

    /** {@code int fallocate(int fd, int mode, off_t offset, off_t len)}, errno captured. */
    public static MethodHandle fallocate$handle() {
        return fallocate.HANDLE;
    }

    public static int fallocate(MemorySegment errnoState, int fd, int mode, long offset, long len) {
        try {
            return (int) fallocate.HANDLE.invokeExact(errnoState, fd, mode, offset, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class eventfd {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT);
        static final MethodHandle HANDLE = errnoCall("eventfd", DESC);
    }

    /** {@code int eventfd(unsigned int initval, int flags)}, errno captured. */
    public static MethodHandle eventfd$handle() {
        return eventfd.HANDLE;
    }

    public static int eventfd(MemorySegment errnoState, int initval, int flags) {
        try {
            return (int) eventfd.HANDLE.invokeExact(errnoState, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class read {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG);
        static final MethodHandle HANDLE = errnoCall("read", DESC);
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)}, errno captured. */
    public static MethodHandle read$handle() {
        return read.HANDLE;
    }

    public static long read(MemorySegment errnoState, int fd, MemorySegment buf, long count) {
        try {
            return (long) read.HANDLE.invokeExact(errnoState, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class write {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG);
        static final MethodHandle HANDLE = errnoCall("write", DESC);
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}, errno captured. */
    public static MethodHandle write$handle() {
        return write.HANDLE;
    }

    public static long write(MemorySegment errnoState, int fd, MemorySegment buf, long count) {
        try {
            return (long) write.HANDLE.invokeExact(errnoState, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class pread {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_LONG);
        static final MethodHandle HANDLE = errnoCall("pread", DESC);
    }

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset)}, errno captured. */
    public static MethodHandle pread$handle() {
        return pread.HANDLE;
    }

    public static long pread(MemorySegment errnoState, int fd, MemorySegment buf, long count, long offset) {
        try {
            return (long) pread.HANDLE.invokeExact(errnoState, fd, buf, count, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class pwrite {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_LONG);
        static final MethodHandle HANDLE = errnoCall("pwrite", DESC);
    }

    /** {@code ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)}, errno captured. */
    public static MethodHandle pwrite$handle() {
        return pwrite.HANDLE;
    }

    public static long pwrite(MemorySegment errnoState, int fd, MemorySegment buf, long count, long offset) {
        try {
            return (long) pwrite.HANDLE.invokeExact(errnoState, fd, buf, count, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class fsync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = errnoCall("fsync", DESC);
    }

    /** {@code int fsync(int fd)}, errno captured. */
    public static MethodHandle fsync$handle() {
        return fsync.HANDLE;
    }

    public static int fsync(MemorySegment errnoState, int fd) {
        try {
            return (int) fsync.HANDLE.invokeExact(errnoState, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class fdatasync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        static final MethodHandle HANDLE = errnoCall("fdatasync", DESC);
    }

    /** {@code int fdatasync(int fd)}, errno captured. */
    public static MethodHandle fdatasync$handle() {
        return fdatasync.HANDLE;
    }

    public static int fdatasync(MemorySegment errnoState, int fd) {
        try {
            return (int) fdatasync.HANDLE.invokeExact(errnoState, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class socket {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT);
        static final MethodHandle HANDLE = errnoCall("socket", DESC);
    }

    /** {@code int socket(int domain, int type, int protocol)}, errno captured. */
    public static MethodHandle socket$handle() {
        return socket.HANDLE;
    }

    public static int socket(MemorySegment errnoState, int domain, int type, int protocol) {
        try {
            return (int) socket.HANDLE.invokeExact(errnoState, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class sendto {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = errnoCall("sendto", DESC);
    }

    /**
     * {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
     * socklen_t addrlen)}, errno captured.
     */
    public static MethodHandle sendto$handle() {
        return sendto.HANDLE;
    }

    public static long sendto(MemorySegment errnoState, int fd, MemorySegment buf, long len, int flags,
                              MemorySegment addr, int addrlen) {
        try {
            return (long) sendto.HANDLE.invokeExact(errnoState, fd, buf, len, flags, addr, addrlen);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class getpid {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = downcall("getpid", DESC);
    }

    /** {@code pid_t getpid(void)}: the process id (thread group id). */
    public static MethodHandle getpid$handle() {
        return getpid.HANDLE;
    }

    public static int getpid() {
        try {
            return (int) getpid.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class gettid {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = downcall("gettid", DESC);
    }

    /** {@code pid_t gettid(void)}: the kernel id of the calling thread. */
    public static MethodHandle gettid$handle() {
        return gettid.HANDLE;
    }

    public static int gettid() {
        try {
            return (int) gettid.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class geteuid {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = downcall("geteuid", DESC);
    }

    /** {@code uid_t geteuid(void)}. */
    public static MethodHandle geteuid$handle() {
        return geteuid.HANDLE;
    }

    public static int geteuid() {
        try {
            return (int) geteuid.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class sysconf {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_INT);
        static final MethodHandle HANDLE = errnoCall("sysconf", DESC);
    }

    /** {@code long sysconf(int name)}, errno captured. */
    public static MethodHandle sysconf$handle() {
        return sysconf.HANDLE;
    }

    public static long sysconf(MemorySegment errnoState, int name) {
        try {
            return (long) sysconf.HANDLE.invokeExact(errnoState, name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class strerror {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = downcall("strerror", DESC);
    }

    /** {@code char *strerror(int errnum)}; glibc returns a string that stays valid for known errnos. */
    public static MethodHandle strerror$handle() {
        return strerror.HANDLE;
    }

    public static MemorySegment strerror(int errnum) {
        try {
            return (MemorySegment) strerror.HANDLE.invokeExact(errnum);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
