package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.store.CowFormat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Persistent COWs written by hand (dm-snapshot's format), for tests of the offline tools. */
final class CowFiles {
    private CowFiles() {
    }

    /** A valid COW of {@code bytes} with exceptions origin chunk -> COW chunk; each data chunk filled with {@code fill(old)}. */
    static void write(Path cow, long bytes, int chunkSectors, Map<Long, Long> exceptions) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(cow.toFile(), "rw")) {
            f.setLength(bytes);
        }
        int chunk = chunkSectors << 9;
        try (FileChannel ch = FileChannel.open(cow, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(chunk);
            CowFormat.writeHeader(h, true, chunkSectors);
            ch.write(h, 0);
            ByteBuffer area = CowFormat.le(ByteBuffer.allocate(chunk));
            int i = 0;
            for (Map.Entry<Long, Long> e : exceptions.entrySet()) {
                area.putLong(i * 16, e.getKey());
                area.putLong(i * 16 + 8, e.getValue());
                i++;
                ch.write(ByteBuffer.wrap(fill(e.getKey(), chunk)), e.getValue() * chunk);
            }
            ch.write(area, (long) chunk);
        }
    }

    static byte[] fill(long oldChunk, int chunkBytes) {
        byte[] b = new byte[chunkBytes];
        java.util.Arrays.fill(b, (byte) (0x40 + oldChunk));
        return b;
    }
}
