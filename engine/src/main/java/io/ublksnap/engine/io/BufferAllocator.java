package io.ublksnap.engine.io;

/**
 * Allocates host buffers the engine owns (chunk copies, metadata areas): off-heap, aligned for
 * direct I/O, and usable by the {@link IoQueue}s of the same backend (for io_uring, memory whose
 * address the ring can use). Allocation is a slow path: the engine pools what it allocates.
 */
@FunctionalInterface
public interface BufferAllocator {

    /** A zeroed buffer of {@code size} bytes, aligned to at least 4096 bytes. */
    IoBuffer allocate(int size);

    /** Direct byte buffers, page aligned: enough for the in-memory and simulated backends. */
    BufferAllocator DIRECT = size -> HostBuffer.allocate(size, 4096);
}
