package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.ffi.Errno;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.Stat;
import io.ublksnap.ublkd.io.SegmentBuffer;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file or block device opened read-only and shared, for the offline tools ({@code cow inspect},
 * the inputs of {@code cow export}): it never takes a device's exclusive hold, never writes, and
 * works on a COW the user may only read. (FileBacking opens read-write and, for block devices,
 * exclusively, as the daemon needs; a read-only mode there would replace this class.)
 */
final class ReadOnlyBacking implements BackingDevice, AutoCloseable {
    private final String path;
    private final int fd;
    private final long sizeBytes;
    private final int logicalBlockSize;

    private ReadOnlyBacking(String path, int fd, long sizeBytes, int logicalBlockSize) {
        this.path = path;
        this.fd = fd;
        this.sizeBytes = sizeBytes;
        this.logicalBlockSize = logicalBlockSize;
    }

    static ReadOnlyBacking open(String path) throws IOException {
        String real;
        try {
            real = Path.of(path).toRealPath().toString();
        } catch (NoSuchFileException e) {
            throw new IOException("no such file or device: " + path);
        }
        int fd;
        try {
            fd = Libc.open(real, Libc.O_RDONLY | Libc.O_CLOEXEC);
        } catch (NativeException e) {
            throw new IOException(e.errno() == Errno.EACCES || e.errno() == Errno.EPERM
                    ? "permission denied reading " + path + ": the tools need read access only (check its mode, or run as root)"
                    : "cannot open " + path + ": " + e.getMessage(), e);
        }
        try {
            Stat st = Libc.fstat(fd);
            long size;
            int lbs;
            if (st.isBlockDevice()) {
                size = Libc.blockDeviceSize(fd);
                lbs = Libc.logicalBlockSize(fd);
            } else if (st.isRegularFile()) {
                size = st.size();
                lbs = 512;
            } else {
                throw new IOException(path + " is neither a regular file nor a block device");
            }
            return new ReadOnlyBacking(real, fd, size, lbs);
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    @Override
    public String name() {
        return path;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public boolean supportsDiscard() {
        return false;
    }

    @Override
    public void readSync(long offset, IoBuffer buf) throws IOException {
        if (!(buf instanceof SegmentBuffer s)) {
            throw new IllegalArgumentException("reads need host memory");
        }
        long done = 0;
        while (done < buf.length()) {
            long n = Libc.pread(fd, s.segment().asSlice(done), offset + done);
            if (n == 0) {
                throw new IOException("short read from " + path + " at " + offset + ": " + done + " of " + buf.length()
                        + " bytes (the file ends there)");
            }
            done += n;
        }
    }

    @Override
    public void writeSync(long offset, IoBuffer buf) throws IOException {
        throw new IOException(path + " is open read-only");
    }

    @Override
    public void flushSync() {
    }

    @Override
    public void close() throws IOException {
        Libc.close(fd);
    }
}
