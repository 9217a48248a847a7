package io.ublksnap.ublkd.log;

import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * Where every logger of the process writes: one stream, one {@link LineFormat}, one threshold. A message is written
 * whole (all its lines in one write, under the stream's lock), so messages from different threads never interleave.
 *
 * @param out       the stream (standard error)
 * @param format    journal priorities or timestamps
 * @param threshold the least severe level written; {@link Level#OFF} writes nothing
 * @param clock     the time of plain lines
 */
public record LogSink(PrintStream out, LineFormat format, Level threshold, Clock clock) {

    /** The environment variable that sets the threshold: error, warning, info (the default), debug or trace. */
    public static final String LEVEL_VARIABLE = "UBLKD_LOG_LEVEL";

    /** Standard error, in the format and at the threshold the environment asks for. */
    static LogSink standardError(Map<String, String> env) {
        LineFormat format = JournalStream.isStderr(env.get("JOURNAL_STREAM")) ? LineFormat.JOURNAL : LineFormat.PLAIN;
        String asked = env.get(LEVEL_VARIABLE);
        Level threshold = threshold(asked);
        LogSink sink = new LogSink(System.err, format, threshold == null ? Level.INFO : threshold,
                Clock.systemDefaultZone());
        if (threshold == null && asked != null) {
            sink.write(LineFormat.UBLKD, Level.WARNING, "bad " + LEVEL_VARIABLE + "=" + asked
                    + ": one of error, warning, info, debug, trace, off; logging at info", null);
        }
        return sink;
    }

    /** The level a threshold's name stands for, null when it names none (empty: info). */
    static Level threshold(String name) {
        if (name == null || name.isBlank()) {
            return Level.INFO;
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "err", "error" -> Level.ERROR;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            case "trace", "all" -> Level.TRACE;
            case "off" -> Level.OFF;
            default -> null;
        };
    }

    /** Whether a message at {@code level} is written. */
    public boolean writes(Level level) {
        return level != Level.OFF && threshold != Level.OFF && level.getSeverity() >= threshold.getSeverity();
    }

    /** Writes one message if its level passes the threshold. */
    public void write(String logger, Level level, String message, Throwable thrown) {
        if (!writes(level)) {
            return;
        }
        String text = format.format(clock.instant(), clock.getZone(), logger, level, message, thrown);
        synchronized (out) {
            out.print(text);
            out.flush();
        }
    }
}
