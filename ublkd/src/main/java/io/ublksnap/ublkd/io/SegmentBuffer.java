package io.ublksnap.ublkd.io;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Host memory for backing I/O: an off-heap {@link MemorySegment}, and the index of the io_uring
 * fixed buffer it lies in (or -1 when it is not registered). Slices keep the index: a slice lies
 * inside the same registered buffer, so READ_FIXED/WRITE_FIXED still apply.
 */
public record SegmentBuffer(MemorySegment segment, int fixedIndex) implements NativeBuffer {

    @Override
    public long ringAddress() {
        return segment.address();
    }

    @Override
    public long length() {
        return segment.byteSize();
    }

    @Override
    public SegmentBuffer slice(long offset, long length) {
        if (offset == 0 && length == segment.byteSize()) {
            return this; // the whole buffer (a chunk's copy in a buffer of its size): no new segment
        }
        return new SegmentBuffer(segment.asSlice(offset, length), fixedIndex);
    }

    @Override
    public ByteBuffer byteBuffer() {
        return segment.asByteBuffer().order(ByteOrder.nativeOrder());
    }
}
