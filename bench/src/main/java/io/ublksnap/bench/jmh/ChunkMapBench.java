package io.ublksnap.bench.jmh;

import io.ublksnap.engine.ChunkMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;

/** Exception lookup: the completed-exception table with up to a million exceptions. */
@State(Scope.Thread)
public class ChunkMapBench {
    @Param({"1000", "1000000"})
    int exceptions;

    ChunkMap map;
    long[] hits;
    long[] misses;
    int i;

    @Setup
    public void setUp() {
        map = new ChunkMap();
        Random r = new Random(1);
        hits = new long[4096];
        misses = new long[4096];
        for (int n = 0; n < exceptions; n++) {
            long k = r.nextLong(1L << 32);
            map.put(k, n + 2, -1);
            if (n < hits.length) {
                hits[n % hits.length] = k;
            }
        }
        for (int n = 0; n < misses.length; n++) {
            misses[n] = (1L << 33) + n * 7919L;
        }
    }

    @Benchmark
    public long lookupHit() {
        return map.get(hits[i++ & 4095], -1);
    }

    @Benchmark
    public long lookupMiss() {
        return map.get(misses[i++ & 4095], -1);
    }
}
