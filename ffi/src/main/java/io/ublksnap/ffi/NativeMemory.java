package io.ublksnap.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap buffers for direct I/O: page-aligned (so valid for {@code O_DIRECT} on any device and for registration as
 * io_uring fixed buffers) and owned by an {@link Arena}, which frees or unmaps them when it closes.
 *
 * <p>Two sources: {@link #allocateAligned(Arena, long)} takes memory from the arena's allocator (zeroed, committed
 * immediately); {@link #mapAnonymous(Arena, long, boolean)} maps anonymous memory, optionally with
 * {@code MAP_NORESERVE} so that a large per-queue area (depth x max I/O size) costs nothing until touched.
 */
public final class NativeMemory {

    private NativeMemory() {
    }

    /** The system page size. */
    public static long pageSize() {
        return Libc.pageSize();
    }

    /** {@code value} rounded up to a multiple of {@code alignment} (a power of two). */
    public static long roundUp(long value, long alignment) {
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        return (value + alignment - 1) & -alignment;
    }

    /** {@code size} bytes aligned to the page size, zeroed, freed when {@code arena} closes. */
    public static MemorySegment allocateAligned(Arena arena, long size) {
        return arena.allocate(size, pageSize());
    }

    /** {@code size} bytes aligned to {@code alignment} (a power of two), zeroed, freed when {@code arena} closes. */
    public static MemorySegment allocateAligned(Arena arena, long size, long alignment) {
        return arena.allocate(size, alignment);
    }

    /**
     * Maps {@code size} bytes (rounded up to whole pages) of private anonymous memory, unmapped when {@code arena}
     * closes. Pages read as zero and are committed on first touch; with {@code noReserve} no swap space is reserved
     * either, so a mostly idle area costs neither memory nor commit charge.
     */
    public static MemorySegment mapAnonymous(Arena arena, long size, boolean noReserve) throws NativeException {
        long length = roundUp(size, pageSize());
        int flags = Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | (noReserve ? Libc.MAP_NORESERVE : 0);
        return Libc.mmap(arena, length, Libc.PROT_READ | Libc.PROT_WRITE, flags, -1, 0);
    }

    /** True if the segment's address is a multiple of {@code alignment}. */
    public static boolean isAligned(MemorySegment segment, long alignment) {
        return (segment.address() & (alignment - 1)) == 0;
    }
}
