package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DmText;
import io.ublksnap.ublkd.control.Names;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "extend", mixinStandardHelpOptions = true,
        description = "Grow a snapshot's COW online (as lvextend does a snapshot's), or set its autoextend.",
        footer = {"", "With --size, a COW file grows to SIZE (or by +SIZE), its new space allocated; a COW on a block",
                "device is grown underneath first (lvextend, 'losetup -c') and 'extend NAME' without --size then takes",
                "its new size (so does a COW file grown by other means). Requests that find the COW full while it grows",
                "wait for it instead of invalidating the snapshot. A snapshot already invalid or overflowed stays so,",
                "as in dm-snapshot. The COW stays one the kernel's dm-snapshot opens.",
                "--autoextend-threshold and --autoextend-percent (both) become the snapshot's own, kept in the",
                "configuration: once its COW is THRESHOLD %% full, a COW file grows by PERCENT %% of its size (as",
                "lvm.conf's snapshot_autoextend_threshold and _percent; threshold 100 turns it off for this snapshot).",
                "SIZE is " + Sizes.HELP + ".", "", "Examples:",
                "  ublkd extend snap1 --size +1g",
                "  ublkd extend snap1 --size 4g",
                "  losetup -c /dev/loop3 && ublkd extend snap2",
                "  ublkd extend snap1 --autoextend-threshold 70 --autoextend-percent 20"})
public final class ExtendCommand extends ClientCommand {
    @Parameters(index = "0", description = "The snapshot whose COW grows.")
    String name;

    @Option(names = "--size", paramLabel = "[+]SIZE", description = "The COW file's new size, or with '+' how much it grows.")
    String size;

    @Option(names = "--autoextend-threshold", paramLabel = "PERCENT",
            description = "Grow the COW file by itself once it is this full (50 to 100; 100: off).")
    Integer threshold;

    @Option(names = "--autoextend-percent", paramLabel = "PERCENT",
            description = "How much it grows then, in percent of its size (0: off).")
    Integer percent;

    @Override
    public Integer call() {
        Names.check(name);
        Autoextend a = Autoextend.of(threshold, percent);
        long bytes = 0;
        boolean relative = false;
        if (size != null) {
            String s = size.trim();
            relative = s.startsWith("+");
            bytes = Sizes.parse("--size", relative ? s.substring(1) : s, 512, "512 bytes (e.g. 1g or +256m)");
        }
        DeviceInfo d = call(new Request.Extend(name, bytes, relative, a));
        out().println(name + " " + DmText.info(d) + (d instanceof DeviceInfo.SnapshotInfo s && s.autoextend() != null
                ? " autoextend " + s.autoextend() : ""));
        return 0;
    }
}
