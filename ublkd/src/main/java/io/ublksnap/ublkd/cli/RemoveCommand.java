package io.ublksnap.ublkd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a snapshot (its COW is marked invalid) or an origin without snapshots.",
        footer = {"", "Examples:", "  ublkd remove snap1", "  ublkd remove base"})
public final class RemoveCommand extends ClientCommand {
    @Parameters(index = "0", description = "The device to remove.")
    String name;

    @Override
    public Integer call() {
        call("remove", "name", name);
        return 0;
    }
}
