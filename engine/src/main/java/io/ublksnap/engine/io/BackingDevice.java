package io.ublksnap.engine.io;

import java.io.IOException;

/**
 * A device the engine stores data on: the origin's device or a snapshot's COW device.
 *
 * <p>Data-path I/O goes through an {@link IoQueue}, asynchronously. The blocking methods here are
 * for the control path only (opening a COW store, tools, tests), never for a request.
 */
public interface BackingDevice {

    /** A name for messages: a path, or a test label. */
    String name();

    /**
     * Size in bytes (a multiple of 512). A COW may grow while in use (never shrink); an exception
     * store goes on with the size it knows until it is told to learn the new one
     * ({@link io.ublksnap.engine.store.ExceptionStore#grow}).
     */
    long sizeBytes();

    /** Size in 512-byte sectors. */
    default long sizeSectors() {
        return sizeBytes() >>> 9;
    }

    /** The smallest I/O size and alignment the device accepts, in bytes (512 or 4096). */
    int logicalBlockSize();

    /** Whether discard reaches this device (hole punching for files, BLKDISCARD for devices). */
    boolean supportsDiscard();

    /** Reads {@code buf.length()} bytes at {@code offset}, blocking. */
    void readSync(long offset, IoBuffer buf) throws IOException;

    /** Writes {@code buf.length()} bytes at {@code offset}, blocking; not durable until {@link #flushSync()}. */
    void writeSync(long offset, IoBuffer buf) throws IOException;

    /** Makes every completed write durable, blocking. */
    void flushSync() throws IOException;
}
