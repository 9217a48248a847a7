package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.Names;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "origin", mixinStandardHelpOptions = true,
        description = "Serve a file or block device as an origin (dm's snapshot-origin): /dev/ublkbN, /dev/ublksnap/NAME.",
        footer = {"", "SIZE is bytes, or a whole number with a unit k, m, g or t (powers of 1024): 4096, 64m, 1g.",
                "The daemon creates the file (and its directories) only once it has accepted the request.", "",
                "Examples:", "  ublkd origin base /var/lib/ublksnap/base.img",
                "  ublkd origin base /var/lib/ublksnap/base.img --create 1G", "  ublkd origin data /dev/vdb"})
public final class OriginCommand extends ClientCommand {
    @Parameters(index = "0", description = "Name of the new origin.")
    String name;

    @Parameters(index = "1", description = "File or block device holding the origin's data.")
    String path;

    @Option(names = "--create", paramLabel = "SIZE",
            description = "Create PATH as a sparse file of SIZE bytes (a multiple of 4k; units k, m, g, t) if it does not exist.")
    String create;

    @Option(names = {"-r", "--read-only"}, description = "Serve the origin read-only (the kernel refuses writes to it), as lvcreate -p r.")
    boolean readOnly;

    @Option(names = {"-n", "--id"}, paramLabel = "N", description = "Use /dev/ublkbN (as 'ublk add -n N'); refused when N is in use. Default: the kernel chooses. Either way the device asks for the same N at the next start.")
    Integer id;

    @Override
    public Integer call() {
        Names.check(name);
        long bytes = create == null ? 0 : Sizes.parse("--create", create, 4096, "4 KiB (e.g. 64m)");
        DeviceInfo d = call(new Request.CreateOrigin(name, absolute(path), bytes, readOnly, devId(id)));
        out().println(name + " " + d.device());
        return 0;
    }
}
