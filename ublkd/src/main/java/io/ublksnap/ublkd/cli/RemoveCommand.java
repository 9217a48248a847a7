package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove snapshots (their COWs are marked invalid) or origins without snapshots, in the order given.",
        footer = {"", "A device that is not active (its backing device was missing) only leaves the configuration;",
                "its files are not touched.", "", "Examples:", "  ublkd remove snap1", "  ublkd remove snap1 snap2 base"})
public final class RemoveCommand extends ClientCommand {
    @Parameters(index = "0..*", arity = "1..*", description = "The devices to remove.")
    java.util.List<String> names;

    @Override
    public Integer call() {
        for (String name : names) {
            call(new Request.Remove(name));
        }
        return 0;
    }
}
