package io.ublksnap.ublkd.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Paths in requests are made absolute by the client (the daemon runs in /); names and device numbers stay. */
class TablesTest {
    static final String CWD = Path.of("").toAbsolutePath().toString();

    @Test
    void relativePathsBecomeAbsolute() {
        assertEquals("0 100 snapshot " + CWD + "/o.img " + CWD + "/s.cow P 16", Tables.absolute("0 100 snapshot ./o.img s.cow P 16"));
        assertEquals("snapshot base " + CWD + "/c/s.cow P 16", Tables.absolute("snapshot base c/s.cow P 16"));
        assertEquals("snapshot-origin " + CWD + "/img/o.img", Tables.absolute("  snapshot-origin   img/o.img "));
        assertEquals("0 100 snapshot 254:11 254:12 P 16", Tables.absolute("0 100 snapshot 254:11 254:12 P 16"));
        assertEquals("snapshot /a/o.img /b/s.cow PO 8", Tables.absolute("snapshot /a/o.img /b/s.cow PO 8"));
        assertEquals("0 100 linear x 0", Tables.absolute("0 100 linear x 0"));
        assertEquals(CWD + "/x.img", ClientCommand.absolute("x.img"));
        assertEquals("base", ClientCommand.deviceWord("base"));
    }
}
