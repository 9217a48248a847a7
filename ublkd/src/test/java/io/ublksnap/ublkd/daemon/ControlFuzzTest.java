package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Origin;
import io.ublksnap.ublkd.control.ControlServer;
import io.ublksnap.ublkd.control.Wire;
import io.ublksnap.ublkd.io.FileBacking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the control protocol: the request parser and the daemon's dispatcher, fed a fixed budget of
 * requests mutated from a small corpus (src/test/resources/fuzz), deterministically (seeded). Every
 * input must get one line of JSON, an error naming the problem without Java internals, and nothing
 * may hang or fail inside the daemon. The daemon works on the real engine and files, inside this
 * test's directory (paths outside it are refused), with devices that are only names.
 */
class ControlFuzzTest {
    static final int BUDGET = Integer.getInteger("fuzz.control.inputs", 20_000);
    static final long SEED = Long.getLong("fuzz.control.seed", 0x75626c6bL);

    @TempDir
    Path dir;

    static final String[] TOKENS = {"null", "[", "]", "{", "}", "\"", "\\u", "\\", ",", ":", "1e400", "-1", "0", "01", "+1",
            "9223372036854775807", "9223372036854775808", "4294967304", "2097152", "true", "\"\"", "\u0000", "\n", "\u00e9",
            "\ud800", "/", "..", "#", " ", "\"op\"", "\"name\"", "\"create\"", "\"chunk\"", "\"table\""};
    static final Object[] VALUES = {null, "", "x", "o1", "s1", "/", "/etc/passwd", "../o1.img", "bad/name", "P", "PO", "N", "Q",
            0, -1, 1, 8, 12, 4096, 2097152, 4194304, 4294967304L, Long.MAX_VALUE, 1.5, 1e300, true, false,
            List.of(), List.of(1, 2), Map.of(), Map.of("op", "ping"), "0 1 snapshot 1:2 3:4 P 8", "snapshot-origin",
            "x".repeat(5000), "\u0001", "\ud83d\ude00"};

    /** Files and devices only inside the test's directory, and modest sizes. */
    static Backings jail(Path root) {
        return new Backings() {
            @Override
            public FileBacking open(String path) throws IOException {
                inside(path);
                return Backings.SYSTEM.open(path);
            }

            @Override
            public SparseFiles.Created createSparse(String path, long bytes) throws IOException {
                inside(path);
                if (bytes > (64L << 20)) {
                    throw new IOException("the fuzz test creates at most 64 MiB");
                }
                return Backings.SYSTEM.createSparse(path, bytes);
            }

            private void inside(String path) throws IOException {
                if (!Path.of(path).normalize().startsWith(root)) {
                    throw new IOException("outside the fuzz test's directory: " + path);
                }
            }
        };
    }

    @Test
    void mutatedRequestsGetOneLineAnswersAndNothingFailsInside() throws Exception {
        for (String f : List.of("o1.img", "o3.img")) {
            try (RandomAccessFile r = new RandomAccessFile(dir.resolve(f).toFile(), "rw")) {
                r.setLength(16 << 20);
            }
        }
        for (String f : List.of("s1.cow", "s2.cow", "s4.cow")) {
            try (RandomAccessFile r = new RandomAccessFile(dir.resolve(f).toFile(), "rw")) {
                r.setLength(8 << 20);
            }
        }
        List<String> corpus = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/fuzz/control-requests.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    corpus.add(line.replace("@DIR@", dir.toString()));
                }
            }
        }
        List<String> log = new ArrayList<>();
        Daemon daemon = new Daemon(new FakeHost(), new EngineLifecycle(Origin.Options.DEFAULT), jail(dir), null /* no config: its synced writes would dominate the time */, null,
                null, msg -> {
                    synchronized (log) {
                        log.add(msg);
                    }
                }, new Daemon.Options(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        ControlServer server = ControlServer.bind(dir.resolve("u.sock"), daemon, stop -> { }, log::add, Duration.ofSeconds(1));
        Random rnd = new Random(SEED);
        int ok = 0;
        try {
            int[] okCount = new int[1];
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                for (int i = 0; i < BUDGET; i++) {
                    byte[] input = mutate(rnd, corpus);
                    String answer = server.answer(input).text();
                    if (check(answer, input, i)) {
                        okCount[0]++;
                    }
                }
            });
            ok = okCount[0];
        } finally {
            server.close();
            daemon.close();
        }
        System.out.println("control fuzz: " + BUDGET + " inputs (seed " + SEED + "), " + ok + " accepted, "
                + (BUDGET - ok) + " refused with one line, 0 internal errors");
        assertEquals(0, server.internalErrors(), () -> "internal errors: " + log);
        synchronized (log) {
            for (String m : log) {
                assertTrue(!m.contains("Exception") && !m.contains("\tat "), "the log has Java internals: " + m);
            }
        }
        assertTrue(ok > BUDGET / 50, "too few inputs got through the parser (" + ok + "): the fuzzer does not reach the daemon");
    }

    /** The answer is one line of JSON: ok true, or ok false with a one-line error naming no Java class. */
    private static boolean check(String answer, byte[] input, int i) {
        String shown = "input " + i + ": " + new String(input, StandardCharsets.UTF_8).replace("\n", "\\n");
        if (answer.indexOf('\n') >= 0) {
            fail("answer of more than one line to " + shown + ": " + answer);
        }
        if (!(Wire.parse(answer) instanceof Map<?, ?> m)) {
            fail("answer is not a JSON object: " + answer + " to " + shown);
            return false;
        }
        if (Boolean.TRUE.equals(m.get("ok"))) {
            return true;
        }
        if (!(m.get("error") instanceof String e) || e.isBlank() || e.contains("Exception") || e.contains("java.")
                || e.contains("cannot be cast") || e.contains("class ") || e.contains("internal error")) {
            fail("bad error " + m.get("error") + " for " + shown);
        }
        return false;
    }

    private static byte[] mutate(Random rnd, List<String> corpus) {
        String base = corpus.get(rnd.nextInt(corpus.size()));
        if (rnd.nextInt(3) == 0) {
            return structural(rnd, base).getBytes(StandardCharsets.UTF_8);
        }
        byte[] b = base.getBytes(StandardCharsets.UTF_8);
        int steps = 1 + rnd.nextInt(4);
        for (int s = 0; s < steps; s++) {
            b = switch (rnd.nextInt(7)) {
                case 0 -> { // flip or set a byte
                    byte[] c = b.clone();
                    if (c.length > 0) {
                        int p = rnd.nextInt(c.length);
                        c[p] = rnd.nextBoolean() ? (byte) (c[p] ^ (1 << rnd.nextInt(8))) : (byte) rnd.nextInt(256);
                    }
                    yield c;
                }
                case 1 -> { // delete a range
                    if (b.length < 2) {
                        yield b;
                    }
                    int p = rnd.nextInt(b.length);
                    int n = 1 + rnd.nextInt(Math.min(8, b.length - p));
                    yield concat(Arrays.copyOf(b, p), Arrays.copyOfRange(b, p + n, b.length));
                }
                case 2 -> insert(b, rnd, TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 3 -> { // duplicate a range
                    if (b.length < 2) {
                        yield b;
                    }
                    int p = rnd.nextInt(b.length);
                    int n = 1 + rnd.nextInt(Math.min(16, b.length - p));
                    yield insert(b, rnd, Arrays.copyOfRange(b, p, p + n));
                }
                case 4 -> { // splice with another entry
                    byte[] o = corpus.get(rnd.nextInt(corpus.size())).getBytes(StandardCharsets.UTF_8);
                    int p = rnd.nextInt(b.length + 1);
                    int q = rnd.nextInt(o.length + 1);
                    yield concat(Arrays.copyOf(b, p), Arrays.copyOfRange(o, q, o.length));
                }
                case 5 -> Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
                default -> rnd.nextInt(20) == 0 ? ("[".repeat(1 + rnd.nextInt(20_000))).getBytes(StandardCharsets.UTF_8) : b;
            };
        }
        return b;
    }

    /** A valid JSON object whose fields were changed, added or dropped: reaches the typed checks and the daemon. */
    private static String structural(Random rnd, String base) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) Wire.parse(base));
        List<String> keys = new ArrayList<>(m.keySet());
        switch (rnd.nextInt(4)) {
            case 0 -> m.put(keys.get(rnd.nextInt(keys.size())), VALUES[rnd.nextInt(VALUES.length)]);
            case 1 -> m.remove(keys.get(rnd.nextInt(keys.size())));
            case 2 -> m.put(List.of("name", "path", "cow", "origin", "store", "chunk", "create", "table", "op", "extra")
                    .get(rnd.nextInt(10)), VALUES[rnd.nextInt(VALUES.length)]);
            default -> {
                if (m.get("table") instanceof String t) {
                    String[] w = t.split(" ");
                    w[rnd.nextInt(w.length)] = String.valueOf(VALUES[rnd.nextInt(VALUES.length)]);
                    m.put("table", String.join(" ", w));
                }
            }
        }
        return Wire.write(m);
    }

    private static byte[] insert(byte[] b, Random rnd, byte[] what) {
        int p = rnd.nextInt(b.length + 1);
        return concat(concat(Arrays.copyOf(b, p), what), Arrays.copyOfRange(b, p, b.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
