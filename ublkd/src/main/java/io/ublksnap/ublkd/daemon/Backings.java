package io.ublksnap.ublkd.daemon;

import io.ublksnap.ublkd.io.FileBacking;

import java.io.IOException;

/**
 * How the daemon reaches files and devices named in requests: opens backings and creates sparse
 * files for {@code --create}, grows COW files. Production uses the real file system ({@link #SYSTEM}); the fuzz
 * tests keep the daemon inside a directory of their own.
 */
interface Backings {
    FileBacking open(String path) throws IOException;

    SparseFiles.Created createSparse(String path, long bytes) throws IOException;

    /** Grows a COW file online ({@link FileBacking#grow}); may take long on a slow file system. */
    default long grow(FileBacking cow, long bytes) throws IOException {
        return cow.grow(bytes);
    }

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
