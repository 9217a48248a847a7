package io.ublksnap.ublkd.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code ublkd cow inspect} and {@code cow export}: offline, never writing to their inputs. */
class CowCommandTest {
    @TempDir
    Path dir;

    Path origin;
    Path cow;
    Cli cli;

    void setUp() throws IOException {
        cli = new Cli(dir.resolve("no.sock"));
        origin = dir.resolve("origin.img");
        byte[] data = new byte[64 << 10];
        Arrays.fill(data, (byte) 7);
        Files.write(origin, data);
        cow = dir.resolve("snap.cow");
        Map<Long, Long> ex = new LinkedHashMap<>();
        ex.put(3L, 2L);   // origin chunk 3 -> COW chunk 2
        ex.put(5L, 3L);   // origin chunk 5 -> COW chunk 3
        CowFiles.write(cow, 1 << 20, 8, ex);
    }

    @Test
    void exportRefusesAnOutputThatIsOneOfItsInputs() throws IOException {
        setUp();
        byte[] before = Files.readAllBytes(origin);
        byte[] cowBefore = Files.readAllBytes(cow);
        Files.createSymbolicLink(dir.resolve("alias.img"), origin);
        cli.refused("same file", "cow", "export", "--origin", origin.toString(), "--cow", cow.toString(), "--out", origin.toString());
        cli.refused("same file", "cow", "export", "--origin", origin.toString(), "--cow", cow.toString(),
                "--out", dir.resolve("alias.img").toString());
        cli.refused("same file", "cow", "export", "--origin", origin.toString(), "--cow", cow.toString(), "--out", cow.toString());
        assertArrayEquals(before, Files.readAllBytes(origin), "the origin changed");
        assertArrayEquals(cowBefore, Files.readAllBytes(cow), "the COW changed");
    }

    @Test
    void exportWritesTheImageAndSaysWhatItWrote() throws IOException {
        setUp();
        Path out = dir.resolve("out.img");
        Files.writeString(out, "old contents, replaced whole");
        String said = cli.ok("cow", "export", "--origin", origin.toString(), "--cow", cow.toString(), "--out", out.toString()).out();
        byte[] img = Files.readAllBytes(out);
        assertEquals(64 << 10, img.length);
        byte[] expected = Files.readAllBytes(origin);
        System.arraycopy(CowFiles.fill(3, 4096), 0, expected, 3 * 4096, 4096);
        System.arraycopy(CowFiles.fill(5, 4096), 0, expected, 5 * 4096, 4096);
        assertArrayEquals(expected, img);
        assertTrue(said.contains("65536 bytes of image") && said.contains("2 chunks from the COW"), said);
        try (var s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.contains(".tmp") || n.startsWith(".out")), "temporary file left: " + names);
        }
    }

    @Test
    void exportLeavesNoOutputWhenItFails() throws IOException {
        setUp();
        Path zero = dir.resolve("zero.cow");
        Files.write(zero, new byte[1 << 16]);
        Path out = dir.resolve("never.img");
        cli.refused("holds no snapshot", "cow", "export", "--origin", origin.toString(), "--cow", zero.toString(), "--out", out.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void inspectReadsAReadOnlyCowAsAnotherUser() throws Exception {
        setUp();
        assumeTrue(AsNobody.possible(), "needs root and setpriv to run as another user");
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path c = ro.resolve("snap.cow");
        Files.copy(cow, c);
        Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("r--r--r--"));
        AsNobody.Result r = AsNobody.run(dir, "cow", "inspect", c.toString());
        String out = r.output();
        assertEquals(0, r.code(), out);
        assertTrue(out.contains("2 exceptions"), out);
    }

}
