package io.ublksnap.engine;

/**
 * Chunk sizes, in 512-byte sectors: a power of two from 8 (4 KiB) to 2^21 (1 GiB).
 * The kernel's dm-snapshot accepts the same range (and rejects 2^22).
 */
public final class ChunkSize {
    public static final int MIN_SECTORS = 8;
    public static final int MAX_SECTORS = 1 << 21;
    /** The kernel's default when a table gives none: 32 sectors (16 KiB). */
    public static final int DEFAULT_SECTORS = 32;

    private ChunkSize() {
    }

    /**
     * Checks a chunk size for a COW whose device has the given logical block size.
     *
     * @throws SnapshotException naming the problem and the accepted values
     */
    public static int validate(long sectors, int logicalBlockSize) {
        if (sectors < MIN_SECTORS || sectors > MAX_SECTORS || Long.bitCount(sectors) != 1) {
            throw new SnapshotException("bad chunk size " + sectors + " sectors: use a power of two from "
                    + MIN_SECTORS + " to " + MAX_SECTORS + " sectors (4 KiB to 1 GiB), e.g. 8, 16 or 32");
        }
        if ((sectors << 9) % logicalBlockSize != 0) {
            throw new SnapshotException("bad chunk size " + sectors + " sectors: not a multiple of the COW's "
                    + logicalBlockSize + "-byte logical blocks");
        }
        return (int) sectors;
    }

    /** The default chunk size for a COW device with the given logical block size. */
    public static int defaultFor(int logicalBlockSize) {
        return Math.max(DEFAULT_SECTORS, logicalBlockSize >> 9);
    }

    /** Parses a chunk size given in sectors ("16") or with a unit ("8k", "64K", "1M"). */
    public static long parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new SnapshotException("bad chunk size '': give sectors (e.g. 16) or bytes with a unit (e.g. 8k)");
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
            if (multiplier == 0) {
                return Long.parseLong(t);
            }
            long bytes = Long.parseLong(t.substring(0, t.length() - 1)) * multiplier;
            if (bytes % 512 != 0) {
                throw new SnapshotException("bad chunk size '" + text + "': not a whole number of 512-byte sectors");
            }
            return bytes / 512;
        } catch (NumberFormatException e) {
            throw new SnapshotException("bad chunk size '" + text + "': give sectors (e.g. 16) or bytes with a unit (e.g. 8k)");
        }
    }
}
