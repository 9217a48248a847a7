package io.ublksnap.ublkd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "origin", mixinStandardHelpOptions = true,
        description = "Serve a file or block device as an origin (dm's snapshot-origin): /dev/ublkbN, /dev/ublksnap/NAME.",
        footer = {"", "Examples:", "  ublkd origin base /var/lib/ublksnap/base.img",
                "  ublkd origin base /var/lib/ublksnap/base.img --create 1G", "  ublkd origin data /dev/vdb"})
public final class OriginCommand extends ClientCommand {
    @Parameters(index = "0", description = "Name of the new origin.")
    String name;

    @Parameters(index = "1", description = "File or block device holding the origin's data.")
    String path;

    @Option(names = "--create", paramLabel = "SIZE", description = "Create PATH as a sparse file of SIZE (e.g. 1G) if it does not exist.")
    String create;

    @Override
    public Integer call() throws Exception {
        Files2.createSparse(path, create);
        Map<?, ?> r = (Map<?, ?>) call("origin", "name", name, "path", path);
        out().println(name + " " + r.get("device"));
        return 0;
    }
}
