package io.ublksnap.ublkd.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line without a daemon: validation first, nothing created, usage errors exit 2. */
class OfflineCliTest {
    @TempDir
    Path dir;

    Cli cli() {
        return new Cli(dir.resolve("no.sock"));
    }

    @Test
    void originWithABadNameCreatesNothing() {
        Path sub = dir.resolve("some/dir");
        cli().refused("bad name", "origin", "bad/name", sub.resolve("o.img").toString(), "--create", "1G");
        assertFalse(Files.exists(dir.resolve("some")), "directories were created");
    }

    @Test
    void withoutADaemonNothingIsCreated() {
        Path img = dir.resolve("new/o.img");
        cli().refused("not running", "origin", "base", img.toString(), "--create", "1G");
        cli().refused("not running", "snapshot", "s", "--origin", "base", "--cow", dir.resolve("new/s.cow").toString(), "--create", "64M");
        assertFalse(Files.exists(dir.resolve("new")), "files were created without a daemon");
    }

    @Test
    void sizesAreBytesWithUnitsAndOverflowIsRefused() {
        Path img = dir.resolve("o.img");
        cli().refused("bad size", "origin", "base", img.toString(), "--create", "36028797018963976");
        cli().refused("too large", "origin", "base", img.toString(), "--create", "8796093022209g");
        cli().refused("bad size", "origin", "base", img.toString(), "--create", "-4k");
        cli().refused("bad size", "origin", "base", img.toString(), "--create", "1.5G");
        assertFalse(Files.exists(img));
    }

    @Test
    void usageErrorsExitTwoAndKeepSuggestions() {
        cli().misused("inspect", "cow");
        cli().misused("NAME", "load");
        String e = cli().misused("status", "stauts");
        assertTrue(e.contains("did you mean") || e.contains("Did you mean"), e);
        String o = cli().misused("--json", "status", "--jsno");
        assertTrue(o.toLowerCase().contains("did you mean"), o);
    }

    @Test
    void featuresWithoutADaemonAskTheKernel() {
        // this host has no ublk driver: the kernel is asked, and says so (with a daemon, the daemon answers: CliVmTest)
        cli().refused("this kernel has no ublk driver", "features");
    }

    @Test
    void loadFileThatDoesNotExistIsNamed() {
        cli().refused("no such file", "load", "--file", dir.resolve("nonexistent").toString());
    }
}
