package io.ublksnap.engine.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/**
 * Makes fuzz inputs from the seed corpus, deterministically from one seed: each input is a seed
 * with one to four mutations aimed at what a COW parser reads (header fields, exception entries
 * at the metadata areas' places, the device's size) and some blind ones (bit flips, random pages,
 * pages spliced from other seeds).
 */
final class Mutator {
    private static final int[] INTS = {0, 1, 2, 7, 8, 16, 31, 32, 512, 2048, 4096, 1 << 20, 1 << 21, 1 << 22, -1,
            Integer.MIN_VALUE, Integer.MAX_VALUE, 0x70416e53};
    private final Random rnd;
    private final List<SparseImage> corpus;

    Mutator(long seed, List<SparseImage> corpus) {
        this.rnd = new Random(seed);
        this.corpus = corpus;
    }

    Random random() {
        return rnd;
    }

    SparseImage next() {
        SparseImage img = corpus.get(rnd.nextInt(corpus.size())).copy();
        for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
            mutate(img);
        }
        return img;
    }

    /** The chunk size a header says, if it is a plausible one; else 8. */
    private static int chunkOf(SparseImage img) {
        byte[] h = new byte[16];
        img.get(0, h, 0, 16);
        int c = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        return c >= 8 && c <= (1 << 21) && Integer.bitCount(c) == 1 ? c : 8;
    }

    private long cowChunks(SparseImage img) {
        return img.size / (chunkOf(img) * 512L);
    }

    private long interestingLong(SparseImage img) {
        long chunks = cowChunks(img);
        int epa = chunkOf(img) * 512 / 16;
        return switch (rnd.nextInt(14)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 2;
            case 3 -> -1;
            case 4 -> Long.MAX_VALUE;
            case 5 -> Long.MIN_VALUE;
            case 6 -> chunks - 1;
            case 7 -> chunks;
            case 8 -> chunks + 1;
            case 9 -> 1L << 32;
            case 10 -> 1 + (long) rnd.nextInt(4) * (epa + 1); // a metadata area
            case 11 -> 2 + rnd.nextInt((int) Math.max(1, Math.min(chunks, 1 << 16)));
            case 12 -> rnd.nextInt(64);
            default -> rnd.nextLong();
        };
    }

    private void putLong(SparseImage img, long offset, long v) {
        byte[] b = new byte[8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        img.put(offset, b, 0, 8);
    }

    private void putInt(SparseImage img, long offset, int v) {
        byte[] b = new byte[4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
        img.put(offset, b, 0, 4);
    }

    /** Byte offset of entry {@code index} of metadata area {@code area}, for the header's chunk size. */
    private static long entryOffset(SparseImage img, long area, int index) {
        int chunk = chunkOf(img);
        int epa = chunk * 512 / 16;
        return (1 + area * (epa + 1L)) * chunk * 512L + (long) (index % epa) * 16;
    }

    private long randomPageOffset(SparseImage img) {
        if (!img.pages.isEmpty() && rnd.nextInt(4) > 0) {
            Long[] keys = img.pages.keySet().toArray(new Long[0]);
            return keys[rnd.nextInt(keys.length)] * SparseImage.PAGE;
        }
        return (long) rnd.nextInt(4) * SparseImage.PAGE;
    }

    private void mutate(SparseImage img) {
        switch (rnd.nextInt(11)) {
            case 0 -> { // flip bits in a page that matters
                long base = randomPageOffset(img);
                for (int i = 1 + rnd.nextInt(8); i > 0; i--) {
                    byte[] p = img.page(base);
                    int at = rnd.nextInt(SparseImage.PAGE);
                    p[at] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> putInt(img, 4L * rnd.nextInt(4), INTS[rnd.nextInt(INTS.length)]); // a header field
            case 2 -> { // an exception entry's old or new chunk
                long area = rnd.nextInt(3);
                int index = rnd.nextInt(rnd.nextBoolean() ? 8 : 1 << 16);
                putLong(img, entryOffset(img, area, index) + (rnd.nextBoolean() ? 8 : 0), interestingLong(img));
            }
            case 3 -> { // an entry copied over another: shared COW chunks, repeated origin chunks
                long from = entryOffset(img, 0, rnd.nextInt(16));
                long to = entryOffset(img, rnd.nextInt(2), rnd.nextInt(300));
                byte[] e = new byte[16];
                img.get(from, e, 0, 16);
                img.put(to, e, 0, 16);
            }
            case 4 -> { // the device's size
                long chunkBytes = chunkOf(img) * 512L;
                int epa = (int) (chunkBytes / 16);
                img.size = switch (rnd.nextInt(8)) {
                    case 0 -> Math.max(0, img.size / 2);
                    case 1 -> Math.max(0, img.size - 512);
                    case 2 -> img.size + 4096;
                    case 3 -> (2 + epa) * chunkBytes; // ends right after area 0's data
                    case 4 -> (1 + rnd.nextInt(3) * (epa + 1L)) * chunkBytes + rnd.nextInt(2) * chunkBytes;
                    case 5 -> Math.max(0, img.size + rnd.nextInt(1024) - 512); // not a multiple of 512
                    case 6 -> 512L * rnd.nextInt(64);
                    default -> 1L << (20 + rnd.nextInt(22));
                };
            }
            case 5 -> img.pages.remove(randomPageOffset(img) / SparseImage.PAGE); // a page back to zeros
            case 6 -> { // random bytes in a page
                byte[] p = img.page(randomPageOffset(img));
                int at = rnd.nextInt(SparseImage.PAGE - 64);
                for (int i = 0; i < 1 + rnd.nextInt(64); i++) {
                    p[at + i] = (byte) rnd.nextInt();
                }
            }
            case 7 -> { // a page from another seed
                SparseImage other = corpus.get(rnd.nextInt(corpus.size()));
                if (!other.pages.isEmpty()) {
                    Long[] keys = other.pages.keySet().toArray(new Long[0]);
                    long k = keys[rnd.nextInt(keys.length)];
                    img.pages.put(rnd.nextBoolean() ? k : rnd.nextInt(4), other.pages.get(k).clone());
                }
            }
            case 8 -> { // a full area, so the list goes on past it: plausible, or crafted
                long area = rnd.nextInt(2);
                int chunk = chunkOf(img);
                int epa = Math.min(chunk * 512 / 16, 1 << 14);
                long firstData = 1 + area * (chunk * 512L / 16 + 1) + 1;
                int reuse = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(16) : Integer.MAX_VALUE; // COW chunks used again and again
                for (int i = 0; i < epa; i++) {
                    long off = entryOffset(img, area, i);
                    putLong(img, off, 1000 + i);
                    putLong(img, off + 8, firstData + i % reuse);
                }
                if (rnd.nextBoolean()) { // and the COW ends right after this area's data
                    img.size = (firstData + chunk * 512L / 16) * chunk * 512L;
                }
            }
            case 9 -> putInt(img, 8 + 4L * rnd.nextInt(2), 1); // valid, version back to 1 after other damage
            default -> { // the magic, or not
                putInt(img, 0, rnd.nextInt(3) == 0 ? rnd.nextInt() : 0x70416e53);
            }
        }
    }
}
