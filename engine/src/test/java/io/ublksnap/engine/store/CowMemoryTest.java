package io.ublksnap.engine.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9: {@code cow inspect --exceptions} ran out of memory at 1 M exceptions and
 * {@code cow export} at 5 M. Both now stream: 5 M exceptions in a JVM with a 32 MiB heap (their
 * exception table alone would take 130 MiB).
 */
class CowMemoryTest {

    @Test
    void inspectAndExportFiveMillionExceptionsInA32MiBHeap() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                MemoryProbe.class.getName(), "5000000").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        System.out.println("memory probe: " + out.strip());
        assertTrue(out.contains("inspected 5000000 exceptions (5000000 seen)") && out.contains("5000000 chunks from the COW"), out);
    }
}
