package io.ublksnap.ublkd.io;

import io.ublksnap.engine.io.BufferAllocator;

import java.lang.foreign.Arena;

/**
 * The engine's buffers (chunk copies, metadata areas): page-aligned off-heap memory, freed by the
 * garbage collector once nothing refers to a buffer any more (the engine pools them, so that is
 * rare). A {@link RingLoop} holds a buffer it reads into or writes from until that operation's
 * own completion, so memory the kernel still uses is never collected.
 */
public final class NativeBufferAllocator implements BufferAllocator {
    public static final NativeBufferAllocator INSTANCE = new NativeBufferAllocator();

    private NativeBufferAllocator() {
    }

    @Override
    public SegmentBuffer allocate(int size) {
        return new SegmentBuffer(Arena.ofAuto().allocate(size, 4096), -1);
    }
}
