package io.ublksnap.ublkd.daemon;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sparse backing files for the daemon's host tests. */
final class SparseFile {
    private SparseFile() {
    }

    /** {@code dir/name} (its directories made), {@code bytes} long, all holes. */
    static Path of(Path dir, String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }
}
