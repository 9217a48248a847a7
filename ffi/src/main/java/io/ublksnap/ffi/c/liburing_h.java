package io.ublksnap.ffi.c;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static io.ublksnap.ffi.c.libc_h.C_INT;
import static io.ublksnap.ffi.c.libc_h.C_POINTER;

/**
 * Functions exported by liburing 2.3 ({@code liburing.so.2}),
 * <a href="https://github.com/axboe/liburing/blob/liburing-2.3/src/include/liburing.h">liburing.h</a>, in the shape
 * jextract generates. Every function here is a real exported symbol of liburing 2.3 ({@code nm -D}); the many
 * {@code static inline} helpers of liburing.h ({@code io_uring_get_sqe}, {@code io_uring_prep_*},
 * {@code io_uring_cq_advance}, ...) have no symbol and are re-implemented in Java by {@code io.ublksnap.ffi.IoUring}.
 *
 * <p>All these functions return {@code -errno} on failure rather than setting {@code errno}, so no call state is
 * captured. They take a pointer to liburing's {@link io_uring struct io_uring}; the memory belongs to the caller.
 */
@SuppressWarnings("restricted")
public final class liburing_h {

    private liburing_h() {
    }

    /** The soname the bindings load. */
    public static final String LIBRARY = "liburing.so.2";

    private static final class Lib {
        static final SymbolLookup LOOKUP = load();

        private static SymbolLookup load() {
            try {
                return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            } catch (IllegalArgumentException e) {
                UnsatisfiedLinkError error = new UnsatisfiedLinkError(
                        "cannot load " + LIBRARY + ": install liburing 2.x (Debian/Ubuntu: apt-get install liburing2)");
                error.initCause(e);
                throw error;
            }
        }
    }

    private static MethodHandle downcall(String name, FunctionDescriptor desc) {
        MemorySegment symbol = Lib.LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no symbol " + name));
        return libc_h.LINKER.downcallHandle(symbol, desc);
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("downcall failed unexpectedly", t);
    }

    private static final class io_uring_queue_init_params {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = downcall("io_uring_queue_init_params", DESC);
    }

    /** {@code int io_uring_queue_init_params(unsigned entries, struct io_uring *ring, struct io_uring_params *p)}. */
    public static MethodHandle io_uring_queue_init_params$handle() {
        return io_uring_queue_init_params.HANDLE;
    }

    public static int io_uring_queue_init_params(int entries, MemorySegment ring, MemorySegment params) {
        try {
            return (int) io_uring_queue_init_params.HANDLE.invokeExact(entries, ring, params);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_queue_exit {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = downcall("io_uring_queue_exit", DESC);
    }

    /** {@code void io_uring_queue_exit(struct io_uring *ring)}: unmaps the rings and closes the ring fd. */
    public static MethodHandle io_uring_queue_exit$handle() {
        return io_uring_queue_exit.HANDLE;
    }

    public static void io_uring_queue_exit(MemorySegment ring) {
        try {
            io_uring_queue_exit.HANDLE.invokeExact(ring);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_submit {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = downcall("io_uring_submit", DESC);
    }

    /**
     * {@code int io_uring_submit(struct io_uring *ring)}: publishes {@code sq.sqe_tail} to the kernel's SQ tail and
     * calls {@code io_uring_enter} if needed; returns the number of entries submitted.
     */
    public static MethodHandle io_uring_submit$handle() {
        return io_uring_submit.HANDLE;
    }

    public static int io_uring_submit(MemorySegment ring) {
        try {
            return (int) io_uring_submit.HANDLE.invokeExact(ring);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_submit_and_wait {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = downcall("io_uring_submit_and_wait", DESC);
    }

    /** {@code int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)}. */
    public static MethodHandle io_uring_submit_and_wait$handle() {
        return io_uring_submit_and_wait.HANDLE;
    }

    public static int io_uring_submit_and_wait(MemorySegment ring, int waitNr) {
        try {
            return (int) io_uring_submit_and_wait.HANDLE.invokeExact(ring, waitNr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_submit_and_wait_timeout {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = downcall("io_uring_submit_and_wait_timeout", DESC);
    }

    /**
     * {@code int io_uring_submit_and_wait_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
     * unsigned wait_nr, struct __kernel_timespec *ts, sigset_t *sigmask)}: returns {@code -ETIME} on timeout.
     */
    public static MethodHandle io_uring_submit_and_wait_timeout$handle() {
        return io_uring_submit_and_wait_timeout.HANDLE;
    }

    public static int io_uring_submit_and_wait_timeout(MemorySegment ring, MemorySegment cqePtr, int waitNr,
                                                       MemorySegment ts, MemorySegment sigmask) {
        try {
            return (int) io_uring_submit_and_wait_timeout.HANDLE.invokeExact(ring, cqePtr, waitNr, ts, sigmask);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_get_events {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = downcall("io_uring_get_events", DESC);
    }

    /** {@code int io_uring_get_events(struct io_uring *ring)}: runs deferred task work, flushes overflowed CQEs. */
    public static MethodHandle io_uring_get_events$handle() {
        return io_uring_get_events.HANDLE;
    }

    public static int io_uring_get_events(MemorySegment ring) {
        try {
            return (int) io_uring_get_events.HANDLE.invokeExact(ring);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_register_buffers {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        static final MethodHandle HANDLE = downcall("io_uring_register_buffers", DESC);
    }

    /** {@code int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iovecs, unsigned nr)}. */
    public static MethodHandle io_uring_register_buffers$handle() {
        return io_uring_register_buffers.HANDLE;
    }

    public static int io_uring_register_buffers(MemorySegment ring, MemorySegment iovecs, int nr) {
        try {
            return (int) io_uring_register_buffers.HANDLE.invokeExact(ring, iovecs, nr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_unregister_buffers {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = downcall("io_uring_unregister_buffers", DESC);
    }

    /** {@code int io_uring_unregister_buffers(struct io_uring *ring)}. */
    public static MethodHandle io_uring_unregister_buffers$handle() {
        return io_uring_unregister_buffers.HANDLE;
    }

    public static int io_uring_unregister_buffers(MemorySegment ring) {
        try {
            return (int) io_uring_unregister_buffers.HANDLE.invokeExact(ring);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_register_files {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        static final MethodHandle HANDLE = downcall("io_uring_register_files", DESC);
    }

    /** {@code int io_uring_register_files(struct io_uring *ring, const int *files, unsigned nr_files)}. */
    public static MethodHandle io_uring_register_files$handle() {
        return io_uring_register_files.HANDLE;
    }

    public static int io_uring_register_files(MemorySegment ring, MemorySegment files, int nrFiles) {
        try {
            return (int) io_uring_register_files.HANDLE.invokeExact(ring, files, nrFiles);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_register_files_sparse {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = downcall("io_uring_register_files_sparse", DESC);
    }

    /** {@code int io_uring_register_files_sparse(struct io_uring *ring, unsigned nr)}: {@code nr} empty slots. */
    public static MethodHandle io_uring_register_files_sparse$handle() {
        return io_uring_register_files_sparse.HANDLE;
    }

    public static int io_uring_register_files_sparse(MemorySegment ring, int nr) {
        try {
            return (int) io_uring_register_files_sparse.HANDLE.invokeExact(ring, nr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_register_files_update {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = downcall("io_uring_register_files_update", DESC);
    }

    /**
     * {@code int io_uring_register_files_update(struct io_uring *ring, unsigned off, const int *files,
     * unsigned nr_files)}: returns the number of slots updated; {@code -1} removes a file, {@code -2} skips a slot.
     */
    public static MethodHandle io_uring_register_files_update$handle() {
        return io_uring_register_files_update.HANDLE;
    }

    public static int io_uring_register_files_update(MemorySegment ring, int off, MemorySegment files, int nrFiles) {
        try {
            return (int) io_uring_register_files_update.HANDLE.invokeExact(ring, off, files, nrFiles);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_unregister_files {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = downcall("io_uring_unregister_files", DESC);
    }

    /** {@code int io_uring_unregister_files(struct io_uring *ring)}. */
    public static MethodHandle io_uring_unregister_files$handle() {
        return io_uring_unregister_files.HANDLE;
    }

    public static int io_uring_unregister_files(MemorySegment ring) {
        try {
            return (int) io_uring_unregister_files.HANDLE.invokeExact(ring);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class io_uring_register {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = downcall("io_uring_register", DESC);
    }

    /**
     * {@code int io_uring_register(unsigned fd, unsigned opcode, const void *arg, unsigned nr_args)}: the raw
     * registration syscall (exported since liburing 2.3), used for opcodes liburing 2.3 has no helper for, e.g.
     * {@code IORING_REGISTER_BUFFERS2} with {@code IORING_RSRC_REGISTER_SPARSE}. Returns {@code -errno} on failure.
     */
    public static MethodHandle io_uring_register$handle() {
        return io_uring_register.HANDLE;
    }

    public static int io_uring_register(int fd, int opcode, MemorySegment arg, int nrArgs) {
        try {
            return (int) io_uring_register.HANDLE.invokeExact(fd, opcode, arg, nrArgs);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
