package io.ublksnap.ublkd.log;

import io.ublksnap.engine.EventLog;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * The daemon's log as its classes see it: one message at a level (the engine's {@link EventLog}, with the daemon's
 * helpers). It is also a {@code Consumer<String>} whose
 * {@link #accept(String)} logs at {@link Level#INFO}, so the classes that take a plain consumer of messages (and the
 * tests that hand them one to read) keep working; a class that has something worse than news to say asks for the
 * leveled face with {@link #of(Consumer)}.
 *
 * <p>Levels, as ublkd uses them (under systemd they become journal priorities, see {@link LineFormat}):
 * {@link Level#ERROR} something failed (a request answered with EIO, a loop stopped on an error, the configuration
 * could not be written); {@link Level#WARNING} something is not as asked but ublkd goes on (a device left inactive,
 * work dropped, a fallback taken); {@link Level#INFO} what an operator wants to follow (devices up and down, start,
 * stop); {@link Level#DEBUG} detail for a developer.
 */
@FunctionalInterface
public interface Log extends EventLog {

    /** As {@link #log(Level, String)}, with the stack trace of {@code thrown} after the message. */
    default void log(Level level, String message, Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        log(level, message + System.lineSeparator() + trace.toString().stripTrailing());
    }

    default void error(String message) {
        log(Level.ERROR, message);
    }

    default void warning(String message) {
        log(Level.WARNING, message);
    }

    default void info(String message) {
        log(Level.INFO, message);
    }

    default void debug(String message) {
        log(Level.DEBUG, message);
    }

    /** This log with {@code prefix} before every message, e.g. the name of the device the messages are about. */
    default Log prefixed(String prefix) {
        return (level, message) -> log(level, prefix + message);
    }

    /**
     * {@code sink} itself when it is a {@link Log}; its levels when it is an engine {@link EventLog}; otherwise a log
     * that hands it every message, whatever the level.
     */
    static Log of(Consumer<String> sink) {
        return switch (sink) {
            case Log l -> l;
            case EventLog e -> e::log;
            default -> (level, message) -> sink.accept(message);
        };
    }

    /** ublkd's own log: the {@link System.Logger} named {@code ublkd} (written by {@link StderrLoggerFinder}). */
    static Log system() {
        return SystemLog.UBLKD;
    }

    /** A {@link Log} over a {@link System.Logger}. */
    record SystemLog(System.Logger logger) implements Log {
        static final SystemLog UBLKD = new SystemLog(System.getLogger(LineFormat.UBLKD));

        @Override
        public void log(Level level, String message) {
            logger.log(level, message);
        }

        @Override
        public void log(Level level, String message, Throwable thrown) {
            logger.log(level, message, thrown);
        }
    }
}
