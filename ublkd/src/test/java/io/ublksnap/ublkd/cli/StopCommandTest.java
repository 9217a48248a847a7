package io.ublksnap.ublkd.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ExecStop= tells a restart (hand over) from a stop (delete) by systemd's job for the unit. */
class StopCommandTest {
    @Test
    void onlyARestartJobOfTheUnitHandsOver() {
        assertTrue(StopCommand.jobIsRestart("4711 ublkd.service restart running\n", "ublkd.service"));
        assertTrue(StopCommand.jobIsRestart("  12 ublkd.service try-restart running\n", "ublkd.service"));
        assertFalse(StopCommand.jobIsRestart("4711 ublkd.service stop running\n", "ublkd.service"));
        assertFalse(StopCommand.jobIsRestart("4712 other.service restart waiting\n4711 ublkd.service stop running\n", "ublkd.service"));
        assertFalse(StopCommand.jobIsRestart("", "ublkd.service"), "no job: a stop by other means (SIGTERM, 'ublkd stop')");
        assertFalse(StopCommand.jobIsRestart("No jobs running.\n", "ublkd.service"));
    }
}
