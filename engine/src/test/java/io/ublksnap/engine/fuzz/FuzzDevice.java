package io.ublksnap.engine.fuzz;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.IoBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A backing device over a {@link SparseImage}, counting its I/O. A read beyond the end is an
 * IOException, as a short read of a real device is. Past {@code readBudget} reads it throws an
 * AssertionError: a parser that reads that much of a tiny image is looping.
 */
final class FuzzDevice implements BackingDevice {
    private final String name;
    private final SparseImage image;
    private final int logicalBlockSize;
    private final long readBudget;
    private byte[] scratch = new byte[SparseImage.PAGE];
    long reads;
    long writes;

    FuzzDevice(String name, SparseImage image, int logicalBlockSize, long readBudget) {
        this.name = name;
        this.image = image;
        this.logicalBlockSize = logicalBlockSize;
        this.readBudget = readBudget;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return image.size;
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public boolean supportsDiscard() {
        return false;
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[n];
        }
        return scratch;
    }

    @Override
    public void readSync(long offset, IoBuffer buf) throws IOException {
        if (++reads > readBudget) {
            throw new AssertionError("more than " + readBudget + " reads of a " + image.size + "-byte image: a loop");
        }
        int n = Math.toIntExact(buf.length());
        if (offset < 0 || offset + n > image.size) {
            throw new IOException("read of " + n + " bytes at " + offset + " beyond the end of " + name);
        }
        byte[] b = scratch(n);
        image.get(offset, b, 0, n);
        ByteBuffer bb = buf.byteBuffer();
        bb.put(0, b, 0, n);
    }

    @Override
    public void writeSync(long offset, IoBuffer buf) throws IOException {
        writes++;
        int n = Math.toIntExact(buf.length());
        if (offset < 0 || offset + n > image.size) {
            throw new IOException("write of " + n + " bytes at " + offset + " beyond the end of " + name);
        }
        byte[] b = scratch(n);
        buf.byteBuffer().get(0, b, 0, n);
        image.put(offset, b, 0, n);
    }

    @Override
    public void flushSync() {
    }
}
