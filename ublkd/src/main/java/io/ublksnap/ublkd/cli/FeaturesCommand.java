package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ublkd.control.ControlServer;
import io.ublksnap.ublkd.control.FeaturesInfo;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.daemon.UblkHost;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Show the ublk features the kernel offers: asked by the running daemon, or of the kernel directly when none runs (as root).",
        footer = {"", "Example:", "  ublkd features"})
public final class FeaturesCommand extends ClientCommand {
    @Override
    public Integer call() {
        FeaturesInfo f = ControlServer.isRunning(main.socket) ? call(new Request.Features()) : fromKernel();
        out().println("mask 0x" + Long.toHexString(f.mask()) + ": " + f.names() + " (commands " + f.encoding() + ")");
        return 0;
    }

    private static FeaturesInfo fromKernel() {
        if (!Files.exists(Path.of(UblkControl.CONTROL_PATH))) {
            throw new SnapshotException("no " + UblkControl.CONTROL_PATH
                    + ": this kernel has no ublk driver; load it with 'modprobe ublk_drv' (Linux 6.0 or newer)");
        }
        try (UblkControl control = UblkControl.open()) {
            return UblkHost.features(control, control.getFeatures().orElse(-1));
        } catch (NativeException e) {
            throw new SnapshotException("cannot open " + UblkControl.CONTROL_PATH + ": " + e.getMessage()
                    + (e.getMessage().contains("ermission") ? " (run as root)" : ""));
        }
    }
}
