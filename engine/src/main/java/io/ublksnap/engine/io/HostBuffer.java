package io.ublksnap.engine.io;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An {@link IoBuffer} over a direct {@link ByteBuffer}: off-heap host memory, used by the in-memory
 * and simulated backends and by tests. Backends that need a native address (io_uring) bring their
 * own {@code IoBuffer} implementation.
 */
public final class HostBuffer implements IoBuffer {
    private final ByteBuffer buffer; // position 0, limit = length; never shared with callers

    private HostBuffer(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Wraps {@code buffer} from its position to its limit (it must be direct). */
    public static HostBuffer wrap(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("host buffers must be direct (off-heap)");
        }
        return new HostBuffer(buffer.slice());
    }

    /** Allocates {@code size} bytes of off-heap memory aligned to {@code alignment} bytes. */
    public static HostBuffer allocate(int size, int alignment) {
        // alignedSlice rounds both ends to the alignment: allocate whole units, plus one for the shift.
        int rounded = (size + alignment - 1) / alignment * alignment;
        ByteBuffer raw = ByteBuffer.allocateDirect(rounded + alignment);
        return new HostBuffer(raw.alignedSlice(alignment).slice(0, size));
    }

    @Override
    public long length() {
        return buffer.capacity();
    }

    @Override
    public HostBuffer slice(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, buffer.capacity());
        return new HostBuffer(buffer.slice((int) offset, (int) length));
    }

    @Override
    public ByteBuffer byteBuffer() {
        return buffer.duplicate();
    }

    @Override
    public String toString() {
        return "HostBuffer[" + buffer.capacity() + " bytes]";
    }
}
