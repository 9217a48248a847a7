package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.BlockRequest;
import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.Target;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.io.RingLoop;
import io.ublksnap.ublkd.io.NativeBufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fill monitoring and COW growth in the daemon (issue 12), on the host: the real engine on files,
 * origin writes submitted to the engine's origin through an io_uring loop of the test's own.
 */
class FillTest {
    static final long CHUNK = 4096; // the snapshots here use 8-sector chunks

    @TempDir
    Path dir;
    final FakeHost host = new FakeHost();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<Daemon> daemons = new ArrayList<>();
    RingLoop loop;

    @BeforeEach
    void start() throws Exception {
        loop = RingLoop.start("fill-test", 64);
    }

    @AfterEach
    void stop() throws Exception {
        for (Daemon d : daemons) {
            d.close();
        }
        loop.requestStop();
        loop.join();
    }

    Daemon daemon(Daemon.FillSettings fill) throws Exception {
        Daemon d = new Daemon(host, new SlowEngine(new EngineLifecycle(Origin.Options.DEFAULT)), Backings.SYSTEM,
                dir.resolve("devices.conf"), null, null, log::add, Daemon.Options.DEFAULT, fill);
        daemons.add(d);
        return d;
    }

    Daemon daemon(Backings backings, FillMonitor.Settings fill) throws Exception {
        Daemon d = new Daemon(host, new SlowEngine(new EngineLifecycle(Origin.Options.DEFAULT)), backings,
                dir.resolve("devices.conf"), null, null, log::add, Daemon.Options.DEFAULT, fill);
        daemons.add(d);
        return d;
    }

    Path sparse(String name, long bytes) throws IOException {
        return SparseFile.of(dir, name, bytes);
    }

    /** Writes whole chunks {@code first}..{@code first + n - 1} of the origin, one request each. */
    void writeOrigin(String origin, long first, int n) throws Exception {
        Target t = host.live.get(origin).target;
        for (long c = first; c < first + n; c++) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            long sector = c * (CHUNK / 512);
            loop.execute(() -> t.submit(new BlockRequest().set(BlockRequest.Op.WRITE, sector, (int) (CHUNK / 512),
                    NativeBufferAllocator.INSTANCE.allocate((int) CHUNK), false, loop, (r, rc) -> done.complete(rc))));
            assertEquals(0, done.get(30, TimeUnit.SECONDS), "origin write of chunk " + c);
        }
    }

    static SnapshotInfo info(Daemon d, String name) throws Exception {
        return (SnapshotInfo) d.handle(new Request.Status(name));
    }

    /**
     * The log's lines with {@code text}, once there are at least {@code atLeast} (the monitor logs
     * on a thread of its own, after the request that caused it has answered), or after 30 s.
     */
    long lines(String text, long atLeast) throws InterruptedException {
        for (int i = 0; i < 600 && lines(text) < atLeast; i++) {
            Thread.sleep(50);
        }
        return lines(text);
    }

    long lines(String text) {
        synchronized (log) {
            return log.stream().filter(l -> l.contains(text)).count();
        }
    }

    /** Waits (bounded) until the hook's output has {@code n} lines; returns them. */
    static List<String> hookLines(Path out, int n) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(out)) {
                List<String> l = Files.readAllLines(out);
                if (l.size() >= n) {
                    return l;
                }
            }
            Thread.sleep(50);
        }
        return Files.exists(out) ? Files.readAllLines(out) : List.of();
    }

    Path hookScript(Path out) throws IOException {
        Path hook = dir.resolve("hook with space.sh");
        Files.writeString(hook, "#!/bin/sh\necho \"$1 $2 $3 $UBLKSNAP_EVENT $UBLKSNAP_NAME $UBLKSNAP_TOTAL_SECTORS\" >> '" + out + "'\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        return hook;
    }

    @Test
    void warningsOncePerCrossingAndTheHookHearsThemAndTheGrowth() throws Exception {
        Path out = dir.resolve("hook.out");
        Daemon d = daemon(new Daemon.FillSettings(hookScript(out).toString(), Autoextend.OFF));
        d.handle(new Request.CreateOrigin("base", sparse("base.img", 4 << 20).toString(), 0));
        // 80 chunks: header, area 0 and 78 data chunks; the fill is (2 + exceptions) / 80
        d.handle(new Request.CreateSnapshot("s", "base", sparse("s.cow", 80 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false));
        writeOrigin("base", 0, 76);
        for (int level : FillMonitor.WARN_AT) {
            assertEquals(1, lines("warning: snapshot s is now " + level, 1), level + " %: " + log);
        }
        assertEquals(4, lines("warning: snapshot s is now", 4), log.toString());
        SnapshotInfo before = info(d, "s");
        assertTrue(before.valid());

        d.handle(new Request.Extend("s", 80 * CHUNK, true, null)); // +320k: 160 chunks
        assertEquals(160 * CHUNK, Files.size(dir.resolve("s.cow")));
        assertEquals(160 * CHUNK / 512, info(d, "s").usage().totalSectors(), "the store uses the grown COW");
        assertEquals(1, lines("grown from " + 80 * CHUNK + " to " + 160 * CHUNK), log.toString());
        writeOrigin("base", 76, 52); // (2 + 128) / 160 = 81 %
        assertEquals(5, lines("warning: snapshot s is now", 5), "80 % crossed again after the growth: " + log);
        assertEquals(1, lines("is now 80 % full (1024 of 1280 sectors", 1), log.toString());
        List<String> h = hookLines(out, 6);
        assertEquals(6, h.size(), h.toString());
        assertEquals(5, h.stream().filter(l -> l.startsWith("warning s ")).count(), h.toString());
        assertTrue(h.stream().anyMatch(l -> l.equals("extended s 48 extended s " + 160 * CHUNK / 512)), h.toString());
        assertTrue(h.getFirst().matches("warning s 8\\d warning s " + 80 * CHUNK / 512), h.getFirst());
    }

    @Test
    void autoextendKeepsTheSnapshotValidAndStaysInTheConfiguration() throws Exception {
        Daemon d = daemon(Daemon.FillSettings.NONE);
        d.handle(new Request.CreateOrigin("base", sparse("base.img", 4 << 20).toString(), 0));
        d.handle(new Request.CreateSnapshot("s", "base", sparse("s.cow", 40 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false,
                Set.of(), new Autoextend(70, 20)));
        writeOrigin("base", 0, 200); // five times what the COW first holds
        SnapshotInfo s = info(d, "s");
        assertTrue(s.valid(), s.toString());
        assertEquals(200, s.exceptions());
        assertTrue(Files.size(dir.resolve("s.cow")) > 200 * CHUNK, "grown: " + Files.size(dir.resolve("s.cow")));
        assertTrue(lines("autoextended from", 5) >= 5, log.toString());
        assertEquals(new Autoextend(70, 20), s.autoextend());
        String conf = Files.readString(dir.resolve("devices.conf"));
        assertTrue(conf.contains(" autoextend_threshold=70 autoextend_percent=20"), conf);

        long size = Files.size(dir.resolve("s.cow"));
        d.close();
        Daemon again = daemon(Daemon.FillSettings.NONE);
        again.restore();
        SnapshotInfo back = info(again, "s");
        assertTrue(back.active() && back.valid());
        assertEquals(200, back.exceptions());
        assertEquals(new Autoextend(70, 20), back.autoextend());
        assertTrue(back.usage().totalSectors() * 512 >= size, "reopened at its grown size (or grown again since)");
    }

    @Test
    void theDaemonsAutoextendAppliesToSnapshotsWithoutTheirOwn() throws Exception {
        Daemon d = daemon(new Daemon.FillSettings(null, new Autoextend(70, 50)));
        d.handle(new Request.CreateOrigin("base", sparse("base.img", 4 << 20).toString(), 0));
        d.handle(new Request.CreateSnapshot("a", "base", sparse("a.cow", 40 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false));
        d.handle(new Request.CreateSnapshot("b", "base", sparse("b.cow", 40 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false,
                Set.of(), Autoextend.OFF));
        assertEquals(new Autoextend(70, 50), info(d, "a").autoextend());
        assertNull(info(d, "b").autoextend(), "its own setting: off");
        writeOrigin("base", 0, 60);
        assertTrue(info(d, "a").valid());
        assertFalse(info(d, "b").valid(), "no autoextend: it filled up");
        assertEquals(1, lines("warning: snapshot b is invalid", 1), log.toString());
        // the operator turns it on for b: too late, b stays invalid; on a it changes the setting
        SnapshotException e = assertThrows(SnapshotException.class, () -> d.handle(new Request.Extend("b", 0, false, null)));
        assertTrue(e.getMessage().contains("invalid"), e.getMessage());
        d.handle(new Request.Extend("a", 0, false, new Autoextend(90, 10)));
        assertEquals(new Autoextend(90, 10), info(d, "a").autoextend());
    }

    @Test
    void extendRefusesWhatItCannotDoAndChangesNothing() throws Exception {
        Daemon d = daemon(Daemon.FillSettings.NONE);
        d.handle(new Request.CreateOrigin("base", sparse("base.img", 4 << 20).toString(), 0));
        d.handle(new Request.CreateSnapshot("s", "base", sparse("s.cow", 64 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false,
                EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW), null));
        String conf = Files.readString(dir.resolve("devices.conf"));
        assertTrue(conf.contains(" P 8 discard_zeroes_cow id=1\n"), conf);
        for (Request<?> bad : List.of(new Request.Extend("s", 32 * CHUNK, false, null), new Request.Extend("s", 1000 + 64 * CHUNK, false, null),
                new Request.Extend("nope", CHUNK, true, null), new Request.Extend("s", 1L << 62, true, null),
                new Request.Extend("s", -CHUNK, false, null), new Request.Extend("s", -CHUNK, true, null),
                new Request.Extend("s", Long.MIN_VALUE, true, new Autoextend(70, 20)),
                new Request.Reload("s", "snapshot " + dir.resolve("base.img") + " " + dir.resolve("s.cow") + " P 8"))) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> d.handle(bad), bad.toString());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertEquals(64 * CHUNK, Files.size(dir.resolve("s.cow")));
        assertEquals(64 * CHUNK / 512, info(d, "s").usage().totalSectors());
        assertEquals(conf, Files.readString(dir.resolve("devices.conf")));
        // a file grown underneath is taken as it is
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("s.cow").toFile(), "rw")) {
            f.setLength(100 * CHUNK);
        }
        d.handle(new Request.Extend("s", 0, false, null));
        assertEquals(100 * CHUNK / 512, info(d, "s").usage().totalSectors());
        assertNotNull(info(d, "s").features());
    }

    /**
     * A growth that hangs (a file system that stops answering) holds up no other snapshot's
     * growth, and ends at its deadline: the requests waiting for it go on (and, without room,
     * invalidate their snapshot) instead of waiting for ever.
     */
    @Test
    void aGrowthThatHangsEndsAtItsDeadlineAndHoldsUpNoOtherGrowth() throws Exception {
        CompletableFuture<Void> unblock = new CompletableFuture<>();
        Backings hangsOnA = new Backings() {
            @Override
            public io.ublksnap.ublkd.io.FileBacking open(String path) throws IOException {
                return Backings.SYSTEM.open(path);
            }

            @Override
            public SparseFiles.Created createSparse(String path, long bytes) throws IOException {
                return Backings.SYSTEM.createSparse(path, bytes);
            }

            @Override
            public long grow(io.ublksnap.ublkd.io.FileBacking cow, long bytes) throws IOException {
                if (cow.name().endsWith("/a.cow")) {
                    unblock.join();
                }
                return Backings.SYSTEM.grow(cow, bytes);
            }
        };
        Daemon d = daemon(hangsOnA, new FillMonitor.Settings(null, new Autoextend(70, 50), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        try {
            d.handle(new Request.CreateOrigin("base1", sparse("base1.img", 4 << 20).toString(), 0));
            d.handle(new Request.CreateOrigin("base2", sparse("base2.img", 4 << 20).toString(), 0));
            d.handle(new Request.CreateSnapshot("a", "base1", sparse("a.cow", 40 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false));
            d.handle(new Request.CreateSnapshot("b", "base2", sparse("b.cow", 40 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false));
            writeOrigin("base1", 0, 30); // a asks for a growth at 70 %: it hangs
            writeOrigin("base2", 0, 60); // b grows meanwhile
            assertTrue(info(d, "b").valid(), info(d, "b").toString());
            assertTrue(Files.size(dir.resolve("b.cow")) > 60 * CHUNK, "b grown: " + Files.size(dir.resolve("b.cow")));
            writeOrigin("base1", 30, 60); // a fills up: its requests wait for the hung growth, until its deadline
            assertFalse(info(d, "a").valid(), "no room without the growth: " + info(d, "a"));
            assertTrue(lines("autoextend of snapshot a did not finish within 2 s", 1) >= 1, log.toString());
        } finally {
            unblock.complete(null);
        }
    }

    /**
     * A growth that leaves the COW past its threshold asks for the next one at once, while the
     * thread of the first is still finishing: the next one goes ahead (it failed with "an earlier
     * growth has not returned" in the guest's t-autoextend).
     */
    @Test
    void growthsBackToBackAllGoAhead() throws Exception {
        Daemon d = daemon(Daemon.FillSettings.NONE);
        d.handle(new Request.CreateOrigin("base", sparse("base.img", 4 << 20).toString(), 0));
        d.handle(new Request.CreateSnapshot("s", "base", sparse("s.cow", 40 * CHUNK).toString(), StoreType.PERSISTENT, 8, 0, false,
                Set.of(), new Autoextend(50, 1))); // one chunk more each time: still past 50 %, until it is twice as big
        writeOrigin("base", 0, 100);
        SnapshotInfo s = info(d, "s");
        assertTrue(s.valid(), s.toString());
        assertTrue(lines("autoextended from", 50) >= 50, log.toString());
        assertEquals(0, lines("autoextend of snapshot s"), log.toString());
    }
}
