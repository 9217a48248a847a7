package io.ublksnap.ublkd.daemon;

import io.ublksnap.ffi.DevInfo;

import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.Names;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The persistent set of devices, kept by the daemon so that {@code ublkd serve --config FILE}
 * brings the same origins and snapshots back after a restart. UTF-8, one device per line, in
 * creation order:
 * <pre>
 *   origin   NAME PATH [read_only] [id=N]
 *   snapshot NAME ORIGIN COW P|PO|N CHUNK [OPTION...]
 *   merge    NAME ORIGIN COW P|PO CHUNK [OPTION...]  (a snapshot merging into its origin: resumes at start)
 * </pre>
 * {@code read_only}: the device is served read-only; {@code id=N}: the ublk device id it had
 * (/dev/ublkbN), asked for again at the next start (another is taken, with a warning, when N is in use). A snapshot's options: its table's features ({@code discard_zeroes_cow},
 * {@code discard_passdown_origin}) and its own autoextend, {@code autoextend_threshold=T
 * autoextend_percent=P} (both or neither; without them the daemon's default applies).
 * Words are separated by blanks. A word with characters other than letters, digits and
 * {@code _ . / + : @ = , % ~ -} is written in double quotes, with {@code \"}, {@code \\} and
 * {@code \xHH} (control characters) escaped, so any path the daemon accepts reads back as itself.
 * A '#' at the start of a word starts a comment. The daemon rewrites the file atomically whenever
 * the set changes (entries that could not be brought back stay as they were); it can be written by
 * hand, and a line it cannot read stops the start with a message naming the line.
 */
public final class ConfigFile {

    public sealed interface Entry permits OriginEntry, SnapshotEntry {
        String name();

        /** The ublk device id it had, or -1. */
        int devId();
    }

    /**
     * @param readOnly served read-only (ublk's read-only attribute)
     * @param devId    the ublk device id it had (asked for again at the next start), or -1
     */
    public record OriginEntry(String name, String path, boolean readOnly, int devId) implements Entry {
        public OriginEntry(String name, String path) {
            this(name, path, false, -1);
        }

        public OriginEntry(String name, String path, boolean readOnly) {
            this(name, path, readOnly, -1);
        }

        public OriginEntry withDevId(int id) {
            return new OriginEntry(name, path, readOnly, id);
        }
    }

    /**
     * @param features   the table's features
     * @param autoextend the snapshot's own autoextend, or null for the daemon's default
     * @param readOnly   served read-only (ublk's read-only attribute; origin writes still copy into it)
     * @param devId      the ublk device id it had (asked for again at the next start), or -1
     */
    public record SnapshotEntry(String name, String origin, String cow, StoreType store, int chunkSectors, boolean merging,
                                Set<SnapshotFeature> features, Autoextend autoextend, boolean readOnly, int devId) implements Entry {
        public SnapshotEntry {
            features = SnapshotFeature.check(features);
        }

        /** Without features, with the daemon's autoextend. */
        public SnapshotEntry(String name, String origin, String cow, StoreType store, int chunkSectors, boolean merging) {
            this(name, origin, cow, store, chunkSectors, merging, Set.of(), null, false, -1);
        }

        public SnapshotEntry(String name, String origin, String cow, StoreType store, int chunkSectors, boolean merging,
                             Set<SnapshotFeature> features, Autoextend autoextend) {
            this(name, origin, cow, store, chunkSectors, merging, features, autoextend, false, -1);
        }

        public SnapshotEntry(String name, String origin, String cow, StoreType store, int chunkSectors, boolean merging,
                             Set<SnapshotFeature> features, Autoextend autoextend, boolean readOnly) {
            this(name, origin, cow, store, chunkSectors, merging, features, autoextend, readOnly, -1);
        }

        public SnapshotEntry withDevId(int id) {
            return new SnapshotEntry(name, origin, cow, store, chunkSectors, merging, features, autoextend, readOnly, id);
        }

        /** The same snapshot with the chunk size in use (its COW's own). The path stays as configured. */
        public SnapshotEntry withChunk(int chunk) {
            return new SnapshotEntry(name, origin, cow, store, chunk, merging, features, autoextend, readOnly, devId);
        }

        /** The same snapshot with a new table. */
        public SnapshotEntry reloaded(String cowPath, StoreType newStore, int chunk, Set<SnapshotFeature> newFeatures) {
            return new SnapshotEntry(name, origin, cowPath, newStore, chunk, merging, newFeatures, autoextend, readOnly, devId);
        }

        public SnapshotEntry merging(boolean m) {
            return new SnapshotEntry(name, origin, cow, store, chunkSectors, m, features, autoextend, readOnly, devId);
        }

        public SnapshotEntry withAutoextend(Autoextend a) {
            return new SnapshotEntry(name, origin, cow, store, chunkSectors, merging, features, a, readOnly, devId);
        }
    }

    private static final String HEADER =
            "# ublksnap devices, kept by ublkd: origin NAME PATH [read_only] [id=N] | snapshot|merge NAME ORIGIN COW P|PO|N CHUNK [OPTION...]\n";

    private ConfigFile() {
    }

    public static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        if (!Files.isRegularFile(file)) {
            throw new SnapshotException("configuration " + file + " is not a regular file");
        }
        byte[] bytes = Files.readAllBytes(file);
        int n = 0;
        int start = 0;
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            n++;
            String where = file + " line " + n + ": ";
            String line;
            try {
                CharBuffer cb = utf8.reset().decode(ByteBuffer.wrap(bytes, start, end - start));
                line = cb.toString();
            } catch (CharacterCodingException e) {
                throw new SnapshotException(where + "not valid UTF-8 text");
            }
            start = end + 1;
            try {
                Entry e = parse(line);
                if (e != null) {
                    for (Entry x : entries) {
                        if (x.name().equals(e.name())) {
                            throw new SnapshotException("a second device named " + e.name());
                        }
                    }
                    entries.add(e);
                }
            } catch (SnapshotException e) {
                throw new SnapshotException(where + e.getMessage());
            }
        }
        return entries;
    }

    /** One line: an entry, or null for a blank or comment line. */
    static Entry parse(String line) {
        List<String> w = words(line);
        if (w.isEmpty()) {
            return null;
        }
        switch (w.getFirst()) {
            case "origin" -> {
                if (w.size() < 3) {
                    throw new SnapshotException("expected 'origin NAME PATH [" + READ_ONLY + "] [" + DEV_ID + "N]'");
                }
                boolean readOnly = false;
                int devId = -1;
                for (String o : w.subList(3, w.size())) {
                    if (o.equals(READ_ONLY)) {
                        readOnly = true;
                    } else if (o.startsWith(DEV_ID)) {
                        devId = devId(o);
                    } else {
                        throw new SnapshotException("unknown origin option '" + o + "' (expected " + READ_ONLY + " or " + DEV_ID + "N)");
                    }
                }
                return new OriginEntry(Names.check(w.get(1)), w.get(2), readOnly, devId);
            }
            case "snapshot", "merge" -> {
                if (w.size() < 6) {
                    throw new SnapshotException("expected '" + w.getFirst() + " NAME ORIGIN COW P|PO|N CHUNK [OPTION...]'");
                }
                StoreType store = StoreType.parse(w.get(4));
                long chunk;
                try {
                    chunk = Long.parseLong(w.get(5));
                } catch (NumberFormatException e) {
                    throw new SnapshotException("bad chunk size '" + w.get(5) + "': expected sectors, e.g. 16");
                }
                int sectors = ChunkSize.validate(chunk, 512);
                Set<SnapshotFeature> features = EnumSet.noneOf(SnapshotFeature.class);
                Integer threshold = null;
                Integer percent = null;
                boolean readOnly = false;
                int devId = -1;
                for (String o : w.subList(6, w.size())) {
                    if (o.equals(READ_ONLY)) {
                        readOnly = true;
                    } else if (o.startsWith(DEV_ID)) {
                        devId = devId(o);
                    } else if (o.startsWith(AUTOEXTEND_THRESHOLD)) {
                        threshold = number(o, AUTOEXTEND_THRESHOLD);
                    } else if (o.startsWith(AUTOEXTEND_PERCENT)) {
                        percent = number(o, AUTOEXTEND_PERCENT);
                    } else {
                        features.add(SnapshotFeature.of(o));
                    }
                }
                return new SnapshotEntry(Names.check(w.get(1)), Names.check(w.get(2)), w.get(3), store, sectors,
                        w.getFirst().equals("merge"), features, Autoextend.of(threshold, percent), readOnly, devId);
            }
            default -> throw new SnapshotException("unknown entry '" + w.getFirst() + "' (expected origin, snapshot or merge)");
        }
    }

    private static final String READ_ONLY = "read_only";
    private static final String DEV_ID = "id=";

    private static int devId(String word) {
        int id = number(word, DEV_ID);
        if (id < 0 || id > DevInfo.MAX_DEV_ID) {
            throw new SnapshotException("bad option '" + word + "': a ublk device id is 0 to " + DevInfo.MAX_DEV_ID);
        }
        return id;
    }

    private static final String AUTOEXTEND_THRESHOLD = "autoextend_threshold=";
    private static final String AUTOEXTEND_PERCENT = "autoextend_percent=";

    private static int number(String word, String key) {
        try {
            return Integer.parseInt(word.substring(key.length()));
        } catch (NumberFormatException e) {
            throw new SnapshotException("bad option '" + word + "': expected a whole number after " + key);
        }
    }

    /** The words of a line: blank-separated, double-quoted with escapes, '#' at a word's start ends the line. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t' || line.charAt(i) == '\r')) {
                i++;
            }
            if (i >= n || line.charAt(i) == '#') {
                return out;
            }
            StringBuilder w = new StringBuilder();
            if (line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new SnapshotException("a quoted word has no closing '\"'");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (i >= n) {
                            throw new SnapshotException("a '\\' ends the line");
                        }
                        char e = line.charAt(i++);
                        switch (e) {
                            case '"', '\\' -> w.append(e);
                            case 'x' -> {
                                if (i + 2 > n) {
                                    throw new SnapshotException("'\\x' needs two hex digits");
                                }
                                try {
                                    w.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
                                } catch (NumberFormatException x) {
                                    throw new SnapshotException("'\\x' needs two hex digits");
                                }
                                i += 2;
                            }
                            default -> throw new SnapshotException("unknown escape '\\" + e + "' (use \\\", \\\\ or \\xHH)");
                        }
                    } else {
                        w.append(c);
                    }
                }
                if (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t' && line.charAt(i) != '\r') {
                    throw new SnapshotException("a quoted word must be followed by a blank");
                }
            } else {
                while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t' && line.charAt(i) != '\r') {
                    char c = line.charAt(i++);
                    if (c == '"' || c == '\\') {
                        throw new SnapshotException("a word with '\"' or '\\' must be in double quotes");
                    }
                    w.append(c);
                }
            }
            out.add(w.toString());
        }
    }

    /** A word as written: bare when it is plain, else quoted and escaped. */
    static String quote(String word) {
        boolean plain = !word.isEmpty();
        for (int i = 0; i < word.length() && plain; i++) {
            char c = word.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "_./+:@=,%~-".indexOf(c) >= 0;
        }
        if (plain) {
            return word;
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Refuses text that cannot be written as UTF-8 and read back as itself (unpaired surrogates). */
    static void checkWritable(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new SnapshotException(what + " is not valid text (an unpaired UTF-16 surrogate)");
            }
        }
    }

    static String line(Entry e) {
        return switch (e) {
            case OriginEntry o -> "origin " + quote(o.name()) + " " + quote(o.path()) + (o.readOnly() ? " " + READ_ONLY : "")
                    + (o.devId() >= 0 ? " " + DEV_ID + o.devId() : "");
            case SnapshotEntry s -> (s.merging() ? "merge " : "snapshot ") + quote(s.name()) + " " + quote(s.origin()) + " "
                    + quote(s.cow()) + " " + s.store().code() + " " + s.chunkSectors() + options(s);
        };
    }

    private static String options(SnapshotEntry s) {
        StringBuilder b = new StringBuilder();
        for (SnapshotFeature f : SnapshotFeature.values()) {
            if (s.features().contains(f)) {
                b.append(' ').append(f.word());
            }
        }
        if (s.autoextend() != null) {
            b.append(' ').append(AUTOEXTEND_THRESHOLD).append(s.autoextend().threshold())
                    .append(' ').append(AUTOEXTEND_PERCENT).append(s.autoextend().percent());
        }
        if (s.readOnly()) {
            b.append(' ').append(READ_ONLY);
        }
        if (s.devId() >= 0) {
            b.append(' ').append(DEV_ID).append(s.devId());
        }
        return b.toString();
    }

    public static void write(Path file, List<Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER);
        for (Entry e : entries) {
            sb.append(line(e)).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(sb));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (dir != null) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the rename itself is durable too
            } catch (IOException ignored) {
                // some file systems cannot sync a directory
            }
        }
    }
}
