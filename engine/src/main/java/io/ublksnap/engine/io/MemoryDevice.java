package io.ublksnap.engine.io;

import java.nio.ByteBuffer;

/**
 * A backing device in off-heap memory (up to 2 GiB): the in-memory backend, for tests and for
 * measuring the engine without storage. Reads and writes are copies between direct buffers.
 * Thread-safe for non-overlapping I/O, like a disk.
 */
public final class MemoryDevice implements BackingDevice {
    private final String name;
    private final ByteBuffer data;
    private final int logicalBlockSize;

    public MemoryDevice(String name, long sizeBytes) {
        this(name, sizeBytes, 512);
    }

    public MemoryDevice(String name, long sizeBytes, int logicalBlockSize) {
        if (sizeBytes > Integer.MAX_VALUE - 4096 || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("memory device size must be a multiple of 512 below 2 GiB: " + sizeBytes);
        }
        this.name = name;
        this.data = ByteBuffer.allocateDirect((int) sizeBytes);
        this.logicalBlockSize = logicalBlockSize;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return data.capacity();
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public boolean supportsDiscard() {
        return true;
    }

    /** Copies device bytes at {@code offset} into {@code buf}; returns the byte count or -EIO when out of range. */
    public int read(long offset, IoBuffer buf) {
        if (offset < 0 || offset + buf.length() > data.capacity()) {
            return -Errno.EIO;
        }
        buf.byteBuffer().put(0, data, (int) offset, (int) buf.length());
        return (int) buf.length();
    }

    public int write(long offset, IoBuffer buf) {
        if (offset < 0 || offset + buf.length() > data.capacity()) {
            return -Errno.EIO;
        }
        data.put((int) offset, buf.byteBuffer(), 0, (int) buf.length());
        return (int) buf.length();
    }

    /** Discarded ranges read back as zeros (like a punched hole). */
    public int discard(long offset, long length) {
        if (offset < 0 || offset + length > data.capacity()) {
            return -Errno.EIO;
        }
        for (long i = offset; i < offset + length; i++) {
            data.put((int) i, (byte) 0);
        }
        return 0;
    }

    @Override
    public void readSync(long offset, IoBuffer buf) throws java.io.IOException {
        if (read(offset, buf) < 0) {
            throw new java.io.IOException("read beyond the end of " + name);
        }
    }

    @Override
    public void writeSync(long offset, IoBuffer buf) throws java.io.IOException {
        if (write(offset, buf) < 0) {
            throw new java.io.IOException("write beyond the end of " + name);
        }
    }

    @Override
    public void flushSync() {
    }

    @Override
    public String toString() {
        return "MemoryDevice[" + name + ", " + data.capacity() + " bytes]";
    }
}
