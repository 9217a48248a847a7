package io.ublksnap.ublkd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove snapshots (their COWs are marked invalid) or origins without snapshots, in the order given.",
        footer = {"", "Examples:", "  ublkd remove snap1", "  ublkd remove snap1 snap2 base"})
public final class RemoveCommand extends ClientCommand {
    @Parameters(index = "0..*", arity = "1..*", description = "The devices to remove.")
    java.util.List<String> names;

    @Override
    public Integer call() {
        for (String name : names) {
            call("remove", "name", name);
        }
        return 0;
    }
}
