package io.ublksnap.engine.io;

import java.nio.ByteBuffer;

/**
 * A region of memory that backing I/O reads into or writes from.
 *
 * <p>The engine never looks inside request buffers: it only slices them and hands the slices to an
 * {@link IoQueue}. Buffers the engine allocates itself (chunk copies, metadata areas) come from a
 * {@link BufferAllocator} and are always host memory, reachable through {@link #byteBuffer()}.
 * A buffer that lives in the kernel (ublk zero copy: the request's pages registered in an io_uring)
 * has no host view, and {@code byteBuffer()} throws.
 */
public interface IoBuffer {

    /** Length in bytes. */
    long length();

    /** A view of {@code length} bytes starting {@code offset} bytes into this buffer. */
    IoBuffer slice(long offset, long length);

    /**
     * A host view of the whole buffer: position 0, limit {@link #length()}, native byte order
     * unless the caller sets another. Each call returns a new view.
     *
     * @throws UnsupportedOperationException if the memory is not reachable from the CPU
     */
    ByteBuffer byteBuffer();
}
