package io.ublksnap.ublkd;

import io.ublksnap.ublkd.control.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI against a real daemon on real ublk devices, all in one JVM (the daemon runs in-process):
 * refusals, dm table loading, status output, and a table reload with handover under I/O.
 * Runs in the VM (tag "vm").
 */
@Tag("vm")
class CliVmTest {
    static Path dir;
    static Path sock;
    static Thread daemon;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = sock.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Result(code, out.toString(), err.toString());
    }

    static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), () -> "ublkd " + String.join(" ", args) + " failed: " + r.err());
        return r;
    }

    static void refused(String words, String... args) {
        refusedWith(1, words, args);
    }

    /** Bad usage (unknown option, missing argument): exit code 2. */
    static void misused(String words, String... args) {
        refusedWith(2, words, args);
    }

    static void refusedWith(int code, String words, String... args) {
        Result r = run(args);
        assertEquals(code, r.code(), () -> "expected a refusal of " + Arrays.toString(args) + ": " + r);
        String e = r.err().strip();
        assertEquals(1, e.lines().count(), () -> "not one line: " + e);
        assertTrue(e.contains(words), () -> "'" + e + "' does not say '" + words + "'");
        System.out.println("refused: " + e);
    }

    static Path sparse(String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    @BeforeAll
    static void startDaemon() throws Exception {
        dir = Files.createTempDirectory("cli-vm");
        sock = dir.resolve("ublkd.sock");
        daemon = Thread.ofPlatform().name("serve").start(() -> Main.execute("--socket", sock.toString(), "serve",
                "--config", dir.resolve("devices.conf").toString(), "--links", dir.resolve("links").toString(),
                "--run-dir", dir.resolve("run").toString(),
                "--queues", "2", "--depth", "32"));
        ok("wait", "--timeout", "120");
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        ok("stop");
        daemon.join(120_000);
    }

    @Test
    void refusalsAreOneLineAndChangeNothing() throws IOException {
        Path origin = sparse("origin.img", 64 << 20);
        Path cow = sparse("ok.cow", 64 << 20);
        sparse("tiny.cow", 6 << 10);
        ok("origin", "base", origin.toString());
        ok("snapshot", "good", "--origin", "base", "--cow", cow.toString());
        String listBefore = ok("list").out();
        byte[] confBefore = Files.readAllBytes(dir.resolve("devices.conf"));
        Path junk = sparse("junk.cow", 16 << 20);
        try (FileChannel ch = FileChannel.open(junk, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("XFSB-not-a-cow".getBytes()), 0);
        }
        byte[] junkBefore = Files.readAllBytes(junk);

        refused("unknown origin", "snapshot", "s1", "--origin", "nosuch", "--cow", dir.resolve("x.cow").toString(), "--create", "16M");
        assertTrue(!Files.exists(dir.resolve("x.cow")), "a refused snapshot created its COW");
        refused("in use by snapshot good", "snapshot", "s2", "--origin", "base", "--cow", cow.toString());
        refused("in use by origin base", "snapshot", "s3", "--origin", "base", "--cow", origin.toString());
        refused("too small", "snapshot", "s4", "--origin", "base", "--cow", dir.resolve("tiny.cow").toString(), "--chunk", "8");
        refused("bad chunk size", "snapshot", "s5", "--origin", "base", "--cow", dir.resolve("c5.cow").toString(), "--create", "16M", "--chunk", "12");
        refused("bad chunk size", "snapshot", "s6", "--origin", "base", "--cow", dir.resolve("c6.cow").toString(), "--create", "16M", "--chunk", "4096m");
        refused("no such file", "origin", "o2", dir.resolve("missing.img").toString());
        refused("no such file", "snapshot", "s7", "--origin", "base", "--cow", dir.resolve("missing.cow").toString());
        refused("exists already", "origin", "base", cow.toString());
        refused("bad store type", "snapshot", "s8", "--origin", "base", "--cow", dir.resolve("c8.cow").toString(), "--create", "16M", "--store", "Q");
        refused("bad name", "origin", "bad/name", origin.toString());
        refused("not a snapshot COW", "snapshot", "s9", "--origin", "base", "--cow", junk.toString());
        refused("still has snapshots", "remove", "base");
        refused("unknown device", "remove", "nosuch");
        refused("unknown target", "load", "x", "0 100 linear /dev/null 0");
        refused("snapshot-origin takes one argument", "load", "x", "snapshot-origin");
        refused("unknown snapshot", "merge", "nosuch");
        ok("snapshot", "tr", "--origin", "base", "--cow", dir.resolve("tr.cow").toString(), "--create", "16M", "--store", "N");
        refused("transient (N)", "merge", "tr");
        ok("remove", "tr");
        refused("must keep the COW", "reload", "good", "--table", "snapshot " + origin + " " + dir.resolve("other.cow") + " P 16");
        misused("a command is needed");
        misused("Unknown option", "status", "--frobnicate");
        misused("Missing required option", "snapshot", "s10", "--cow", "x");

        assertEquals(listBefore, ok("list").out(), "a refused command changed the devices");
        assertArrayEquals(confBefore, Files.readAllBytes(dir.resolve("devices.conf")), "a refused command changed the configuration");
        assertArrayEquals(junkBefore, Files.readAllBytes(junk), "the refused COW was written to");
        ok("remove", "good");
        ok("remove", "base");
    }

    @Test
    void loadsDmTablesAndPrintsDmStatus() throws IOException {
        Path origin = sparse("t-origin.img", 32 << 20);
        Path cow = sparse("t.cow", 16 << 20);
        ok("load", "t-base", "0", String.valueOf((32 << 20) / 512), "snapshot-origin", origin.toString());
        ok("load", "t-snap", "snapshot", origin.toString(), cow.toString(), "PO", "16");
        String table = ok("status", "--table").out();
        assertTrue(table.contains("t-base: 0 65536 snapshot-origin " + origin.toRealPath()), table);
        assertTrue(table.contains("t-snap: 0 65536 snapshot " + origin.toRealPath() + " " + cow.toRealPath() + " PO 16"), table);
        String status = ok("status", "t-snap").out().strip();
        assertEquals("t-snap: 0 65536 snapshot 32/32768 32", status);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Wire.parse(ok("status", "t-snap", "--json").out());
        assertEquals("snapshot", json.get("role"));
        assertEquals("PO", json.get("store"));
        assertEquals(16L, ((Number) json.get("chunk_sectors")).longValue());
        assertEquals("active", json.get("state"));
        assertTrue(String.valueOf(json.get("device")).startsWith("/dev/ublkb"));
        ok("remove", "t-snap");
        ok("remove", "t-base");
    }

    @Test
    void reloadHandsTheExceptionsOverWhileIoRuns() throws Exception {
        Path origin = sparse("h-origin.img", 64 << 20);
        Path cow = sparse("h.cow", 64 << 20);
        ok("origin", "h-base", origin.toString());
        ok("snapshot", "h-snap", "--origin", "h-base", "--cow", cow.toString(), "--store", "P", "--chunk", "8");
        String base = devOf("h-base");
        String snap = devOf("h-snap");
        byte[] before = read(base, 0, 8 << 20);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (String dev : List.of(base, snap)) {
            writers.add(Thread.ofPlatform().start(() -> {
                Random rnd = new Random(dev.hashCode());
                ByteBuffer b = ByteBuffer.allocateDirect(8192).alignedSlice(4096);
                try (FileChannel ch = FileChannel.open(Path.of(dev), StandardOpenOption.WRITE,
                        com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
                    while (!stop.get()) {
                        b.clear();
                        while (b.hasRemaining()) {
                            b.put((byte) rnd.nextInt());
                        }
                        b.flip();
                        ch.write(b, (long) (2048 + rnd.nextInt(8000)) * 4096);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }));
        }
        Thread.sleep(2000);
        long exceptionsBefore = exceptions("h-snap");
        ok("reload", "h-snap", "--table", "snapshot " + origin + " " + cow + " PO 8");
        Thread.sleep(2000);
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        assertNull(failure.get(), () -> "I/O failed across the reload: " + failure.get());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Wire.parse(ok("status", "h-snap", "--json").out());
        assertEquals("PO", j.get("store"));
        assertEquals("active", j.get("state"));
        assertTrue(((Number) j.get("exceptions")).longValue() >= exceptionsBefore, "exceptions lost in the handover");
        // The snapshot's first 8 MiB were never written through it: still the origin's old data.
        assertArrayEquals(before, read(snap, 0, 8 << 20), "the snapshot's image changed across the handover");
        ok("remove", "h-snap");
        ok("remove", "h-base");
    }

    /**
     * Request buffers are pinned (registered with the ring) tag by tag, when a tag first serves a
     * request, not all at once when a device starts: an origin with 4 idle snapshots does not hold
     * 5 devices x 2 queues x 32 tags x 128 KiB of locked memory (under steady I/O every tag serves
     * soon: blk-mq hands tags out in turn). The pinned memory is the kernel's
     * own count (VmPin); the tags that served stay pinned, and I/O still runs on them.
     */
    @Test
    void requestBuffersArePinnedOnlyForTagsThatServe() throws Exception {
        long pin0 = vmPinKb();
        Path origin = sparse("p-origin.img", 64 << 20);
        ok("origin", "p-base", origin.toString());
        for (int i = 1; i <= 4; i++) {
            ok("snapshot", "p-s" + i, "--origin", "p-base", "--cow", sparse("p" + i + ".cow", 16 << 20).toString(), "--chunk", "8");
        }
        long idle = vmPinKb() - pin0;
        long eager = 5L * 2 * 32 * 128;
        System.out.printf("pinned with an origin and 4 idle snapshots: %d KiB (all tags: %d KiB)%n", idle, eager);
        // The kernel's partition scan of each new device reads a few blocks, and blk-mq hands out the
        // next tag for each request: some 20 tags per device have served by now (14,336 KiB in the
        // 6.12 guest), against 40,960 KiB when every tag was pinned at the start.
        assertTrue(idle <= eager / 2, "idle devices pin " + idle + " KiB of request buffers");
        String base = devOf("p-base");
        ByteBuffer b = ByteBuffer.allocateDirect(128 << 10).alignedSlice(4096);
        try (FileChannel ch = FileChannel.open(Path.of(base), StandardOpenOption.READ, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            for (int i = 0; i < 64; i++) {
                b.clear();
                b.putLong(0, i);
                ch.write(b, (long) i * b.capacity());
            }
            for (int i = 0; i < 64; i++) {
                b.clear();
                ch.read(b, (long) i * b.capacity());
                assertEquals(i, b.getLong(0), "block " + i + " read back");
            }
        }
        long served = vmPinKb() - pin0;
        System.out.printf("pinned after I/O on the origin: %d KiB%n", served);
        // The origin's tags may all have served already (its snapshots' creation and the partition scans
        // send it requests, each on the next tag): what served stays pinned, and nothing beyond all tags.
        // With zero copy (UBLK_F_AUTO_BUF_REG, Linux 6.16+) nothing of ublkd's is pinned at all: 0 and 0.
        assertTrue(served >= idle && served <= eager, "pinned after I/O on the origin: " + served + " KiB");
        for (int i = 1; i <= 4; i++) {
            ok("remove", "p-s" + i);
        }
        ok("remove", "p-base");
        // The kernel unpins a closed ring's buffers in its exit work, a little after the close: wait for it.
        long deadline = System.nanoTime() + 30_000_000_000L;
        long left;
        while ((left = vmPinKb() - pin0) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(left <= 0, "removed devices still pin " + left + " KiB after 30 s");
    }

    /** The memory this process has pinned (pin_user_pages: io_uring's fixed buffers), as the kernel counts it. */
    private static long vmPinKb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmPin:")) {
                return Long.parseLong(l.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no VmPin in /proc/self/status");
    }

    private static long exceptions(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Wire.parse(ok("status", name, "--json").out());
        return ((Number) j.get("exceptions")).longValue();
    }

    private static String devOf(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Wire.parse(ok("status", name, "--json").out());
        return (String) j.get("device");
    }

    private static byte[] read(String dev, long offset, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(Path.of(dev), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(len);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    break;
                }
            }
            return b.array();
        }
    }
}
