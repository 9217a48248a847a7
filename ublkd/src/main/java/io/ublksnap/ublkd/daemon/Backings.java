package io.ublksnap.ublkd.daemon;

import io.ublksnap.ublkd.io.FileBacking;

import java.io.IOException;

/**
 * How the daemon reaches files and devices named in requests: opens backings and creates sparse
 * files for {@code --create}. Production uses the real file system ({@link #SYSTEM}); the fuzz
 * tests keep the daemon inside a directory of their own.
 */
interface Backings {
    FileBacking open(String path) throws IOException;

    SparseFiles.Created createSparse(String path, long bytes) throws IOException;

    Backings SYSTEM = new Backings() {
        @Override
        public FileBacking open(String path) throws IOException {
            return FileBacking.open(path);
        }

        @Override
        public SparseFiles.Created createSparse(String path, long bytes) throws IOException {
            return SparseFiles.create(path, bytes);
        }
    };
}
