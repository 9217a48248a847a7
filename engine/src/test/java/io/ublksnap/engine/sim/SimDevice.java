package io.ublksnap.engine.sim;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.Errno;
import io.ublksnap.engine.io.IoBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A simulated disk with a volatile write cache. Writes land when their completion event runs;
 * they are durable once a flush submitted after they completed has finished, or at once with FUA.
 * A {@link #crash} keeps the durable writes and, optionally, a random subset of the others
 * (as a disk cache may have written some of them), each write all or nothing.
 */
public final class SimDevice implements BackingDevice {
    private record Write(long offset, byte[] data, boolean durable) {
    }

    private final String name;
    private final int logicalBlockSize;
    private byte[] current;
    private byte[] durableBase;
    private final List<Write> log = new ArrayList<>(); // completed writes not folded into durableBase
    private long logStart;                              // log index of log.get(0)
    private boolean[] marked = new boolean[0];
    /** Fail every I/O with EIO (a device that vanished). */
    public volatile boolean failing;
    /** Whether the device takes discards (a discarded range then reads as zeros, like a punched hole). */
    public volatile boolean discards = true;
    public long discarded;
    public long reads;
    public long writes;
    public long bytesRead;
    public long bytesWritten;
    public long flushes;

    public SimDevice(String name, long sizeBytes) {
        this(name, sizeBytes, 512);
    }

    public SimDevice(String name, long sizeBytes, int logicalBlockSize) {
        this.name = name;
        this.logicalBlockSize = logicalBlockSize;
        this.current = new byte[Math.toIntExact(sizeBytes)];
        this.durableBase = new byte[current.length];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return current.length;
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public boolean supportsDiscard() {
        return discards;
    }

    int doRead(long offset, IoBuffer buf) {
        if (failing) {
            return -Errno.EIO;
        }
        checkAligned(offset, buf.length());
        if (offset < 0 || offset + buf.length() > current.length) {
            return -Errno.EIO;
        }
        buf.byteBuffer().put(0, current, (int) offset, (int) buf.length());
        reads++;
        bytesRead += buf.length();
        return (int) buf.length();
    }

    int doWrite(long offset, IoBuffer buf, boolean fua) {
        if (failing) {
            return -Errno.EIO;
        }
        checkAligned(offset, buf.length());
        if (offset < 0 || offset + buf.length() > current.length) {
            return -Errno.EIO;
        }
        byte[] data = new byte[(int) buf.length()];
        buf.byteBuffer().get(0, data);
        apply(offset, data, fua);
        writes++;
        bytesWritten += data.length;
        return data.length;
    }

    int doDiscard(long offset, long length) {
        if (failing) {
            return -Errno.EIO;
        }
        if (!discards) {
            return -Errno.EOPNOTSUPP;
        }
        checkAligned(offset, length);
        discarded += length;
        if (offset < 0 || offset + length > current.length) {
            return -Errno.EIO;
        }
        apply(offset, new byte[(int) length], false);
        return 0;
    }

    private void apply(long offset, byte[] data, boolean fua) {
        System.arraycopy(data, 0, current, (int) offset, data.length);
        log.add(new Write(offset, data, fua));
    }

    private void checkAligned(long offset, long length) {
        if (offset % 512 != 0 || length % 512 != 0 || length == 0) {
            throw new AssertionError("unaligned I/O on " + name + ": offset " + offset + " length " + length);
        }
    }

    /**
     * A write cut short by a power loss: each of its 512-byte sectors reached the media or not.
     * The ones that did are durable (they are newer than anything in the write cache).
     */
    void tear(long offset, IoBuffer buf, Random random) {
        if (offset < 0 || offset + buf.length() > current.length) {
            return;
        }
        byte[] data = new byte[(int) buf.length()];
        buf.byteBuffer().get(0, data);
        for (int at = 0; at < data.length; at += 512) {
            if (random.nextBoolean()) {
                byte[] sector = java.util.Arrays.copyOfRange(data, at, at + 512);
                apply(offset + at, sector, true);
            }
        }
    }

    /** Position in the write log: what a flush submitted now covers. */
    long logPosition() {
        return logStart + log.size();
    }

    /** A flush submitted at {@code position} finished: the writes before it are durable. */
    int doFlush(long position) {
        if (failing) {
            return -Errno.EIO;
        }
        flushes++;
        int upto = (int) Math.min(position - logStart, log.size());
        for (int i = 0; i < upto; i++) {
            Write w = log.get(i);
            if (!w.durable) {
                log.set(i, new Write(w.offset, w.data, true));
            }
        }
        fold();
        return 0;
    }

    /** Folds the durable prefix of the log into the durable image. */
    private void fold() {
        int n = 0;
        while (n < log.size() && log.get(n).durable) {
            Write w = log.get(n);
            System.arraycopy(w.data, 0, durableBase, (int) w.offset, w.data.length);
            n++;
        }
        if (n > 0) {
            log.subList(0, n).clear();
            logStart += n;
        }
    }

    /**
     * Power loss: the device keeps its durable writes and, with probability {@code survival}, each
     * other completed write. Returns how many non-durable writes were lost.
     */
    public int crash(Random random, double survival) {
        int lost = 0;
        for (Write w : log) {
            if (w.durable || random.nextDouble() < survival) {
                System.arraycopy(w.data, 0, durableBase, (int) w.offset, w.data.length);
            } else {
                lost++;
            }
        }
        log.clear();
        logStart = 0;
        current = durableBase.clone();
        failing = false;
        return lost;
    }

    /** Grows the device (a COW file grown online): the new part reads as zeros, durably. */
    public void grow(long sizeBytes) {
        if (sizeBytes < current.length) {
            throw new IllegalArgumentException("cannot shrink " + name);
        }
        current = java.util.Arrays.copyOf(current, Math.toIntExact(sizeBytes));
        durableBase = java.util.Arrays.copyOf(durableBase, Math.toIntExact(sizeBytes));
    }

    /** Direct access for tests: the device's current contents. */
    public ByteBuffer contents() {
        return ByteBuffer.wrap(current).asReadOnlyBuffer();
    }

    /** Sets contents directly and durably (test setup). */
    public void fill(long offset, byte[] data) {
        System.arraycopy(data, 0, current, (int) offset, data.length);
        System.arraycopy(data, 0, durableBase, (int) offset, data.length);
    }

    @Override
    public void readSync(long offset, IoBuffer buf) throws java.io.IOException {
        if (doRead(offset, buf) < 0) {
            throw new java.io.IOException("read error on " + name);
        }
    }

    @Override
    public void writeSync(long offset, IoBuffer buf) throws java.io.IOException {
        if (doWrite(offset, buf, false) < 0) {
            throw new java.io.IOException("write error on " + name);
        }
    }

    @Override
    public void flushSync() throws java.io.IOException {
        if (doFlush(logPosition()) < 0) {
            throw new java.io.IOException("flush error on " + name);
        }
    }

    @Override
    public String toString() {
        return "SimDevice[" + name + "]";
    }
}
