package io.ublksnap.engine.io;

import java.nio.ByteBuffer;

/**
 * A backing device in off-heap memory (up to 2 GiB): the in-memory backend, for tests and for
 * measuring the engine without storage. Reads and writes are copies between direct buffers.
 * Thread-safe for non-overlapping I/O, like a disk. It may be made with room to grow
 * ({@link #grow}), as a COW file or volume grown online.
 */
public final class MemoryDevice implements BackingDevice {
    private final String name;
    private final ByteBuffer data;
    private final int logicalBlockSize;
    private volatile long size;

    public MemoryDevice(String name, long sizeBytes) {
        this(name, sizeBytes, 512);
    }

    public MemoryDevice(String name, long sizeBytes, int logicalBlockSize) {
        this(name, sizeBytes, logicalBlockSize, sizeBytes);
    }

    /** A device of {@code sizeBytes} that may {@link #grow} up to {@code capacityBytes}. */
    public MemoryDevice(String name, long sizeBytes, int logicalBlockSize, long capacityBytes) {
        if (capacityBytes > Integer.MAX_VALUE - 4096 || sizeBytes % 512 != 0 || sizeBytes > capacityBytes) {
            throw new IllegalArgumentException("memory device size must be a multiple of 512 below 2 GiB: " + sizeBytes);
        }
        this.name = name;
        this.data = ByteBuffer.allocateDirect((int) capacityBytes);
        this.logicalBlockSize = logicalBlockSize;
        this.size = sizeBytes;
    }

    /** Grows the device to {@code sizeBytes} (a multiple of 512, at most its capacity); the new part reads as zeros. */
    public void grow(long sizeBytes) {
        if (sizeBytes < size || sizeBytes > data.capacity() || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("cannot grow " + name + " from " + size + " to " + sizeBytes + " bytes");
        }
        size = sizeBytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return size;
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
        if (offset < 0 || offset + buf.length() > size) {
            return -Errno.EIO;
        }
        buf.byteBuffer().put(0, data, (int) offset, (int) buf.length());
        return (int) buf.length();
    }

    public int write(long offset, IoBuffer buf) {
        if (offset < 0 || offset + buf.length() > size) {
            return -Errno.EIO;
        }
        data.put((int) offset, buf.byteBuffer(), 0, (int) buf.length());
        return (int) buf.length();
    }

    /** Discarded ranges read back as zeros (like a punched hole). */
    public int discard(long offset, long length) {
        if (offset < 0 || offset + length > size) {
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
        return "MemoryDevice[" + name + ", " + size + " bytes]";
    }
}
