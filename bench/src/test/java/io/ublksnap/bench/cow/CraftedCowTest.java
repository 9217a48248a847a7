package io.ublksnap.bench.cow;

import io.ublksnap.engine.store.CowFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CraftedCowTest {
    @TempDir
    Path dir;

    @Test
    void theListEndsInAnAreaThatIsNotFull() throws Exception {
        int epa = CowFormat.exceptionsPerArea(8); // 256
        for (long n : new long[]{0, 1, 255, 256, 257, 1000}) {
            Path cow = dir.resolve("c" + n);
            long size = CraftedCow.write(cow, n, 8, 100);
            ByteBuffer b = CowFormat.le(ByteBuffer.wrap(Files.readAllBytes(cow)));
            assertEquals(size, b.capacity());
            assertEquals(CowFormat.MAGIC, b.getInt(CowFormat.HDR_MAGIC));
            assertEquals(1, b.getInt(CowFormat.HDR_VALID));
            assertEquals(8, b.getInt(CowFormat.HDR_CHUNK_SIZE));
            long seen = 0;
            for (long a = 0; ; a++) {
                long at = CowFormat.areaLocation(a, epa) * 4096;
                ByteBuffer area = CowFormat.le(b.slice((int) at, 4096));
                int i = 0;
                while (i < epa && CowFormat.newChunk(area, i) != 0) {
                    assertEquals(100 + seen, CowFormat.oldChunk(area, i));
                    assertEquals(CowFormat.areaLocation(a, epa) + 1 + i, CowFormat.newChunk(area, i));
                    i++;
                    seen++;
                }
                if (i < epa) {
                    break;
                }
            }
            assertEquals(n, seen);
            long lastArea = n / epa;
            assertEquals((CowFormat.areaLocation(lastArea, epa) + 1 + n % epa) * 4096, size, "the data chunks of the last area fit");
        }
    }
}
