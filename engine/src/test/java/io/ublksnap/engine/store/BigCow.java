package io.ublksnap.engine.store;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.IoBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A COW of any size that exists only as a formula: a header with the given chunk size, then
 * {@code exceptions} exceptions in order (origin chunk i to the i-th data chunk), zeros elsewhere
 * except in data chunks, whose contents are left as the reader's buffer held them.
 * For tests of huge chunks and of millions of exceptions without the memory or disk they would take.
 */
final class BigCow implements BackingDevice {
    private final long size;
    private final int chunkSectors;
    private final int version;
    private final long exceptions;
    private final int epa;

    BigCow(long size, int chunkSectors, int version, long exceptions) {
        this.size = size;
        this.chunkSectors = chunkSectors;
        this.version = version;
        this.exceptions = exceptions;
        this.epa = Math.max(1, chunkSectors) * 512 / 16;
    }

    /** The smallest COW that holds {@code exceptions} exceptions of 8-sector chunks, and the next area. */
    static BigCow withExceptions(long exceptions) {
        int epa = 256;
        long areas = exceptions / epa + 1;
        return new BigCow((1 + areas * (epa + 1L)) * 4096, 8, 1, exceptions);
    }

    @Override
    public String name() {
        return "big-cow";
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public int logicalBlockSize() {
        return 512;
    }

    @Override
    public boolean supportsDiscard() {
        return false;
    }

    @Override
    public void readSync(long offset, IoBuffer buf) throws IOException {
        if (offset < 0 || offset + buf.length() > size) {
            throw new IOException("read beyond the end of " + name());
        }
        ByteBuffer b = buf.byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long chunkBytes = Math.max(1, chunkSectors) * 512L; // a header may say 0
        long first = offset / chunkBytes;
        if (first == (offset + buf.length() - 1) / chunkBytes && first > 0 && (first - 1) % (epa + 1) != 0) {
            return; // inside one data chunk: its contents do not matter here, and filling them would take long
        }
        for (int i = 0; i < b.capacity(); i += 8) {
            long at = offset + i;
            long chunk = at / chunkBytes;
            long inChunk = at % chunkBytes;
            long v = 0;
            if (chunk == 0) {
                v = switch ((int) inChunk) {
                    case 0 -> (1L << 32) | 0x70416e53L;
                    case 8 -> ((long) chunkSectors << 32) | version;
                    default -> 0;
                };
            } else if ((chunk - 1) % (epa + 1) == 0) {
                long area = (chunk - 1) / (epa + 1);
                long index = area * epa + inChunk / 16;
                if (index < exceptions) {
                    v = inChunk % 16 == 0 ? index : chunk + 1 + inChunk / 16;
                }
            }
            b.putLong(i, v);
        }
    }

    @Override
    public void writeSync(long offset, IoBuffer buf) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public void flushSync() {
    }

    /** An allocator that refuses anything larger than {@code max} bytes: what a test lets the engine hold. */
    static BufferAllocator allocatorUpTo(int max) {
        return size -> {
            if (size > max) {
                throw new AssertionError("allocated " + size + " bytes (more than " + max + ")");
            }
            return BufferAllocator.DIRECT.allocate(size);
        };
    }
}
