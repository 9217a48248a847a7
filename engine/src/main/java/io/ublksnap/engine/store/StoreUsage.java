package io.ublksnap.engine.store;

/**
 * COW space in 512-byte sectors, as dm-snapshot reports it: {@code allocated} counts data and
 * metadata chunks handed out, {@code metadata} the header and metadata areas among them.
 */
public record StoreUsage(long allocatedSectors, long totalSectors, long metadataSectors) {
}
