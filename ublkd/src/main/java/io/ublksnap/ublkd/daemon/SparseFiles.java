package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Backing files the daemon creates for {@code --create}: a sparse file (all zeros) and the
 * directories it needs, made only once the request was accepted, and taken away again when the
 * device they were made for cannot be made.
 */
final class SparseFiles {
    /** What a creation made, to undo it. */
    static final class Created {
        private final List<Path> made = new ArrayList<>();

        /** Deletes what was made, newest first (best effort: the request's error is the one to report). */
        void undo() {
            for (Path p : made.reversed()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException | RuntimeException ignored) {
                    // a directory someone else put something in stays
                }
            }
            made.clear();
        }
    }

    private SparseFiles() {
    }

    /** Creates {@code path} as a sparse file of {@code bytes} if it does not exist (bytes 0: nothing to do). */
    static Created create(String path, long bytes) throws IOException {
        Created c = new Created();
        if (bytes <= 0) {
            return c;
        }
        if (bytes % 4096 != 0) {
            throw new SnapshotException("bad size " + bytes + " to create " + path + ": a multiple of 4 KiB");
        }
        Path p = Path.of(path);
        if (Files.exists(p)) {
            return c;
        }
        try {
            List<Path> dirs = new ArrayList<>();
            for (Path d = p.toAbsolutePath().getParent(); d != null && !Files.exists(d); d = d.getParent()) {
                dirs.add(d);
            }
            for (Path d : dirs.reversed()) {
                Files.createDirectory(d);
                c.made.add(d);
            }
            Files.createFile(p);
            c.made.add(p);
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(bytes);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.undo();
            throw new IOException("cannot create " + path + ": " + (e.getMessage() == null ? "failed" : e.getMessage()), e);
        }
    }
}
