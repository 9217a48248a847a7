package io.ublksnap.ublkd.log;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * ublkd's backend of {@link System.Logger}, registered as the {@link System.LoggerFinder} service (in
 * {@code META-INF/services}): every logger of the process, ublkd's and the JDK's, writes to one {@link LogSink} on
 * standard error, chosen when the first logger is asked for: journal priorities under systemd, timestamps otherwise,
 * threshold from {@value LogSink#LEVEL_VARIABLE}.
 */
public final class StderrLoggerFinder extends System.LoggerFinder {

    private final LogSink sink;

    /** The service: standard error, as the environment says. */
    public StderrLoggerFinder() {
        this(LogSink.standardError(System.getenv()));
    }

    StderrLoggerFinder(LogSink sink) {
        this.sink = sink;
    }

    @Override
    public Logger getLogger(String name, Module module) {
        return new LineLogger(name, sink);
    }

    /** A named logger that writes through the sink. */
    record LineLogger(String name, LogSink sink) implements Logger {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return sink.writes(level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            sink.write(name, level, localized(bundle, msg), thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (!sink.writes(level)) {
                return;
            }
            String pattern = localized(bundle, format);
            String text;
            try {
                text = params == null || params.length == 0 ? pattern : MessageFormat.format(pattern, params);
            } catch (IllegalArgumentException e) {
                text = pattern; // a bad pattern still says something
            }
            sink.write(name, level, text, null);
        }

        private static String localized(ResourceBundle bundle, String key) {
            if (bundle == null || key == null) {
                return key;
            }
            try {
                return bundle.getString(key);
            } catch (MissingResourceException e) {
                return key;
            }
        }
    }
}
