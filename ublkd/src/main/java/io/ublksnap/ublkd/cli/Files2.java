package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Creating sparse backing files for {@code --create}. */
final class Files2 {
    private Files2() {
    }

    static void createSparse(String path, String size) throws IOException {
        if (size == null) {
            return;
        }
        Path p = Path.of(path);
        if (Files.exists(p)) {
            return;
        }
        long bytes = ServeCommand.bytes(size);
        if (bytes % 4096 != 0) {
            throw new SnapshotException("bad --create size " + size + ": a multiple of 4k");
        }
        Path dir = p.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }
}
