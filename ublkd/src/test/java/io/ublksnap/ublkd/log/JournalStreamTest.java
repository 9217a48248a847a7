package io.ublksnap.ublkd.log;

import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.Stat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** JOURNAL_STREAM counts only when it names the file that standard error is. */
class JournalStreamTest {

    @Test
    void theVariableNamesDeviceAndInode() {
        assertTrue(JournalStream.names("64769:1234567", 64769, 1234567));
        assertTrue(JournalStream.names("18446744073709551615:1", -1L, 1), "st_dev is unsigned");
        assertFalse(JournalStream.names("64769:1234568", 64769, 1234567));
        assertFalse(JournalStream.names("64768:1234567", 64769, 1234567));
        for (String bad : new String[]{null, "", ":", "1:", ":1", "1", "a:b", "1:2:3", " 1:2", "-1:2"}) {
            assertFalse(JournalStream.names(bad, 1, 2), bad);
        }
    }

    @Test
    void standardErrorIsTheJournalOnlyWhenTheVariableNamesIt() throws Exception {
        Stat err = Libc.fstat(2);
        assertTrue(JournalStream.isStderr(Long.toUnsignedString(err.dev()) + ":" + Long.toUnsignedString(err.ino())));
        assertFalse(JournalStream.isStderr(Long.toUnsignedString(err.dev()) + ":" + (err.ino() + 1)),
                "inherited from a parent whose stderr was the journal");
        assertFalse(JournalStream.isStderr(null));
    }
}
