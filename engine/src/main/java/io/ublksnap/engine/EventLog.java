package io.ublksnap.engine;

import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * Where the engine says what happened to an origin and its snapshots, and how bad it is: {@link Level#ERROR} a
 * snapshot became unusable or a write to it fails (invalidated, overflowed, lost, a merge that failed);
 * {@link Level#WARNING} it goes on otherwise than asked (a COW marked invalid at open, a header's chunk size over the
 * requested one, a handover cancelled); {@link Level#INFO} news (a merge started or ended).
 *
 * <p>A plain {@code Consumer<String>} handed to {@link Origin} gets every message, whatever its level
 * ({@link #of(Consumer)}); {@link #accept(String)} is {@link Level#INFO}. Implementations must not throw and must not
 * call back into the engine: messages are written under the origin's lock.
 */
@FunctionalInterface
public interface EventLog extends Consumer<String> {

    /** One message (one line or several) at {@code level}. */
    void log(Level level, String message);

    @Override
    default void accept(String message) {
        log(Level.INFO, message);
    }

    /** {@code sink} itself when it knows levels; otherwise a log that hands it every message. */
    static EventLog of(Consumer<String> sink) {
        return sink instanceof EventLog e ? e : (level, message) -> sink.accept(message);
    }
}
