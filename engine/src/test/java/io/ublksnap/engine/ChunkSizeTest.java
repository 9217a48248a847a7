package io.ublksnap.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkSizeTest {

    @ParameterizedTest
    @ValueSource(longs = {8, 16, 32, 1024, 2048})
    void servesPowersOfTwoFrom8To2048(long sectors) {
        assertEquals(sectors, ChunkSize.validate(sectors, 512));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 4, 12, 24, 100, 1 << 22, -8, 1L << 32, (1L << 32) + 8})
    void rejectsEverythingElseNamingTheRange(long sectors) {
        SnapshotException e = assertThrows(SnapshotException.class, () -> ChunkSize.validate(sectors, 512));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @ParameterizedTest
    @ValueSource(longs = {4096, 1 << 19, 1 << 21})
    void refusesToServeChunksTheKernelTakesButTheDaemonCannotHold(long sectors) {
        SnapshotException e = assertThrows(SnapshotException.class, () -> ChunkSize.validate(sectors, 512));
        assertTrue(e.getMessage().contains("at most 2048 sectors") && e.getMessage().contains("kernel"), e.getMessage());
        // a COW made by the kernel with such a chunk can still be read (inspect, export)
        assertEquals(sectors, ChunkSize.validateInCow(sectors, 512));
    }

    @Test
    void aCowsHeaderMayHoldWhatTheKernelAccepts() {
        assertEquals(1 << 21, ChunkSize.validateInCow(1 << 21, 512));
        assertThrows(SnapshotException.class, () -> ChunkSize.validateInCow(1 << 22, 512));
        assertThrows(SnapshotException.class, () -> ChunkSize.validateInCow(0, 512));
        assertThrows(SnapshotException.class, () -> ChunkSize.validateInCow(12, 512));
    }

    @Test
    void mustBeAMultipleOfTheLogicalBlock() {
        assertThrows(SnapshotException.class, () -> ChunkSize.validate(8, 8192));
        assertEquals(16, ChunkSize.validate(16, 8192));
    }

    @Test
    void parsesUnits() {
        assertEquals(16, ChunkSize.parse("16"));
        assertEquals(16, ChunkSize.parse("8k"));
        assertEquals(2048, ChunkSize.parse("1M"));
        assertThrows(SnapshotException.class, () -> ChunkSize.parse("x"));
        assertEquals(32, ChunkSize.defaultFor(512));
        assertEquals(32, ChunkSize.defaultFor(4096));
    }

    @Test
    void parsingRefusesOverflowInsteadOfWrappingAround() {
        assertThrows(SnapshotException.class, () -> ChunkSize.parse("36028797018963976k"));
        assertThrows(SnapshotException.class, () -> ChunkSize.parse("8796093022209g"));
        assertThrows(SnapshotException.class, () -> ChunkSize.parse("-8k"));
    }
}
