package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.ublkd.control.DeviceInfo.OriginInfo;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;

/**
 * dm's text for a device, in one place (as {@code snapshot_status()} is one function in the
 * kernel): the table ({@code 0 SECTORS TARGET ARGS}), the INFO status, and the lines
 * {@code dmsetup table} and {@code dmsetup status} print ({@code NAME: 0 SECTORS TARGET ...}).
 */
public final class DmText {
    private DmText() {
    }

    /** The target: snapshot-origin, snapshot-merge (an origin while a merge runs) or snapshot. */
    public static String target(DeviceInfo d) {
        return switch (d) {
            case OriginInfo o -> o.merge() != null ? "snapshot-merge" : "snapshot-origin";
            case SnapshotInfo s -> "snapshot";
        };
    }

    /** The table's arguments, as dmsetup takes them. */
    public static String arguments(DeviceInfo d) {
        return switch (d) {
            case OriginInfo o -> o.merge() == null ? o.backing()
                    : o.backing() + " " + o.merge().cow() + " " + o.merge().store().code() + " " + o.merge().chunkSectors();
            case SnapshotInfo s -> s.originBacking() + " " + s.cow() + " " + s.store().code() + " " + s.chunkSectors()
                    + SnapshotFeature.tableArgs(s.features());
        };
    }

    /** "0 SECTORS TARGET ARGS". */
    public static String table(DeviceInfo d) {
        return "0 " + d.sectors() + " " + target(d) + " " + arguments(d);
    }

    /**
     * dm-snapshot's INFO status: "Invalid", "Merge failed", "Overflow", "ALLOCATED/TOTAL METADATA"
     * (sectors) or "Unknown"; nothing for snapshot-origin. A merging snapshot's own device fails I/O
     * (as in the kernel), so it shows Invalid; the origin's snapshot-merge shows the merging store's
     * usage, which reaches METADATA/... when the merge is done.
     */
    public static String info(DeviceInfo d) {
        return switch (d) {
            case OriginInfo o -> {
                MergeInfo m = o.merge();
                if (m == null) {
                    yield "";
                }
                if (m.state() == MergeState.FAILED) {
                    yield "Merge failed";
                }
                long cs = m.chunkSectors();
                long left = m.totalChunks() - m.mergedChunks();
                yield ((left + 2) * cs) + "/" + m.cowSectors() + " " + (2 * cs);
            }
            case SnapshotInfo s -> {
                if (s.merge() != null || !s.valid()) {
                    yield "Invalid";
                }
                if (s.state() == SnapshotState.MERGE_FAILED) {
                    yield "Merge failed";
                }
                if (s.overflow()) {
                    yield "Overflow";
                }
                DeviceInfo.Usage u = s.usage();
                yield u == null ? "Unknown" : u.allocatedSectors() + "/" + u.totalSectors() + " " + u.metadataSectors();
            }
        };
    }

    /** "NAME: 0 SECTORS TARGET[ INFO]", as {@code dmsetup status}; "NAME: not active: REASON" for a device that is down. */
    public static String statusLine(DeviceInfo d) {
        if (!d.active()) {
            return inactiveLine(d);
        }
        String info = info(d);
        return d.name() + ": 0 " + d.sectors() + " " + target(d) + (info.isEmpty() ? "" : " " + info);
    }

    /** "NAME: 0 SECTORS TARGET ARGS", as {@code dmsetup table}. */
    public static String tableLine(DeviceInfo d) {
        if (!d.active()) {
            return inactiveLine(d);
        }
        return d.name() + ": " + table(d);
    }

    private static String inactiveLine(DeviceInfo d) {
        return d.name() + ": not active: " + d.reason();
    }
}
