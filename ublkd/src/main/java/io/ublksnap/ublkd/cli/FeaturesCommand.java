package io.ublksnap.ublkd.cli;

import picocli.CommandLine.Command;

import java.util.Map;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Show the ublk features the kernel offers (asked by the running daemon).",
        footer = {"", "Example:", "  ublkd features"})
public final class FeaturesCommand extends ClientCommand {
    @Override
    public Integer call() {
        Map<?, ?> r = (Map<?, ?>) call("features");
        out().println("mask 0x" + Long.toHexString(((Number) r.get("mask")).longValue()) + ": " + r.get("names")
                + " (commands " + r.get("encoding") + ")");
        return 0;
    }
}
