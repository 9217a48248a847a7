package io.ublksnap.ublkd.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How a log message becomes lines on standard error. Every line of a message (a stack trace too) carries the whole
 * prefix, so no line of it falls below a filter that its first line passes.
 *
 * <ul>
 *   <li>{@link #JOURNAL}, when standard error is systemd's journal stream: the sd-daemon priority prefix
 *   ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug and trace) that journald turns into
 *   the entry's priority, so {@code journalctl -u ublkd -p err} shows exactly the failures. No time (the journal keeps
 *   its own) and no program name (the journal has it).</li>
 *   <li>{@link #PLAIN} otherwise: {@code 2026-11-22T00:31:12.345+01:00 WARNING ublkd: message}, local time with its
 *   offset.</li>
 * </ul>
 * A logger other than ublkd's own (the JDK's, say) is named after the program: {@code ublkd: jdk.foo: message}.
 */
public enum LineFormat {
    JOURNAL,
    PLAIN;

    /** The name of ublkd's own logger. */
    public static final String UBLKD = "ublkd";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

    /** The sd-daemon priority of a level (syslog's numbers): 3, 4, 6 or 7. */
    public static int priority(Level level) {
        return switch (level) {
            case ERROR -> 3;
            case WARNING -> 4;
            case INFO -> 6;
            case DEBUG, TRACE, ALL -> 7;
            case OFF -> throw new IllegalArgumentException("OFF is a threshold, not the level of a message");
        };
    }

    /**
     * The text of one message: its lines, each prefixed, each ending with a line separator. {@code thrown} may be
     * null; its stack trace follows the message.
     */
    public String format(Instant time, ZoneId zone, String logger, Level level, String message, Throwable thrown) {
        String text = message == null ? "" : message;
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            text = text + "\n" + trace.toString().stripTrailing();
        }
        String who = UBLKD.equals(logger) ? "" : logger + ": ";
        String prefix = switch (this) {
            case JOURNAL -> "<" + priority(level) + ">" + who;
            case PLAIN -> TIME.format(time.atZone(zone)) + " " + level.getName() + " " + UBLKD + ": " + who;
        };
        StringBuilder out = new StringBuilder(prefix.length() + text.length() + 8);
        // split on \n, \r\n or \r: a bare \r would otherwise start a line the journal sees without its prefix
        for (String line : text.split("\\R", -1)) {
            out.append(prefix).append(line).append(System.lineSeparator());
        }
        return out.toString();
    }
}
