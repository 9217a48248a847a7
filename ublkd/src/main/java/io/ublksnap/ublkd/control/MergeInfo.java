package io.ublksnap.ublkd.control;

import io.ublksnap.engine.store.StoreType;

/**
 * A merge of a snapshot into its origin.
 *
 * @param mergedChunks   chunks merged since the merge (re)started
 * @param totalChunks    chunks to merge when it (re)started
 * @param secondsLeft    at the current rate, or -1 when not known
 * @param cow            the merging snapshot's COW, its store and size (for dm's snapshot-merge table and status)
 * @param error          why it failed, or null
 */
public record MergeInfo(String snapshot, MergeState state, long mergedChunks, long totalChunks, int chunkSectors,
                        double bytesPerSecond, long secondsLeft, String error, String cow, StoreType store, long cowSectors) {
}
