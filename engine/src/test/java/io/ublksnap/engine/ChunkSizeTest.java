package io.ublksnap.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkSizeTest {

    @ParameterizedTest
    @ValueSource(longs = {8, 16, 32, 1024, 1 << 21})
    void acceptsPowersOfTwoFrom8To2Pow21(long sectors) {
        assertEquals(sectors, ChunkSize.validate(sectors, 512));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 4, 12, 24, 100, 1 << 22, -8})
    void rejectsEverythingElseNamingTheRange(long sectors) {
        SnapshotException e = assertThrows(SnapshotException.class, () -> ChunkSize.validate(sectors, 512));
        assertTrue(e.getMessage().contains("power of two from 8 to 2097152"), e.getMessage());
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
}
