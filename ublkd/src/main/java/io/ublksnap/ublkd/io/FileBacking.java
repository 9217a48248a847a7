package io.ublksnap.ublkd.io;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.ffi.Errno;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.Stat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A backing device: a regular file or a block device, opened once (O_DIRECT where the file system
 * allows it, so data is not cached twice; block devices exclusively, so nothing mounts them
 * behind our back). Data-path I/O goes through the queues' io_urings with {@link #fd()}; the
 * blocking methods use pread/pwrite for the control path.
 */
public final class FileBacking implements BackingDevice, AutoCloseable {
    private final String path;
    private final int fd;
    /** Grows when a COW is grown online ({@link #refreshSize}). */
    private volatile long sizeBytes;
    private final int logicalBlockSize;
    private final int physicalBlockSize;
    private final boolean blockDevice;
    private final boolean direct;
    private final boolean discard;
    private volatile boolean closed;

    private FileBacking(String path, int fd, long sizeBytes, int lbs, int pbs, boolean blockDevice, boolean direct, boolean discard) {
        this.path = path;
        this.fd = fd;
        this.sizeBytes = sizeBytes;
        this.logicalBlockSize = lbs;
        this.physicalBlockSize = pbs;
        this.blockDevice = blockDevice;
        this.direct = direct;
        this.discard = discard;
    }

    /**
     * Opens {@code path} for reading and writing.
     *
     * @throws IOException with a one-line message naming the problem and what to do
     */
    public static FileBacking open(String path) throws IOException {
        Path p = Path.of(path);
        String real;
        try {
            real = p.toRealPath().toString();
        } catch (NoSuchFileException e) {
            throw new IOException("no such file or device: " + path + " (create it first, e.g. 'truncate -s 1G " + path + "')");
        }
        if (Files.isDirectory(p)) {
            throw new IOException(path + " is a directory: give a file or a block device");
        }
        int flags = Libc.O_RDWR | Libc.O_CLOEXEC;
        int fd;
        boolean direct = true;
        boolean isBlock;
        try {
            int probe = Libc.open(real, Libc.O_RDONLY | Libc.O_CLOEXEC);
            try {
                isBlock = Libc.fstat(probe).isBlockDevice();
            } finally {
                Libc.close(probe);
            }
            int extra = isBlock ? Libc.O_EXCL : 0;
            try {
                fd = Libc.open(real, flags | Libc.O_DIRECT | extra);
            } catch (NativeException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                direct = false; // e.g. tmpfs: no direct I/O
                fd = Libc.open(real, flags | extra);
            }
        } catch (NativeException e) {
            throw new IOException(switch (e.errno()) {
                case Errno.EACCES, Errno.EPERM -> "permission denied opening " + path + ": run ublkd as root";
                case Errno.EBUSY -> path + " is busy (mounted, or held by another device): unmount or release it first";
                case Errno.EROFS -> path + " is on a read-only file system";
                default -> "cannot open " + path + ": " + e.getMessage();
            }, e);
        }
        try {
            Stat st = Libc.fstat(fd);
            long size;
            int lbs;
            int pbs;
            boolean discard;
            if (st.isBlockDevice()) {
                size = Libc.blockDeviceSize(fd);
                lbs = Libc.logicalBlockSize(fd);
                pbs = Libc.physicalBlockSize(fd);
                discard = sysfsLong("/sys/dev/block/" + st.rdevMajor() + ":" + st.rdevMinor() + "/queue/discard_max_bytes") > 0;
            } else if (st.isRegularFile()) {
                size = st.size();
                lbs = 512;
                pbs = 4096;
                discard = true; // hole punching
            } else {
                throw new IOException(path + " is neither a regular file nor a block device");
            }
            if (size == 0) {
                throw new IOException(path + " is empty: give it a size first, e.g. 'truncate -s 1G " + path + "'");
            }
            if (size % 512 != 0) {
                throw new IOException(path + " is " + size + " bytes, not a whole number of 512-byte sectors: resize it");
            }
            return new FileBacking(real, fd, size, lbs, Math.max(pbs, lbs), st.isBlockDevice(), direct, discard);
        } catch (IOException | RuntimeException e) {
            try {
                Libc.close(fd);
            } catch (NativeException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private static long sysfsLong(String file) {
        try {
            return Long.parseLong(Files.readString(Path.of(file)).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The device the engine handed back: ublkd gives the engine only devices it opened here, so
     * anything else is a wiring mistake.
     *
     * @throws IllegalArgumentException for a device that ublkd did not open
     */
    public static FileBacking of(BackingDevice dev) {
        if (dev instanceof FileBacking f) {
            return f;
        }
        throw new IllegalArgumentException("not a device ublkd opened (" + dev + "): io_uring has no descriptor for it");
    }

    /** The descriptor that backing I/O on a {@link RingLoop} uses. */
    public int fd() {
        return fd;
    }

    /**
     * Reads the size again, for a COW grown online (a file extended, a block device resized, e.g.
     * by 'losetup -c' or lvextend), and returns it, in whole sectors. A smaller size is refused:
     * nothing shrinks under a store.
     */
    public synchronized long refreshSize() throws IOException {
        checkOpen();
        long now;
        try {
            now = blockDevice ? Libc.blockDeviceSize(fd) : Libc.fstat(fd).size();
        } catch (NativeException e) {
            throw new IOException("cannot read the size of " + path + ": " + e.getMessage(), e);
        }
        now -= now % 512;
        if (now < sizeBytes) {
            throw new IOException(path + " shrank from " + sizeBytes + " to " + now + " bytes: give it its size back");
        }
        sizeBytes = now;
        return now;
    }

    /**
     * Grows a file to {@code newBytes} (a multiple of 512), its new space allocated (fallocate:
     * a full file system says so now, not at a later write), or only its size set where the file
     * system cannot allocate; then reads its size again. A block device is grown underneath
     * (lvextend, 'losetup -c'), never here.
     */
    public synchronized long grow(long newBytes) throws IOException {
        checkOpen();
        if (blockDevice) {
            throw new IOException(path + " is a block device: grow it first (lvextend, 'losetup -c'), then let ublkd read its size");
        }
        long now = refreshSize();
        if (newBytes % 512 != 0 || newBytes < now) {
            throw new IOException("cannot grow " + path + " from " + now + " to " + newBytes + " bytes");
        }
        if (newBytes > now) {
            try {
                Libc.fallocate(fd, 0, now, newBytes - now);
            } catch (NativeException e) {
                if (e.errno() == Errno.ENOSPC) {
                    throw new IOException("no space left on the file system of " + path + " for " + (newBytes - now) + " more bytes", e);
                }
                if (e.errno() != Errno.EOPNOTSUPP) {
                    throw new IOException("cannot grow " + path + ": " + e.getMessage(), e);
                }
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(path, "rw")) {
                    f.setLength(newBytes); // a file system without fallocate: a sparse end
                }
            }
        }
        return refreshSize();
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException(path + " is closed");
        }
    }

    /** The canonical path (symlinks resolved): two openings of one device share it. */
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

    public int physicalBlockSize() {
        return physicalBlockSize;
    }

    public boolean blockDevice() {
        return blockDevice;
    }

    public boolean direct() {
        return direct;
    }

    @Override
    public boolean supportsDiscard() {
        return discard;
    }

    private static MemorySegment segment(IoBuffer buf) {
        return switch (NativeBuffer.of(buf)) {
            case SegmentBuffer s -> s.segment();
            case KernelBuffer k -> throw new IllegalArgumentException("control-path I/O needs host memory, not " + k);
        };
    }

    @Override
    public void readSync(long offset, IoBuffer buf) throws IOException {
        long n = Libc.pread(fd, segment(buf), offset);
        if (n != buf.length()) {
            throw new IOException("short read from " + path + " at " + offset + ": " + n + " of " + buf.length() + " bytes");
        }
    }

    @Override
    public void writeSync(long offset, IoBuffer buf) throws IOException {
        long n = Libc.pwrite(fd, segment(buf), offset);
        if (n != buf.length()) {
            throw new IOException("short write to " + path + " at " + offset + ": " + n + " of " + buf.length() + " bytes");
        }
    }

    @Override
    public void flushSync() throws IOException {
        Libc.fdatasync(fd);
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "FileBacking[" + path + ", " + sizeBytes + " bytes" + (direct ? ", direct" : "") + "]";
    }
}
