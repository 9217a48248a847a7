package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the command line in-process against a socket of the test's own, and checks refusals. */
public final class Cli {
    public record Result(int code, String out, String err) {
    }

    private final Path socket;

    public Cli(Path socket) {
        this.socket = socket;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = socket.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Result(code, out.toString(), err.toString());
    }

    public Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), () -> "ublkd " + String.join(" ", args) + " failed: " + r.err());
        return r;
    }

    /** Exit 1 with one line that contains {@code words}. */
    public String refused(String words, String... args) {
        return refusedWith(1, words, args);
    }

    /** Bad usage: exit 2 with one line that contains {@code words}. */
    public String misused(String words, String... args) {
        return refusedWith(2, words, args);
    }

    public String refusedWith(int code, String words, String... args) {
        Result r = run(args);
        assertEquals(code, r.code(), () -> "expected exit " + code + " from " + Arrays.toString(args) + ": " + r);
        String e = r.err().strip();
        assertEquals(1, e.lines().count(), () -> "not one line: " + e);
        assertTrue(e.contains(words), () -> "'" + e + "' does not say '" + words + "'");
        assertTrue(!e.contains("Exception") && !e.contains("java."), () -> "Java internals in '" + e + "'");
        return e;
    }
}
