package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dmsetup's MAJ:MIN device numbers in table lines resolve through sysfs; a missing one is named, never given a file hint. */
class BlockDevicesTest {
    @TempDir
    Path dir;

    @Test
    void deviceNumbersResolveToTheirNodes() throws Exception {
        Path sys = Files.createDirectories(dir.resolve("sys/dev/block"));
        Files.createSymbolicLink(sys.resolve("254:11"), Path.of("../../devices/virtual/block/dm-11"));
        Files.createSymbolicLink(sys.resolve("254:12"), Path.of("../../devices/virtual/block/dm-12"));
        BlockDevices b = new BlockDevices(sys, Path.of("/dev"));
        TableLine t = TableLine.parse("0 2097152 snapshot 254:11 254:12 P 16", b);
        assertEquals("/dev/dm-11", t.origin());
        assertEquals("/dev/dm-12", t.cow());
        assertEquals(16, t.chunkSectors());
        assertEquals("/dev/vdb", b.resolve("/dev/vdb"));
        SnapshotException e = assertThrows(SnapshotException.class, () -> TableLine.parse("snapshot 254:11 254:13 P 16", b));
        assertTrue(e.getMessage().contains("no block device 254:13"), e.getMessage());
        assertFalse(e.getMessage().contains("truncate"), e.getMessage());
    }

    @Test
    void chunkSizesAreCheckedBeforeTheyAreNarrowed() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> TableLine.parse("snapshot /a /b P 4294967304"));
        assertTrue(e.getMessage().contains("bad chunk size"), e.getMessage());
    }
}
