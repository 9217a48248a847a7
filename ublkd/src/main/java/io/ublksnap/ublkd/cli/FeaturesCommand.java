package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.FeaturesInfo;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Show the ublk features the kernel offers (asked by the running daemon).",
        footer = {"", "Example:", "  ublkd features"})
public final class FeaturesCommand extends ClientCommand {
    @Override
    public Integer call() {
        FeaturesInfo f = call(new Request.Features());
        out().println("mask 0x" + Long.toHexString(f.mask()) + ": " + f.names() + " (commands " + f.encoding() + ")");
        return 0;
    }
}
