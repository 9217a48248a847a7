package io.ublksnap.bench.jmh;

import io.ublksnap.ffi.IoUring;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Ring submission: 32 NOPs prepared in the mapped ring, one submit, all completions reaped. */
@State(Scope.Thread)
public class RingBench {
    IoUring ring;
    long sum;

    @Setup
    public void setUp() throws Exception {
        ring = IoUring.builder().entries(64).build();
    }

    @TearDown
    public void tearDown() throws Exception {
        ring.close();
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public long nopBatchOf32() throws Exception {
        for (int i = 0; i < 32; i++) {
            ring.prepNop(i);
        }
        ring.submitAndWait(32);
        ring.reap((ud, res, f) -> sum += ud);
        return sum;
    }
}
