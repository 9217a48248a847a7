package io.ublksnap.bench.cow;

import io.ublksnap.engine.store.CowFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a persistent COW that holds many exceptions without holding their data: the header and the
 * metadata areas only, into a sparse file whose data chunks are holes (they read as zeros). The bench
 * measures the daemon's memory with a million exceptions this way, which a RAM disk could not hold
 * as copied data. Exception {@code i} remaps origin chunk {@code first + i}, in the order a reader
 * finds them; the file is {@code COW}, and its size covers the last area's data chunks and a zeroed
 * area after the last one when it is full (the end of the list).
 *
 * <pre>usage: CraftedCow EXCEPTIONS CHUNK_SECTORS COW...</pre>
 *
 * The n-th COW named (from 0) remaps origin chunks from {@code n * EXCEPTIONS} on: snapshots of one
 * origin, each with exceptions of its own. One JVM for all (a start costs seconds in the guest).
 */
public final class CraftedCow {
    private CraftedCow() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: CraftedCow EXCEPTIONS CHUNK_SECTORS COW...");
            System.exit(2);
        }
        long exceptions = Long.parseLong(args[0]);
        int chunkSectors = Integer.parseInt(args[1]);
        for (int n = 2; n < args.length; n++) {
            long bytes = write(Path.of(args[n]), exceptions, chunkSectors, (n - 2) * exceptions);
            System.out.println(args[n] + ": " + exceptions + " exceptions from origin chunk " + (n - 2) * exceptions
                    + ", " + bytes + " bytes (sparse)");
        }
    }

    /** Writes the COW; returns its size in bytes. */
    public static long write(Path cow, long exceptions, int chunkSectors, long firstOriginChunk) throws IOException {
        if (exceptions < 0 || chunkSectors < 8 || Integer.bitCount(chunkSectors) != 1 || firstOriginChunk < 0) {
            throw new IllegalArgumentException("exceptions >= 0, a chunk of a power of two sectors >= 8, a first chunk >= 0");
        }
        int chunkBytes = chunkSectors << 9;
        int epa = CowFormat.exceptionsPerArea(chunkSectors);
        long areas = exceptions / epa + 1; // the last one is not full (it may be empty): the end of the list
        long chunks = CowFormat.areaLocation(areas - 1, epa) + 1 + exceptions % epa;
        ByteBuffer chunk = ByteBuffer.allocateDirect(chunkBytes);
        try (FileChannel ch = FileChannel.open(cow, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.truncate(0);
            CowFormat.writeHeader(chunk, true, chunkSectors);
            writeAt(ch, chunk, 0);
            long next = 0;
            for (long a = 0; a < areas; a++) {
                zero(chunk);
                long area = CowFormat.areaLocation(a, epa);
                for (int i = 0; i < epa && next < exceptions; i++, next++) {
                    CowFormat.putException(chunk, i, firstOriginChunk + next, area + 1 + i);
                }
                writeAt(ch, chunk, area * chunkBytes);
            }
            long size = chunks * (long) chunkBytes;
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1); // the holes up to the last data chunk
            }
            ch.force(true);
            return ch.size();
        }
    }

    private static void zero(ByteBuffer b) {
        for (int i = 0; i < b.capacity(); i += 8) {
            b.putLong(i, 0);
        }
    }

    private static void writeAt(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }
}
