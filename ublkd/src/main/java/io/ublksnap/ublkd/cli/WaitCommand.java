package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Wait until the daemon answers on its socket (for scripts and systemd's ExecStartPost).",
        footer = {"", "Example:", "  ublkd serve & ublkd wait --timeout 30"})
public final class WaitCommand extends ClientCommand {
    @Option(names = "--timeout", description = "Seconds to wait (default: ${DEFAULT-VALUE}).")
    int timeout = 30;

    @Override
    public Integer call() throws Exception {
        long end = System.nanoTime() + timeout * 1_000_000_000L;
        SnapshotException last = null;
        while (System.nanoTime() < end) {
            try {
                call(new Request.Ping());
                return 0;
            } catch (SnapshotException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new SnapshotException("ublkd did not answer within " + timeout + " s: " + (last == null ? "" : last.getMessage()));
    }
}
