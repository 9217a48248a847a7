package io.ublksnap.engine.fuzz;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.io.IoBuffer;

import java.nio.ByteBuffer;

/**
 * Buffers for one fuzz input at a time, carved from one off-heap block and handed out again for
 * the next input (tens of thousands of inputs would otherwise churn direct memory). Also a bound:
 * an input that makes the engine allocate more than the block fails.
 */
final class ArenaAllocator implements BufferAllocator {
    private final ByteBuffer block;
    private int used;

    ArenaAllocator(int bytes) {
        block = ByteBuffer.allocateDirect(bytes + 4096).alignedSlice(4096);
    }

    @Override
    public IoBuffer allocate(int size) {
        if (size < 0 || size > block.capacity() - used) {
            throw new AssertionError("the engine allocated " + size + " bytes for one input, beyond the "
                    + block.capacity() + " it may hold (" + used + " in use)");
        }
        int at = used;
        used = (used + size + 4095) & ~4095;
        ByteBuffer b = block.slice(at, size);
        for (int i = 0; i < size; i += 8) {
            if (size - i >= 8) {
                b.putLong(i, 0);
            } else {
                b.put(i, (byte) 0);
            }
        }
        return HostBuffer.wrap(b);
    }

    /** The next input starts with the whole block free. */
    void reset() {
        used = 0;
    }
}
