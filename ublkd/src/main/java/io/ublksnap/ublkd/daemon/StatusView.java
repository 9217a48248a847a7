package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.RequestStats;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.Target;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DeviceStats;
import io.ublksnap.ublkd.control.DeviceInfo.OriginInfo;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;
import io.ublksnap.ublkd.control.MergeInfo;
import io.ublksnap.ublkd.control.MergeState;
import io.ublksnap.ublkd.control.SnapshotState;
import io.ublksnap.ublkd.daemon.Registry.Dev;
import io.ublksnap.ublkd.daemon.Registry.OriginDev;
import io.ublksnap.ublkd.daemon.Registry.SnapDev;
import io.ublksnap.ublkd.io.FileBacking;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Devices as the control protocol shows them. Reads the registry and the engine's status only:
 * it never waits for an operation, so status answers while a long one runs.
 */
final class StatusView {
    private final Registry registry;
    private final Lifecycle engine;
    private final Function<SnapDev, Autoextend> autoextend;

    /** @param autoextend the autoextend that works for a snapshot (its own, or the daemon's), null when none */
    StatusView(Registry registry, Lifecycle engine, Function<SnapDev, Autoextend> autoextend) {
        this.registry = registry;
        this.engine = engine;
        this.autoextend = autoextend;
    }

    private Autoextend autoextendOf(SnapDev s) {
        Autoextend a = autoextend.apply(s);
        return a != null && a.on() ? a : null;
    }

    DeviceInfo describe(String name) {
        return describe(registry.require(name));
    }

    List<DeviceInfo> all() {
        List<DeviceInfo> l = new ArrayList<>();
        for (Dev d : registry.all()) {
            l.add(describe(d));
        }
        return l;
    }

    /** The request counters of {@code name}, or of every device (null). */
    List<DeviceStats> stats(String name) {
        List<DeviceStats> l = new ArrayList<>();
        for (Dev d : name == null ? registry.all() : List.of(registry.require(name))) {
            l.add(stats(d));
        }
        return l;
    }

    private static DeviceStats stats(Dev d) {
        Target t;
        DeviceHost.Served dev;
        DeviceInfo.Role role;
        switch (d) {
            case OriginDev o -> {
                t = o.target;
                dev = o.device;
                role = DeviceInfo.Role.ORIGIN;
            }
            case SnapDev s -> {
                t = s.target;
                dev = s.device;
                role = DeviceInfo.Role.SNAPSHOT;
            }
        }
        List<DeviceStats.RequestCount> counts = new ArrayList<>();
        if (t != null && dev != null) {
            for (RequestStats.Count c : t.stats().counts()) {
                counts.add(new DeviceStats.RequestCount(c.kind().label(), c.requests(), c.serviceNanos(), c.kernelEntries(), c.failed()));
            }
        }
        return new DeviceStats(d.name(), role, dev == null ? null : dev.blockPath(), counts);
    }

    DeviceInfo describe(Dev d) {
        return switch (d) {
            case OriginDev o -> origin(o);
            case SnapDev s -> snapshot(s);
        };
    }

    private OriginInfo origin(OriginDev o) {
        DeviceHost.Served dev = o.device;
        FileBacking b = o.backing;
        List<String> snaps = registry.snapshotsOf(o).stream().map(SnapDev::name).toList();
        return new OriginInfo(o.name, dev == null ? null : dev.blockPath(), dev != null, dev == null ? reason(o) : null,
                o.path(), b == null ? 0 : b.sizeSectors(), snaps, merge(o), dev == null ? 0 : dev.queueCount(),
                dev != null && dev.zeroCopy(), dev != null && dev.batchIo());
    }

    private static String reason(Dev d) {
        String r = d.reason();
        return r == null ? "not activated yet" : r;
    }

    private MergeInfo merge(OriginDev o) {
        Origin engineOrigin = o.target;
        Lifecycle.MergeProgress m = engineOrigin == null ? null : engine.mergeStatus(engineOrigin);
        if (m == null || m.state() == MergeState.DONE) {
            return null;
        }
        SnapDev s = registry.get(m.snapshot()) instanceof SnapDev x ? x : null;
        FileBacking cow = s == null ? null : s.cow;
        return new MergeInfo(m.snapshot(), m.state(), m.merged(), m.total(), m.chunkSectors(), m.bytesPerSecond(),
                m.secondsLeft(), m.error(), s == null ? "" : s.cowPath(), s == null ? io.ublksnap.engine.store.StoreType.PERSISTENT
                : s.entry.store(), cow == null ? 0 : cow.sizeSectors());
    }

    private SnapshotInfo snapshot(SnapDev s) {
        ConfigFile.SnapshotEntry e = s.entry;
        OriginDev o = s.origin;
        DeviceHost.Served dev = s.device;
        String devPath = dev == null ? null : dev.blockPath();
        if (s.merging && s.mergeRunning) {
            MergeInfo m = merge(o);
            SnapshotState state = m != null && m.state() == MergeState.FAILED ? SnapshotState.MERGE_FAILED : SnapshotState.MERGING;
            FileBacking ob = o.backing;
            return new SnapshotInfo(s.name, devPath, true, null, o.name, o.path(), s.cowPath(), e.store(), e.chunkSectors(),
                    ob == null ? 0 : ob.sizeSectors(), state, true, false, 0, 0, null, m, e.features(), null);
        }
        SnapshotTarget t = s.target;
        if (t == null) {
            return new SnapshotInfo(s.name, null, false, reason(s), o.name, o.path(), s.cowPath(), e.store(), e.chunkSectors(),
                    0, SnapshotState.INACTIVE, false, false, 0, 0, null, null, e.features(), autoextendOf(s));
        }
        Lifecycle.SnapshotView v = engine.status(t);
        return new SnapshotInfo(s.name, devPath, dev != null, dev != null ? null : reason(s), o.name, o.path(), s.cowPath(),
                e.store(), v.chunkSectors(), v.sectors(), v.state(), v.valid(), v.overflow(), v.exceptions(), v.pending(),
                v.usage(), null, e.features(), autoextendOf(s));
    }
}
