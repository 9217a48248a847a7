package io.ublksnap.ublkd.log;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The lines ublkd's log writes, under the journal and not, and which of them a threshold lets through. */
class LineFormatTest {

    static final Instant T = Instant.parse("2026-11-22T00:31:12.345Z");
    static final String NL = System.lineSeparator();

    /** The levels a message can have (OFF is a threshold only). */
    static final EnumSet<Level> MESSAGE_LEVELS = EnumSet.complementOf(EnumSet.of(Level.OFF));

    @Test
    void underTheJournalEachLineCarriesItsPriorityAndNothingElse() {
        assertEquals("<3>request failed" + NL, journal(Level.ERROR, "request failed"));
        assertEquals("<4>fill 80%" + NL, journal(Level.WARNING, "fill 80%"));
        assertEquals("<6>origin base is /dev/ublkb0" + NL, journal(Level.INFO, "origin base is /dev/ublkb0"));
        assertEquals("<7>detail" + NL, journal(Level.DEBUG, "detail"));
        assertEquals("<7>more detail" + NL, journal(Level.TRACE, "more detail"));
        assertEquals("<6>jdk.event: hello" + NL,
                LineFormat.JOURNAL.format(T, ZoneOffset.UTC, "jdk.event", Level.INFO, "hello", null));
    }

    @Test
    void everyLineOfAMessageAndItsStackTraceKeepsThePriority() {
        String out = LineFormat.JOURNAL.format(T, ZoneOffset.UTC, "ublkd", Level.ERROR, "first\nsecond\r\nthird\rfourth",
                new IllegalStateException("boom"));
        List<String> lines = out.lines().toList();
        assertTrue(lines.size() > 5, out);
        assertEquals(List.of("<3>first", "<3>second", "<3>third", "<3>fourth", "<3>java.lang.IllegalStateException: boom"),
                lines.subList(0, 5));
        for (String line : lines) {
            assertTrue(line.startsWith("<3>"), "a line a filter on err would lose: " + line);
        }
    }

    @Test
    void plainLinesHaveTheLocalTimeWithItsOffsetAndTheLevel() {
        assertEquals("2026-11-22T00:31:12.345Z WARNING ublkd: cannot create /dev/ublksnap/a" + NL,
                LineFormat.PLAIN.format(T, ZoneOffset.UTC, "ublkd", Level.WARNING, "cannot create /dev/ublksnap/a", null));
        assertEquals("2026-11-22T01:31:12.345+01:00 ERROR ublkd: a" + NL + "2026-11-22T01:31:12.345+01:00 ERROR ublkd: b" + NL,
                LineFormat.PLAIN.format(T, ZoneId.of("Europe/Paris"), "ublkd", Level.ERROR, "a\nb", null));
        assertEquals("2026-11-22T00:31:12.345Z INFO ublkd: jdk.x: m" + NL,
                LineFormat.PLAIN.format(T, ZoneOffset.UTC, "jdk.x", Level.INFO, "m", null));
    }

    @Test
    void prioritiesFollowSeveritySoAJournalFilterKeepsWhatTheThresholdKeeps() {
        for (Level a : MESSAGE_LEVELS) {
            int p = LineFormat.priority(a);
            assertTrue(p >= 3 && p <= 7, a + " -> " + p);
            for (Level b : MESSAGE_LEVELS) {
                if (a.getSeverity() > b.getSeverity()) {
                    assertTrue(LineFormat.priority(a) <= LineFormat.priority(b), a + " is worse than " + b);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> LineFormat.priority(Level.OFF));
    }

    @Test
    void aThresholdWritesEveryMessageAtOrAboveItAndNothingBelow() {
        for (Level threshold : Level.values()) {
            for (LineFormat format : LineFormat.values()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                LogSink sink = new LogSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), format, threshold,
                        Clock.fixed(T, ZoneOffset.UTC));
                System.Logger logger = new StderrLoggerFinder(sink).getLogger("ublkd", getClass().getModule());
                List<String> expected = new ArrayList<>();
                for (Level level : MESSAGE_LEVELS) {
                    logger.log(level, "message at " + level);
                    boolean kept = threshold != Level.OFF && level.getSeverity() >= threshold.getSeverity();
                    assertEquals(kept, logger.isLoggable(level), threshold + "/" + level);
                    if (kept) {
                        expected.add(format.format(T, ZoneOffset.UTC, "ublkd", level, "message at " + level, null));
                    }
                }
                assertEquals(String.join("", expected), bytes.toString(StandardCharsets.UTF_8), threshold + " " + format);
            }
        }
    }

    @Test
    void thresholdNamesAndMessageParameters() {
        assertEquals(Level.INFO, LogSink.threshold(null));
        assertEquals(Level.INFO, LogSink.threshold(""));
        assertEquals(Level.ERROR, LogSink.threshold("err"));
        assertEquals(Level.WARNING, LogSink.threshold(" Warning "));
        assertEquals(Level.DEBUG, LogSink.threshold("DEBUG"));
        assertEquals(Level.OFF, LogSink.threshold("off"));
        assertNull(LogSink.threshold("loud"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogSink sink = new LogSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), LineFormat.JOURNAL, Level.INFO,
                Clock.fixed(T, ZoneOffset.UTC));
        System.Logger logger = new StderrLoggerFinder(sink).getLogger("ublkd", getClass().getModule());
        logger.log(Level.WARNING, "{0} is {1}% full", "snap1", 85);
        logger.log(Level.ERROR, "no parameters: {0}");
        logger.log(Level.ERROR, "bad pattern {", "x");
        assertEquals("<4>snap1 is 85% full" + NL + "<3>no parameters: {0}" + NL + "<3>bad pattern {" + NL,
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theServiceIsUblkdsOwnFinder() {
        assertInstanceOf(StderrLoggerFinder.class, System.LoggerFinder.getLoggerFinder(),
                "META-INF/services registers the finder");
        assertInstanceOf(StderrLoggerFinder.LineLogger.class, System.getLogger("ublkd"));
    }

    @Test
    void aPlainConsumerGetsEveryLevelAndAcceptIsInfo() {
        List<String> seen = new ArrayList<>();
        Log plain = Log.of(seen::add);
        plain.error("e");
        plain.warning("w");
        plain.info("i");
        plain.debug("d");
        assertEquals(List.of("e", "w", "i", "d"), seen);

        List<String> leveled = new ArrayList<>();
        Log log = (level, message) -> leveled.add(level + " " + message);
        assertSame(log, Log.of(log));
        log.accept("news");
        log.log(Level.ERROR, "failed", new RuntimeException("why"));
        assertEquals("INFO news", leveled.get(0));
        assertTrue(leveled.get(1).startsWith("ERROR failed" + NL + "java.lang.RuntimeException: why"), leveled.get(1));
    }

    private static String journal(Level level, String message) {
        return LineFormat.JOURNAL.format(T, ZoneOffset.UTC, "ublkd", level, message, null);
    }
}
