package io.ublksnap.ublkd.io;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.IoBuffer;

import java.lang.foreign.Arena;

/**
 * The engine's buffers (chunk copies, metadata areas): page-aligned off-heap memory, freed by the
 * garbage collector once the engine drops a buffer (the engine pools them, so that is rare).
 */
public final class SegmentAllocator implements BufferAllocator {
    public static final SegmentAllocator INSTANCE = new SegmentAllocator();

    private SegmentAllocator() {
    }

    @Override
    public IoBuffer allocate(int size) {
        return new SegmentBuffer(Arena.ofAuto().allocate(size, 4096), -1);
    }
}
