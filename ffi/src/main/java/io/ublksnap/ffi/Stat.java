package io.ublksnap.ffi;

import io.ublksnap.ffi.c.libc_h;

/**
 * What {@code fstat(2)} says about a file, as far as ublksnap cares.
 *
 * @param mode      {@code st_mode}: file type and permission bits
 * @param size      {@code st_size} in bytes (0 for block devices: use {@link Libc#blockDeviceSize(int)})
 * @param blksize   {@code st_blksize}: preferred I/O size
 * @param blocks    {@code st_blocks}: allocated 512-byte blocks (less than size/512 for sparse files)
 * @param rdevMajor major number of the device a special file stands for
 * @param rdevMinor minor number of the device a special file stands for
 * @param dev       {@code st_dev}: the device the file lives on, as the kernel encodes it
 * @param ino       {@code st_ino}: the inode number; with {@code dev}, what names the file (also pipes and sockets)
 */
public record Stat(int mode, long size, long blksize, long blocks, int rdevMajor, int rdevMinor, long dev, long ino) {

    /** {@code S_ISBLK(mode)}. */
    public boolean isBlockDevice() {
        return (mode & libc_h.S_IFMT) == libc_h.S_IFBLK;
    }

    /** {@code S_ISREG(mode)}. */
    public boolean isRegularFile() {
        return (mode & libc_h.S_IFMT) == libc_h.S_IFREG;
    }

    /** {@code S_ISCHR(mode)}. */
    public boolean isCharDevice() {
        return (mode & libc_h.S_IFMT) == libc_h.S_IFCHR;
    }

    /** glibc's {@code major(dev_t)}. */
    static int major(long dev) {
        return (int) (((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL));
    }

    /** glibc's {@code minor(dev_t)}. */
    static int minor(long dev) {
        return (int) ((dev & 0xffL) | ((dev >>> 12) & ~0xffL));
    }
}
