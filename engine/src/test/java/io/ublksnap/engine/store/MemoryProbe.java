package io.ublksnap.engine.store;

import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.IoBuffer;

/**
 * Inspects and exports a COW of millions of exceptions, to be run in a JVM with a small heap
 * ({@link CowMemoryTest}): both must stream, keeping nothing per exception.
 */
public final class MemoryProbe {
    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[0]);
        BigCow cow = BigCow.withExceptions(n);
        long[] seen = {0};
        PersistentStore.CowInfo info = PersistentStore.inspect(cow, BufferAllocator.DIRECT, (o, c) -> ++seen[0] > 0);
        BackingDevice origin = new BackingDevice() {
            @Override
            public String name() {
                return "origin";
            }

            @Override
            public long sizeBytes() {
                return n * 4096;
            }

            @Override
            public int logicalBlockSize() {
                return 512;
            }

            @Override
            public boolean supportsDiscard() {
                return false;
            }

            @Override
            public void readSync(long offset, IoBuffer buf) {
            }

            @Override
            public void writeSync(long offset, IoBuffer buf) {
            }

            @Override
            public void flushSync() {
            }
        };
        long[] written = {0};
        CowImage.Result r = CowImage.export(origin, cow, BufferAllocator.DIRECT, (offset, data) -> written[0] += data.length());
        System.out.println("inspected " + info.exceptions() + " exceptions (" + seen[0] + " seen), exported "
                + r.bytes() + " bytes with " + r.chunksFromCow() + " chunks from the COW (" + written[0] + " bytes written)");
    }
}
