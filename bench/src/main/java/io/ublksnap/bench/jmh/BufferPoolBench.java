package io.ublksnap.bench.jmh;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.BufferPool;
import io.ublksnap.engine.io.IoBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The chunk-copy buffer pool: take a buffer and give it back. */
@State(Scope.Thread)
public class BufferPoolBench {
    BufferPool pool;

    @Setup
    public void setUp() {
        pool = new BufferPool(BufferAllocator.DIRECT, 64L << 20);
    }

    @Benchmark
    public IoBuffer acquireRelease4k() {
        IoBuffer b = pool.tryAcquire(4096);
        pool.release(b);
        return b;
    }

    @Benchmark
    public IoBuffer acquireRelease64k() {
        IoBuffer b = pool.tryAcquire(65536);
        pool.release(b);
        return b;
    }
}
