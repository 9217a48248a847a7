package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove snapshots (their COWs are marked invalid) or origins without snapshots, in the order given.",
        footer = {"", "A device that is not active (its backing device was missing) only leaves the configuration;",
                "its files are not touched.", "",
                "A device that is in use (mounted, under another device such as dm or md, or open in a process) is",
                "refused, naming who uses it, as dmsetup refuses a busy device. --force removes it anyway: requests",
                "in flight finish, and every later request of its users fails with an I/O error.", "",
                "Examples:", "  ublkd remove snap1", "  ublkd remove snap1 snap2 base", "  ublkd remove --force snap1"})
public final class RemoveCommand extends ClientCommand {
    @Parameters(index = "0..*", arity = "1..*", description = "The devices to remove.")
    java.util.List<String> names;

    @Option(names = "--force", description = "Remove devices that are in use too (their users get I/O errors from then on).")
    boolean force;

    @Override
    public Integer call() {
        for (String name : names) {
            call(new Request.Remove(name, force));
        }
        return 0;
    }
}
