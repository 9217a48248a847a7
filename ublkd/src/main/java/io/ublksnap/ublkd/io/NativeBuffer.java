package io.ublksnap.ublkd.io;

import io.ublksnap.engine.io.IoBuffer;

/**
 * Memory a {@link RingLoop} can read into and write from: what an SQE needs to address it. The
 * buffers ublkd gives the engine are all of this type: host memory ({@link SegmentBuffer}) and a
 * ublk request's own pages registered in a ring's buffer table ({@link KernelBuffer}).
 */
public sealed interface NativeBuffer extends IoBuffer permits SegmentBuffer, KernelBuffer {

    /** The SQE's {@code addr}: the host address, or for a kernel-registered buffer the offset in it. */
    long ringAddress();

    /** The io_uring fixed buffer this memory lies in (READ_FIXED/WRITE_FIXED), or -1 when it is not registered. */
    int fixedIndex();

    @Override
    NativeBuffer slice(long offset, long length);

    /**
     * The buffer the engine handed back: ublkd gives the engine only native buffers (from
     * {@link NativeBufferAllocator} or a ublk queue), so anything else is a wiring mistake.
     *
     * @throws IllegalArgumentException for a buffer that ublkd did not make
     */
    static NativeBuffer of(IoBuffer buf) {
        if (buf instanceof NativeBuffer n) {
            return n;
        }
        throw new IllegalArgumentException("not a buffer ublkd made (" + buf + "): io_uring cannot address it");
    }
}
