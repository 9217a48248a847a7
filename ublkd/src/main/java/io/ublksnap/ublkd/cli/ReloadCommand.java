package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DmText;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Replace a live snapshot's table on the same COW: the new table takes over the exceptions (handover).",
        footer = {"", "The device stays up; requests wait while the tables switch. 'snapshot-merge' starts a merge.", "",
                "Examples:",
                "  ublkd reload snap1 --table 'snapshot /dev/vdb /dev/vdc PO 16'",
                "  ublkd reload snap1 --table 'snapshot-merge /dev/vdb /dev/vdc P 16'"})
public final class ReloadCommand extends ClientCommand {
    @Parameters(index = "0", description = "The snapshot to reload.")
    String name;

    @Option(names = "--table", required = true, description = "The new dm table line.")
    String table;

    @Override
    public Integer call() {
        DeviceInfo d = call(new Request.Reload(name, Tables.absolute(table)));
        out().println(DmText.tableLine(d));
        return 0;
    }
}
