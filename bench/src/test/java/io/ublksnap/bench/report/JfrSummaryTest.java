package io.ublksnap.bench.report;

import io.ublksnap.bench.report.ThreadCpu.Kind;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JfrSummaryTest {
    private static volatile long sink;

    private static void spin(AtomicBoolean stop) {
        long x = 1;
        while (!stop.get()) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
    }

    /** A busy thread named like a queue thread is counted as one, with the method it spins in. */
    @Test
    void samplesOfAQueueThreadNameItsMethods(@TempDir Path d) throws Exception {
        Path jfr = d.resolve("r.jfr");
        AtomicBoolean stop = new AtomicBoolean();
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(20));
            r.start();
            Thread t = Thread.ofPlatform().name("ublk7q0").start(() -> spin(stop));
            Thread.sleep(600);
            stop.set(true);
            t.join();
            r.stop();
            r.dump(jfr);
        }
        JfrSummary s = JfrSummary.read(jfr);
        assertTrue(s.running().getOrDefault(Kind.QUEUE, 0) > 5, "samples of the queue thread: " + s);
        assertEquals(0, s.samples(Kind.CONTROL));
        String md = s.markdown(3);
        System.out.print(md);
        assertTrue(md.contains("`JfrSummaryTest.spin`"), md);
        assertTrue(md.startsWith("- " + Kind.QUEUE.label + ": "), md);
    }
}
