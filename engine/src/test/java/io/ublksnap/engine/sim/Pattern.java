package io.ublksnap.engine.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Test data that names itself: each 512-byte sector written by write number {@code version}
 * carries (version, sector) in its first 16 bytes and bytes derived from both in the rest, so a
 * read tells which write its data came from, and torn or misplaced data is caught.
 */
public final class Pattern {
    private Pattern() {
    }

    /** Fills {@code count} sectors of {@code buf} from byte {@code at} for sectors starting at {@code sector}. */
    public static void fill(ByteBuffer buf, int at, long sector, int count, long version) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < count; s++) {
            int base = at + s * 512;
            long sec = sector + s;
            b.putLong(base, version);
            b.putLong(base + 8, sec);
            long x = mix(version * 0x100000001B3L + sec);
            for (int i = 16; i < 512; i += 8) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                b.putLong(base + i, x);
            }
        }
    }

    /** The version in the sector at byte {@code at}, or -1 if the sector is not a whole pattern for {@code sector}. */
    public static long versionOf(ByteBuffer buf, int at, long sector) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long version = b.getLong(at);
        if (b.getLong(at + 8) != sector) {
            return -1;
        }
        long x = mix(version * 0x100000001B3L + sector);
        for (int i = 16; i < 512; i += 8) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            if (b.getLong(at + i) != x) {
                return -1;
            }
        }
        return version;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
