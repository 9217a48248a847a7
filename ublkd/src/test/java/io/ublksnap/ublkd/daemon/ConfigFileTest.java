package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.Autoextend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration file holds whatever the daemon accepts, and reads it back as itself. */
class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void pathsWithSpacesHashesAndQuotesReadBackAsThemselves() throws IOException {
        List<ConfigFile.Entry> entries = List.of(
                new ConfigFile.OriginEntry("base", "/data/my images/base.img"),
                new ConfigFile.OriginEntry("o2", "/data/img#1.img"),
                new ConfigFile.SnapshotEntry("s1", "base", "/data/\"quoted\" \\ back\tslash.cow", StoreType.PERSISTENT, 16, false),
                new ConfigFile.SnapshotEntry("s2", "o2", "/data/ünïcödé/ß.cow", StoreType.PERSISTENT_OVERFLOW, 8, true),
                new ConfigFile.SnapshotEntry("s3", "base", "/data/s3.cow", StoreType.PERSISTENT, 8, false,
                        EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW, SnapshotFeature.DISCARD_PASSDOWN_ORIGIN), new Autoextend(70, 20)),
                new ConfigFile.SnapshotEntry("s4", "base", "/data/s4.cow", StoreType.PERSISTENT, 8, false, Set.of(), Autoextend.OFF));
        Path f = dir.resolve("devices.conf");
        ConfigFile.write(f, entries);
        assertEquals(entries, ConfigFile.read(f));
    }

    @Test
    void snapshotOptionsAreDmFeatureWordsAndLvmConfNames() throws IOException {
        ConfigFile.SnapshotEntry e = (ConfigFile.SnapshotEntry) ConfigFile.parse(
                "snapshot s base /s.cow P 8 discard_zeroes_cow autoextend_threshold=70 autoextend_percent=20");
        assertEquals(EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW), e.features());
        assertEquals(new Autoextend(70, 20), e.autoextend());
        assertEquals("snapshot s base /s.cow P 8 discard_zeroes_cow autoextend_threshold=70 autoextend_percent=20", ConfigFile.line(e));
        assertEquals("snapshot s base /s.cow P 8", ConfigFile.line(e.withAutoextend(null).reloaded("/s.cow", StoreType.PERSISTENT, 8,
                Set.of())));
        Path f = dir.resolve("devices.conf");
        for (String bad : List.of("snapshot s base /s.cow P 8 discard_passdown_origin", "snapshot s base /s.cow P 8 trim",
                "snapshot s base /s.cow P 8 autoextend_threshold=70", "snapshot s base /s.cow P 8 autoextend_threshold=x autoextend_percent=2",
                "snapshot s base /s.cow P 8 autoextend_threshold=20 autoextend_percent=20")) {
            Files.writeString(f, "origin base /o.img\n" + bad + "\n");
            SnapshotException x = assertThrows(SnapshotException.class, () -> ConfigFile.read(f), bad);
            assertTrue(x.getMessage().contains("line 2"), x.getMessage());
        }
    }

    @Test
    void chunkSizesOutOfRangeAreRefusedNotWrapped() throws IOException {
        Path f = dir.resolve("devices.conf");
        Files.writeString(f, "origin base /o.img\nsnapshot s base /s.cow P 4294967304\n");
        SnapshotException e = assertThrows(SnapshotException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("chunk"), e.getMessage());
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        Path f = dir.resolve("devices.conf");
        byte[] bad = "origin base /o\u00e9.img\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, bad);
        SnapshotException e = assertThrows(SnapshotException.class, () -> ConfigFile.read(f));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    /** Property: any entry the daemon accepts (names, any printable or control path, every store and chunk) round-trips. */
    @Test
    void arbitraryAcceptedEntriesRoundTrip() throws IOException {
        Random rnd = new Random(20240611);
        Path f = dir.resolve("devices.conf");
        for (int round = 0; round < 2000; round++) {
            List<ConfigFile.Entry> entries = new ArrayList<>();
            List<String> origins = new ArrayList<>();
            int count = 1 + rnd.nextInt(6);
            for (int i = 0; i < count; i++) {
                String name = name(rnd, i);
                if (origins.isEmpty() || rnd.nextBoolean()) {
                    entries.add(new ConfigFile.OriginEntry(name, path(rnd), rnd.nextInt(4) == 0, rnd.nextBoolean() ? -1 : rnd.nextInt(io.ublksnap.ffi.DevInfo.MAX_DEV_ID + 1)));
                    origins.add(name);
                } else {
                    StoreType st = StoreType.values()[rnd.nextInt(3)];
                    Set<SnapshotFeature> features = switch (rnd.nextInt(3)) {
                        case 0 -> Set.of();
                        case 1 -> EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW);
                        default -> EnumSet.allOf(SnapshotFeature.class);
                    };
                    Autoextend a = rnd.nextBoolean() ? null : new Autoextend(50 + rnd.nextInt(51), rnd.nextInt(Autoextend.MAX_PERCENT + 1));
                    entries.add(new ConfigFile.SnapshotEntry(name, origins.get(rnd.nextInt(origins.size())), path(rnd), st,
                            8 << rnd.nextInt(Integer.numberOfTrailingZeros(io.ublksnap.engine.ChunkSize.MAX_SECTORS) - 2),
                            st.persistent() && rnd.nextInt(4) == 0, features, a, rnd.nextInt(4) == 0, rnd.nextBoolean() ? -1 : rnd.nextInt(1 << 20)));
                }
            }
            int r = round;
            if (round % 100 == 0) { // through the file now and then (each write is synced)
                ConfigFile.write(f, entries);
                assertEquals(entries, ConfigFile.read(f), () -> "round " + r + ":\n" + readable(f));
            }
            for (ConfigFile.Entry e : entries) {
                String line = ConfigFile.line(e);
                assertEquals(e, ConfigFile.parse(line), () -> "round " + r + ": " + line);
            }
        }
    }

    private static String readable(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String name(Random rnd, int i) {
        String first = "abcXYZ019";
        String rest = "abcXYZ019_.+-";
        StringBuilder b = new StringBuilder().append(first.charAt(rnd.nextInt(first.length())));
        int len = rnd.nextInt(12);
        for (int k = 0; k < len; k++) {
            b.append(rest.charAt(rnd.nextInt(rest.length())));
        }
        return b.append(i).toString();
    }

    /** An absolute path with any characters a file name can have: blanks, quotes, '#', backslashes, control characters, non-ASCII. */
    private static String path(Random rnd) {
        String tricky = " \t#\"'\\$;|&*?[]{}()<>=,%~@:!^`\u00e9\u00df\u4e2d\u0001\u001f\u007f\r\n";
        StringBuilder b = new StringBuilder();
        int parts = 1 + rnd.nextInt(4);
        for (int p = 0; p < parts; p++) {
            b.append('/');
            int len = 1 + rnd.nextInt(10);
            for (int k = 0; k < len; k++) {
                int kind = rnd.nextInt(4);
                if (kind == 0) {
                    b.append(tricky.charAt(rnd.nextInt(tricky.length())));
                } else if (kind == 1) {
                    b.appendCodePoint(0x1F600 + rnd.nextInt(50)); // outside the BMP: a surrogate pair
                } else {
                    b.append((char) ('a' + rnd.nextInt(26)));
                }
            }
        }
        return b.toString();
    }
}
