package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "name", mixinStandardHelpOptions = true,
        description = "Print the ublksnap name of a ublk disk (for udev rules: SYMLINK+=\"ublksnap/%%c\").",
        footer = {"", "The shipped udev rule (60-ublksnap.rules) reads /run/ublksnap/names/ublkbN instead, which ublkd",
                "writes before the disk appears: no JVM per disk. For rules of your own, e.g.:",
                "  KERNEL==\"ublkb[0-9]*\", PROGRAM=\"/usr/local/bin/ublkd name %%k\", SYMLINK+=\"ublksnap/%%c\""})
public final class NameCommand extends ClientCommand {
    @Parameters(index = "0", description = "The kernel name (ublkb3) or the device path (/dev/ublkb3).")
    String kernelName;

    @Override
    public Integer call() {
        String dev = kernelName.startsWith("/dev/") ? kernelName : "/dev/" + kernelName;
        for (DeviceInfo d : call(new Request.StatusAll())) {
            if (dev.equals(d.device())) {
                out().println(d.name());
                return 0;
            }
        }
        return 1;
    }
}
