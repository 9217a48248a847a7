package io.ublksnap.engine;

import java.util.List;

/**
 * Splitting a request at chunk boundaries, and coalescing the pieces that go to consecutive places
 * of one device back into runs, so a request costs as few backing I/Os as possible.
 */
final class Pieces {
    private Pieces() {
    }

    /** Part of a request that goes to one device in one I/O; tracked chunks are firstChunk..lastChunk. */
    record Run(boolean toCow, long deviceOffset, long requestOffset, int length, long firstChunk, long lastChunk) {
    }

    @FunctionalInterface
    interface Visitor {
        /** A piece of the request inside one chunk: sector, its byte offset in the request, its byte length. */
        void visit(long chunk, long sector, long requestOffset, int length);
    }

    /** Visits the pieces of {@code r} cut at chunk boundaries (chunks of 2^chunkShift sectors). */
    static void forEach(BlockRequest r, int chunkShift, Visitor v) {
        long sector = r.sector();
        long end = r.endSector();
        while (sector < end) {
            long chunk = sector >>> chunkShift;
            long pieceEnd = Math.min(end, (chunk + 1) << chunkShift);
            v.visit(chunk, sector, (sector - r.sector()) << 9, (int) ((pieceEnd - sector) << 9));
            sector = pieceEnd;
        }
    }

    /** Appends a piece, extending the last run when both are contiguous on the device and in the request. */
    static void add(List<Run> runs, boolean toCow, long deviceOffset, long requestOffset, int length, long chunk) {
        if (!runs.isEmpty()) {
            Run last = runs.getLast();
            if (last.toCow() == toCow && last.deviceOffset() + last.length() == deviceOffset
                    && last.requestOffset() + last.length() == requestOffset) {
                runs.set(runs.size() - 1, new Run(toCow, last.deviceOffset(), last.requestOffset(),
                        last.length() + length, last.firstChunk(), chunk));
                return;
            }
        }
        runs.add(new Run(toCow, deviceOffset, requestOffset, length, chunk, chunk));
    }

    /** Byte offset on the COW of {@code sector}, inside {@code chunk} remapped to {@code newChunk}. */
    static long cowOffset(long newChunk, long chunk, long sector, int chunkShift) {
        return (newChunk << (chunkShift + 9)) + ((sector - (chunk << chunkShift)) << 9);
    }
}
