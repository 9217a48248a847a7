package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the daemon gracefully: finish requests in flight, commit metadata, flush, delete the devices"
                + " (or, with --hand-over, leave them to the next ublkd).",
        footer = {"", "Merges pause and resume at the next start.", "",
                "--hand-over is a planned restart or an upgrade: the devices stay (/dev/ublkbN, /dev/ublksnap/NAME, mounts),",
                "their requests wait, and the next 'ublkd serve' on the same socket takes them over (kernel ublk user",
                "recovery): users see a stall, no error. The unit file stops with --hand-over-on-restart ublkd.service, so",
                "that 'systemctl restart ublkd' (and a package upgrade) hands over and 'systemctl stop ublkd' removes.", "",
                "Examples:", "  ublkd stop", "  ublkd stop --hand-over && ublkd serve --config /etc/ublksnap/devices.conf"})
public final class StopCommand extends ClientCommand {
    @Option(names = "--hand-over", description = "Leave the devices to the next ublkd instead of deleting them.")
    boolean handOver;

    @Option(names = "--hand-over-on-restart", paramLabel = "UNIT",
            description = "Hand over when systemd is restarting UNIT (its job is a restart), delete the devices otherwise (for ExecStop=).")
    String unit;

    @Option(names = "--main-pid", paramLabel = "PID",
            description = "Stop only the daemon with this process id; empty: there is none, do nothing (for ExecStop=, with systemd's $MAINPID).")
    String mainPid;

    @Override
    public Integer call() throws Exception {
        long pid = 0;
        if (mainPid != null) {
            if (mainPid.isBlank()) {
                // systemd runs ExecStop= also after the main process died: a daemon answering now was
                // started by someone else, and is not this unit's to stop.
                err().println("ublkd stop: the unit has no main process (it died): nothing to stop");
                return 0;
            }
            try {
                pid = Long.parseLong(mainPid.strip());
            } catch (NumberFormatException e) {
                pid = -1;
            }
            if (pid <= 0 || pid > Integer.MAX_VALUE) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "bad --main-pid '" + mainPid + "': a process id, or empty");
            }
        }
        boolean keep = handOver || unit != null && restarting(unit);
        call(new Request.Stop(keep, pid));
        // Wait until the socket goes away: the devices are gone (or left) then.
        for (int i = 0; i < 600 && java.nio.file.Files.exists(main.socket); i++) {
            Thread.sleep(100);
        }
        return 0;
    }

    /**
     * Whether systemd's job for {@code unit} is a restart: while a restart job stops a unit, its
     * ExecStop= runs under the job, listed with type "restart" (try-restart and reload-or-restart
     * become restart jobs too); a stop job is "stop".
     */
    static boolean restarting(String unit) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("systemctl", "list-jobs", "--no-legend", "--no-pager", "--full", unit)
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SnapshotException("cannot ask systemd whether " + unit + " is restarting (" + e.getMessage()
                    + "): use --hand-over, or plain 'ublkd stop'");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return jobIsRestart(out, unit);
    }

    /** Whether {@code systemctl list-jobs} output ("JOB UNIT TYPE STATE" lines) has a restart job for {@code unit}. */
    static boolean jobIsRestart(String listJobs, String unit) {
        for (String line : listJobs.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[1].equals(unit) && f[2].endsWith("restart")) {
                return true;
            }
        }
        return false;
    }
}
