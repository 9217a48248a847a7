package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;

import java.util.Locale;

/**
 * Sizes on the command line, in bytes: a bare number is bytes ({@code 4096}); a unit multiplies
 * by a power of 1024 ({@code 64k}, {@code 16m}, {@code 1g}, {@code 2t}; case-insensitive). Whole
 * numbers only; anything that does not fit in a signed 64-bit byte count is refused, never
 * wrapped. Chunk sizes ({@link #chunkSectors}) differ: there a bare number is sectors, as in dm tables.
 */
public final class Sizes {
    private Sizes() {
    }

    public static final String HELP = "bytes, or a whole number with a unit k, m, g or t (powers of 1024), e.g. 64m or 1g";

    /** Parses {@code text} as bytes; {@code what} names the option in errors (e.g. "--create"). */
    public static long parse(String what, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty()) {
            shift = switch (t.charAt(t.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
        }
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SnapshotException("bad size '" + text + "' for " + what + ": give " + HELP);
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new SnapshotException("size '" + text + "' for " + what + " is too large");
        }
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new SnapshotException("size '" + text + "' for " + what + " is too large");
        }
        return n << shift;
    }

    /**
     * A chunk size in sectors: a bare number is sectors (as in dm tables: 16), a unit makes it bytes
     * (8k, 1m; "s" is sectors). Range and power of two are the engine's to check; this only refuses
     * what is not a whole number of sectors or does not fit in a long.
     */
    public static long chunkSectors(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && t.charAt(t.length() - 1) == 's') {
            t = t.substring(0, t.length() - 1);
            if (digits(t)) {
                return number("chunk size", text, t);
            }
        } else if (digits(t)) {
            return number("chunk size", text, t);
        }
        if (t.isEmpty() || "kmgt".indexOf(t.charAt(t.length() - 1)) < 0) {
            throw new SnapshotException("bad chunk size '" + text + "': give sectors (e.g. 16) or bytes with a unit (e.g. 8k)");
        }
        long bytes = parse("the chunk size", t);
        if (bytes % 512 != 0) {
            throw new SnapshotException("bad chunk size '" + text + "': not a whole number of 512-byte sectors");
        }
        return bytes / 512;
    }

    private static boolean digits(String t) {
        return !t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static long number(String what, String text, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new SnapshotException(what + " '" + text + "' is too large");
        }
    }

    /** As {@link #parse}, and a positive multiple of {@code multiple} bytes. */
    public static long parse(String what, String text, long multiple, String multipleName) {
        long n = parse(what, text);
        if (n <= 0 || n % multiple != 0) {
            throw new SnapshotException("bad size '" + text + "' for " + what + ": give a positive multiple of " + multipleName);
        }
        return n;
    }
}
