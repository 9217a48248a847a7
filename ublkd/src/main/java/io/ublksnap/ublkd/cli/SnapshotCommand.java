package io.ublksnap.ublkd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Take a snapshot of an origin (dm's snapshot target), served as /dev/ublkbN and /dev/ublksnap/NAME.",
        footer = {"", "A COW that starts with zeros becomes a new snapshot; one that holds a snapshot (written by ublkd",
                "or by the kernel's dm-snapshot) is opened with its exceptions.", "", "Examples:",
                "  ublkd snapshot snap1 --origin base --cow /var/lib/ublksnap/snap1.cow --create 256M",
                "  ublkd snapshot s2 --origin base --cow /dev/vdc --store PO --chunk 16"})
public final class SnapshotCommand extends ClientCommand {
    @Parameters(index = "0", description = "Name of the new snapshot.")
    String name;

    @Option(names = "--origin", required = true, description = "The origin: its name, or its backing device.")
    String origin;

    @Option(names = "--cow", required = true, description = "File or block device for the snapshot's exceptions and data.")
    String cow;

    @Option(names = "--store", description = "P (persistent), PO (persistent, overflow instead of invalidating) or N (transient); default ${DEFAULT-VALUE}.")
    String store = "P";

    @Option(names = "--chunk", description = "Chunk size: sectors (16) or bytes with a unit (8k); power of two, 4k to 1g; default 16k, or the COW's own.")
    String chunk = "0";

    @Option(names = "--create", paramLabel = "SIZE", description = "Create the COW as a zeroed sparse file of SIZE if it does not exist.")
    String create;

    @Override
    public Integer call() throws Exception {
        Files2.createSparse(cow, create);
        Map<?, ?> r = (Map<?, ?>) call("snapshot", "name", name, "origin", origin, "cow", cow, "store", store, "chunk", chunk);
        out().println(name + " " + r.get("device") + " " + r.get("status"));
        return 0;
    }
}
