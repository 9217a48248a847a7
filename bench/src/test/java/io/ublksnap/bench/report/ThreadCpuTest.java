package io.ublksnap.bench.report;

import io.ublksnap.bench.report.ThreadCpu.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ThreadCpuTest {
    @Test
    void threadsAreClassifiedByName() {
        assertEquals(Kind.QUEUE, Kind.of("ublk0q1"));
        assertEquals(Kind.QUEUE, Kind.of("ublk12q0"));
        assertEquals(Kind.QUEUE, Kind.of("cloop-q3"));
        assertEquals(Kind.IO_WQ, Kind.of("iou-wrk-390"));
        assertEquals(Kind.JIT, Kind.of("C2 CompilerThre"));
        assertEquals(Kind.JIT, Kind.of("C1 CompilerThre"));
        assertEquals(Kind.GC, Kind.of("GC Thread#0"));
        assertEquals(Kind.GC, Kind.of("G1 Conc#0"));
        assertEquals(Kind.CONTROL, Kind.of("ublkd-control"));
        assertEquals(Kind.OTHER, Kind.of("ublk0q1x"));
    }

    @Test
    void cpuOverARunCountsNewThreadsFromZero(@TempDir Path d) throws Exception {
        Path pre = d.resolve("pre");
        Path post = d.resolve("post");
        Files.writeString(pre, "10\tublk0q0\t1000\t5\t0\t0\n11\tC2 CompilerThre\t500\t1\t0\t0\n"
                + "cpu-total\tcpu  100 0 50 1000 7 0 0 0 0 0\n");
        Files.writeString(post, "10\tublk0q0\t4000\t9\t0\t0\n11\tC2 CompilerThre\t500\t1\t0\t0\n12\tiou-wrk-10\t300\t2\t0\t0\n"
                + "cpu-total\tcpu  150 0 60 1200 9 0 0 0 0 0\n");
        ThreadCpu c = ThreadCpu.between(pre, post);
        assertEquals(3000, c.ns().get(Kind.QUEUE));
        assertEquals(4, c.slices().get(Kind.QUEUE));
        assertEquals(0, c.ns().get(Kind.JIT));
        assertEquals(300, c.ns().get(Kind.IO_WQ));
        assertEquals(3300, c.totalNs());
        assertEquals(60 * 10_000_000L, c.guestBusyNs()); // user 50 + system 10 ticks; idle and iowait left out
        assertNull(ThreadCpu.between(pre, d.resolve("missing")));
    }

    @Test
    void utimeAndStimeSplitTheTimeByMode(@TempDir Path d) throws Exception {
        Path pre = d.resolve("pre");
        Path post = d.resolve("post");
        Files.writeString(pre, "10\tublk0q0\t1000\t5\t7\t3\ncpu-total\tcpu  1 0 1 1 0 0 0 0\n");
        Files.writeString(post, "10\tublk0q0\t4000\t9\t9\t6\n11\tublk0q1\t10\t1\t1\t0\ncpu-total\tcpu  1 0 1 1 0 0 0 0\n");
        ThreadCpu c = ThreadCpu.between(pre, post);
        assertEquals(30_000_000L, c.userNs().get(Kind.QUEUE)); // 2 ticks of q0, 1 of q1 (born during the run)
        assertEquals(30_000_000L, c.systemNs().get(Kind.QUEUE));
        // an older snapshot without the two columns: no split, the rest as before
        Files.writeString(pre, "10\tublk0q0\t1000\t5\ncpu-total\tcpu  1 0 1 1 0 0 0 0\n");
        ThreadCpu old = ThreadCpu.between(pre, post);
        assertEquals(false, old.split());
        assertEquals(3010, old.ns().get(Kind.QUEUE));
    }
}
