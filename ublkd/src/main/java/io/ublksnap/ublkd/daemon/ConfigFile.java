package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.store.StoreType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The persistent set of devices, kept by the daemon so that {@code ublkd serve --config FILE}
 * brings the same origins and snapshots back after a restart. One device per line, in creation
 * order; '#' starts a comment:
 * <pre>
 *   origin   NAME PATH
 *   snapshot NAME ORIGIN COW P|PO|N CHUNK
 *   merge    NAME ORIGIN COW P|PO CHUNK      (a snapshot merging into its origin: resumes at start)
 * </pre>
 * The daemon rewrites the file (atomically) whenever the set changes; it can also be written by hand.
 */
public final class ConfigFile {

    public sealed interface Entry permits OriginEntry, SnapshotEntry {
        String name();
    }

    public record OriginEntry(String name, String path) implements Entry {
    }

    public record SnapshotEntry(String name, String origin, String cow, StoreType store, int chunkSectors, boolean merging)
            implements Entry {
    }

    private ConfigFile() {
    }

    public static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        int n = 0;
        for (String raw : Files.readAllLines(file)) {
            n++;
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split("\\s+");
            String where = file + " line " + n + ": ";
            try {
                switch (w[0]) {
                    case "origin" -> {
                        if (w.length != 3) {
                            throw new SnapshotException("expected 'origin NAME PATH'");
                        }
                        entries.add(new OriginEntry(w[1], w[2]));
                    }
                    case "snapshot", "merge" -> {
                        if (w.length != 6) {
                            throw new SnapshotException("expected '" + w[0] + " NAME ORIGIN COW P|PO|N CHUNK'");
                        }
                        entries.add(new SnapshotEntry(w[1], w[2], w[3], StoreType.parse(w[4]),
                                (int) io.ublksnap.engine.ChunkSize.parse(w[5]), w[0].equals("merge")));
                    }
                    default -> throw new SnapshotException("unknown entry '" + w[0] + "' (expected origin, snapshot or merge)");
                }
            } catch (SnapshotException e) {
                throw new SnapshotException(where + e.getMessage());
            }
        }
        return entries;
    }

    public static void write(Path file, List<Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# ublksnap devices, kept by ublkd: origin NAME PATH | snapshot|merge NAME ORIGIN COW P|PO|N CHUNK\n");
        for (Entry e : entries) {
            switch (e) {
                case OriginEntry o -> sb.append("origin ").append(o.name()).append(' ').append(o.path()).append('\n');
                case SnapshotEntry s -> sb.append(s.merging() ? "merge " : "snapshot ").append(s.name()).append(' ')
                        .append(s.origin()).append(' ').append(s.cow()).append(' ').append(s.store().code()).append(' ')
                        .append(s.chunkSectors()).append('\n');
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString());
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
