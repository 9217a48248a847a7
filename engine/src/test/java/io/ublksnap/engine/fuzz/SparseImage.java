package io.ublksnap.engine.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A disk image as its size and its non-zero 4 KiB pages: what the fuzzer mutates. A COW of many
 * metadata areas is a few pages, however large its size.
 */
final class SparseImage {
    static final int PAGE = 4096;

    long size;
    final TreeMap<Long, byte[]> pages = new TreeMap<>();

    SparseImage(long size) {
        this.size = size;
    }

    SparseImage copy() {
        SparseImage c = new SparseImage(size);
        for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
            c.pages.put(e.getKey(), e.getValue().clone());
        }
        return c;
    }

    /** The page holding byte {@code offset}, created (zeros) if needed. */
    byte[] page(long offset) {
        return pages.computeIfAbsent(offset / PAGE, k -> new byte[PAGE]);
    }

    void put(long offset, byte[] data, int from, int length) {
        for (int i = 0; i < length; ) {
            long at = offset + i;
            int inPage = (int) (at % PAGE);
            int n = Math.min(length - i, PAGE - inPage);
            System.arraycopy(data, from + i, page(at), inPage, n);
            i += n;
        }
    }

    void get(long offset, byte[] out, int from, int length) {
        for (int i = 0; i < length; ) {
            long at = offset + i;
            int inPage = (int) (at % PAGE);
            int n = Math.min(length - i, PAGE - inPage);
            byte[] p = pages.get(at / PAGE);
            if (p == null) {
                Arrays.fill(out, from + i, from + i + n, (byte) 0);
            } else {
                System.arraycopy(p, inPage, out, from + i, n);
            }
            i += n;
        }
    }

    /** Reads a raw image (gzip-compressed), keeping only its non-zero pages. */
    static SparseImage read(InputStream in) throws IOException {
        byte[] raw = new GZIPInputStream(in).readAllBytes();
        SparseImage img = new SparseImage(raw.length);
        for (int off = 0; off < raw.length; off += PAGE) {
            int n = Math.min(PAGE, raw.length - off);
            for (int i = 0; i < n; i++) {
                if (raw[off + i] != 0) {
                    img.put(off, raw, off, n);
                    break;
                }
            }
        }
        return img;
    }

    /** Writes the raw image, gzip-compressed. */
    void write(OutputStream out) throws IOException {
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] buf = new byte[PAGE];
            for (long off = 0; off < size; off += PAGE) {
                int n = (int) Math.min(PAGE, size - off);
                get(off, buf, 0, n);
                gz.write(buf, 0, n);
            }
        }
    }

    byte[] gzip() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        write(b);
        return b.toByteArray();
    }
}
