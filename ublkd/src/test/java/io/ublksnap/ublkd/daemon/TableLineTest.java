package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table lines with dm-snapshot's feature arguments, as dmsetup takes them and as 'status --table' prints them. */
class TableLineTest {
    @Test
    void featureArgumentsFollowTheChunkSize() {
        TableLine t = TableLine.parse("0 2097152 snapshot /a.img /b.cow P 16 2 discard_zeroes_cow discard_passdown_origin");
        assertEquals(EnumSet.allOf(SnapshotFeature.class), t.features());
        assertEquals(16, t.chunkSectors());
        assertEquals(EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW), TableLine.parse("snapshot /a /b PO 8 1 DISCARD_ZEROES_COW").features());
        assertEquals(Set.of(), TableLine.parse("snapshot /a /b P 8").features());
        assertEquals(Set.of(), TableLine.parse("snapshot /a /b P 8 0").features());
        assertEquals(EnumSet.allOf(SnapshotFeature.class),
                TableLine.parse("snapshot-merge /a /b P 8 2 discard_zeroes_cow discard_passdown_origin").features());
    }

    @Test
    void whatTheKernelRefusesIsRefusedInOneLine() {
        for (String bad : List.of("snapshot /a /b P 8 1 discard_passdown_origin", "snapshot /a /b P 8 3 a b c",
                "snapshot /a /b P 8 2 discard_zeroes_cow", "snapshot /a /b P 8 1 trim", "snapshot /a /b P 8 x",
                "snapshot /a /b P 8 1 discard_zeroes_cow extra")) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> TableLine.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("table line '") && !e.getMessage().contains("\n"), e.getMessage());
        }
        SnapshotException e = assertThrows(SnapshotException.class, () -> TableLine.parse("snapshot /a /b P 8 1 discard_passdown_origin"));
        assertTrue(e.getMessage().contains("depends on discard_zeroes_cow"), e.getMessage());
    }
}
