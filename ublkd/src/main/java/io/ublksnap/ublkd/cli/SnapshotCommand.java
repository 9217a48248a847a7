package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DmText;
import io.ublksnap.ublkd.control.Names;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.EnumSet;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Take a snapshot of an origin (dm's snapshot target), served as /dev/ublkbN and /dev/ublksnap/NAME.",
        footer = {"", "A blank COW (its header chunk and first metadata area all zeros) becomes a new snapshot; one that",
                "holds a snapshot (written by ublkd or by the kernel's dm-snapshot) is opened with its exceptions; anything",
                "else is refused, unless --init says its contents may be overwritten.",
                "SIZE is bytes, or a whole number with a unit k, m, g or t (powers of 1024); the daemon creates",
                "the COW only once it has accepted the request.", "", "Examples:",
                "  ublkd snapshot snap1 --origin base --cow /var/lib/ublksnap/snap1.cow --create 256M",
                "  ublkd snapshot s2 --origin base --cow /dev/vdc --store PO --chunk 16",
                "  ublkd snapshot s3 --origin base --cow /var/lib/ublksnap/s3.cow --create 1g --autoextend-threshold 70 --autoextend-percent 20",
                "  ublkd snapshot s4 --origin base --cow /var/lib/ublksnap/s4.cow --create 1g --discard-zeroes-cow"})
public final class SnapshotCommand extends ClientCommand {
    @Parameters(index = "0", description = "Name of the new snapshot.")
    String name;

    @Option(names = "--origin", required = true, description = "The origin: its name, or its backing device (a path with a '/').")
    String origin;

    @Option(names = "--cow", required = true, description = "File or block device for the snapshot's exceptions and data.")
    String cow;

    @Option(names = "--store", description = "P (persistent), PO (persistent, overflow instead of invalidating) or N (transient); default ${DEFAULT-VALUE}.")
    String store = "P";

    @Option(names = "--chunk", description = "Chunk size: sectors (16) or bytes with a unit (8k); power of two, 4k to 1m; default 16k, or the COW's own.")
    String chunk = "0";

    @Option(names = "--create", paramLabel = "SIZE",
            description = "Create the COW as a zeroed sparse file of SIZE bytes (a multiple of 4k; units k, m, g, t) if it does not exist.")
    String create;

    @Option(names = "--init", description = "Start a new snapshot on the COW even if it holds other data (which is lost); without it, only a blank COW or an existing snapshot is used.")
    boolean init;

    @Option(names = "--discard-zeroes-cow", description = "Take discards (dm-snapshot's discard_zeroes_cow): a discard of a whole chunk with an exception zeroes it in the COW; other chunks are left alone.")
    boolean discardZeroesCow;

    @Option(names = "--discard-passdown-origin", description = "Pass discards down to the origin's device too, without copying anything out (dm-snapshot's discard_passdown_origin; needs --discard-zeroes-cow).")
    boolean discardPassdownOrigin;

    @Option(names = "--autoextend-threshold", paramLabel = "PERCENT",
            description = "Grow the COW file by itself once it is this full (50 to 100; 100: off); default: the daemon's.")
    Integer threshold;

    @Option(names = "--autoextend-percent", paramLabel = "PERCENT",
            description = "How much it grows then, in percent of its size.")
    Integer percent;

    @Option(names = {"-r", "--read-only"}, description = "Serve the snapshot read-only (the kernel refuses writes to it; origin writes still copy into its COW), as lvcreate -p r.")
    boolean readOnly;

    @Option(names = {"-n", "--id"}, paramLabel = "N", description = "Use /dev/ublkbN (as 'ublk add -n N'); refused when N is in use. Default: the kernel chooses. Either way the device asks for the same N at the next start.")
    Integer id;

    @Override
    public Integer call() {
        Names.check(name);
        StoreType st = StoreType.parse(store);
        long sectors = Sizes.chunkSectors(chunk);
        if (sectors != 0) {
            ChunkSize.validate(sectors, 512);
        }
        long bytes = create == null ? 0 : Sizes.parse("--create", create, 4096, "4 KiB (e.g. 64m)");
        if (discardPassdownOrigin && !discardZeroesCow) {
            throw new SnapshotException("--discard-passdown-origin needs --discard-zeroes-cow (as dm-snapshot's"
                    + " discard_passdown_origin needs discard_zeroes_cow)");
        }
        EnumSet<SnapshotFeature> features = EnumSet.noneOf(SnapshotFeature.class);
        if (discardZeroesCow) {
            features.add(SnapshotFeature.DISCARD_ZEROES_COW);
        }
        if (discardPassdownOrigin) {
            features.add(SnapshotFeature.DISCARD_PASSDOWN_ORIGIN);
        }
        DeviceInfo d = call(new Request.CreateSnapshot(name, deviceWord(origin), absolute(cow), st, (int) sectors, bytes, init,
                features, Autoextend.of(threshold, percent), readOnly, devId(id)));
        out().println(name + " " + d.device() + " " + DmText.info(d));
        return 0;
    }
}
