package io.ublksnap.engine;

/**
 * Chunk sizes, in 512-byte sectors: a power of two, and a multiple of the COW's logical block.
 *
 * <p>Two bounds. A COW's header may hold anything the kernel's dm-snapshot accepts, up to 2^21
 * sectors (1 GiB; it rejects 2^22): ublksnap can read such a COW offline ({@code cow inspect},
 * {@code cow export}), in pieces of bounded size. ublksnap <em>serves</em> chunks of up to
 * {@value #MAX_SECTORS} sectors (1 MiB), twice LVM's largest snapshot chunk (512 KiB): a served
 * persistent snapshot holds up to three chunk-sized buffers (its current metadata area, the copy
 * being written, zeros for the next area), and every chunk copy takes a chunk-sized buffer from
 * the copy pool, so 1 GiB chunks would need gigabytes per snapshot. Both bounds are checked before
 * anything chunk-sized is allocated.
 */
public final class ChunkSize {
    public static final int MIN_SECTORS = 8;
    /** The largest chunk ublksnap serves: 2^11 sectors, 1 MiB. */
    public static final int MAX_SECTORS = 1 << 11;
    /** The largest chunk the kernel's dm-snapshot accepts, so the largest a COW may hold: 2^21 sectors, 1 GiB. */
    public static final int KERNEL_MAX_SECTORS = 1 << 21;
    /** The kernel's default when a table gives none: 32 sectors (16 KiB). */
    public static final int DEFAULT_SECTORS = 32;

    private ChunkSize() {
    }

    /**
     * Checks a chunk size to serve a snapshot with, on a COW whose device has the given logical
     * block size.
     *
     * @throws SnapshotException naming the problem and the accepted values
     */
    public static int validate(long sectors, int logicalBlockSize) {
        checkShape(sectors, logicalBlockSize, MAX_SECTORS);
        if (sectors > MAX_SECTORS) {
            throw new SnapshotException("bad chunk size " + sectors + " sectors (" + human(sectors) + "): more than ublksnap serves,"
                    + " at most " + MAX_SECTORS + " sectors (1 MiB), as every snapshot holds several chunk-sized buffers;"
                    + " the kernel's dm-snapshot takes up to " + KERNEL_MAX_SECTORS + ": use a smaller chunk size, e.g. 16 or 32");
        }
        return (int) sectors;
    }

    /**
     * Checks the chunk size found in a COW's header: anything the kernel's dm-snapshot accepts.
     * Reading such a COW offline is fine; serving it takes {@link #validate}.
     */
    public static int validateInCow(long sectors, int logicalBlockSize) {
        checkShape(sectors, logicalBlockSize, KERNEL_MAX_SECTORS);
        if (sectors > KERNEL_MAX_SECTORS) {
            throw new SnapshotException("bad chunk size " + sectors + " sectors: the kernel's dm-snapshot accepts at most "
                    + KERNEL_MAX_SECTORS + " (1 GiB)");
        }
        return (int) sectors;
    }

    private static void checkShape(long sectors, int logicalBlockSize, int max) {
        if (sectors < MIN_SECTORS || Long.bitCount(sectors) != 1) {
            throw new SnapshotException("bad chunk size " + sectors + " sectors: use a power of two from "
                    + MIN_SECTORS + " to " + max + " sectors (4 KiB to " + human(max) + "), e.g. 8, 16 or 32");
        }
        if (logicalBlockSize <= 0 || (sectors << 9) % logicalBlockSize != 0) {
            throw new SnapshotException("bad chunk size " + sectors + " sectors: not a multiple of the COW's "
                    + logicalBlockSize + "-byte logical blocks");
        }
    }

    private static String human(long sectors) {
        long bytes = sectors << 9;
        return bytes >= 1 << 30 ? (bytes >> 30) + " GiB" : bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** The default chunk size for a COW device with the given logical block size. */
    public static int defaultFor(int logicalBlockSize) {
        return Math.max(DEFAULT_SECTORS, logicalBlockSize >> 9);
    }

    /** Parses a chunk size given in sectors ("16") or with a unit ("8k", "64K", "1M"); refuses overflow. */
    public static long parse(String text) {
        String t = text.trim();
        String usage = "bad chunk size '" + text + "': give sectors (e.g. 16) or bytes with a unit (e.g. 8k)";
        if (t.isEmpty()) {
            throw new SnapshotException(usage);
        }
        char unit = Character.toLowerCase(t.charAt(t.length() - 1));
        long multiplier = switch (unit) {
            case 'k' -> 1024;
            case 'm' -> 1024 * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            case 's' -> 512;
            default -> 0;
        };
        try {
            long n = Long.parseLong(multiplier == 0 ? t : t.substring(0, t.length() - 1));
            if (n < 0) {
                throw new SnapshotException(usage);
            }
            if (multiplier == 0) {
                return n;
            }
            long bytes = Math.multiplyExact(n, multiplier);
            if (bytes % 512 != 0) {
                throw new SnapshotException("bad chunk size '" + text + "': not a whole number of 512-byte sectors");
            }
            return bytes / 512;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new SnapshotException(usage);
        }
    }
}
