package io.ublksnap.ublkd.io;

import java.nio.ByteBuffer;

/**
 * A ublk request's own pages, registered by the kernel in a queue's io_uring buffer table
 * (UBLK_F_AUTO_BUF_REG, zero copy): backing I/O reads into and writes from them with
 * READ_FIXED/WRITE_FIXED, addressing bytes by their offset from 0. The CPU cannot see them.
 */
public record KernelBuffer(int fixedIndex, long offset, long length) implements NativeBuffer {

    @Override
    public long ringAddress() {
        return offset;
    }

    @Override
    public KernelBuffer slice(long off, long len) {
        if (off < 0 || len < 0 || off + len > length) {
            throw new IndexOutOfBoundsException("slice " + off + "+" + len + " of " + length);
        }
        return new KernelBuffer(fixedIndex, offset + off, len);
    }

    @Override
    public ByteBuffer byteBuffer() {
        throw new UnsupportedOperationException("a zero-copy request buffer is not reachable from the CPU");
    }
}
