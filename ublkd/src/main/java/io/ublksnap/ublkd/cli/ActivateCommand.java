package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DmText;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "activate", mixinStandardHelpOptions = true,
        description = "Bring up configured devices that are not active (say, their backing device was missing at start).",
        footer = {"", "Activating an origin brings up its snapshots and its merge first; the origin's own device starts",
                "only when all of them are up. Active devices stay as they are, so it is safe to run any time",
                "(udev does when a backing device appears). Exit 1 if a device asked for is still not active.", "",
                "Examples:", "  ublkd activate base", "  ublkd activate --all"})
public final class ActivateCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", description = "An origin or snapshot (with the rest of its origin's family).")
    String name;

    @Option(names = "--all", description = "Every configured device.")
    boolean all;

    @Override
    public Integer call() {
        if ((name == null) == !all) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a NAME or --all");
        }
        List<DeviceInfo> devices = call(new Request.Activate(all ? null : name));
        int down = 0;
        for (DeviceInfo d : devices) {
            out().println(DmText.statusLine(d));
            if (!d.active()) {
                down++;
            }
        }
        if (down > 0) {
            throw new SnapshotException(down + (down == 1 ? " device is" : " devices are") + " still not active (see above)");
        }
        return 0;
    }
}
