package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A device-mapper table line for the snapshot targets, as dmsetup takes it:
 * <pre>
 *   [start length] snapshot-origin ORIGIN
 *   [start length] snapshot ORIGIN COW P|PO|N CHUNK [#features feature...]
 *   [start length] snapshot-merge ORIGIN COW P|PO CHUNK [#features feature...]
 * </pre>
 * The features are dm-snapshot's ({@link SnapshotFeature}): {@code discard_zeroes_cow} and
 * {@code discard_passdown_origin}, at most two, the count first.
 * ORIGIN and COW are paths of backing devices (as in the kernel: the real origin, not the
 * snapshot-origin device), their device numbers MAJ:MIN (as {@code dmsetup table} prints them), or,
 * for ORIGIN, the name of an origin ublkd serves.
 */
public record TableLine(String target, String origin, String cow, StoreType store, int chunkSectors,
                        Set<SnapshotFeature> features) {

    public boolean isOrigin() {
        return target.equals("snapshot-origin");
    }

    public boolean isSnapshot() {
        return target.equals("snapshot");
    }

    public boolean isMerge() {
        return target.equals("snapshot-merge");
    }

    public static TableLine parse(String line) {
        return parse(line, BlockDevices.SYSTEM);
    }

    static TableLine parse(String line, BlockDevices devices) {
        List<String> w = Arrays.stream(line.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        if (w.size() >= 2 && w.get(0).matches("\\d+") && w.get(1).matches("\\d+")) {
            if (!w.get(0).equals("0")) {
                throw new SnapshotException("table line '" + line.trim() + "': a device is one target starting at sector 0");
            }
            w = w.subList(2, w.size());
        }
        if (w.isEmpty()) {
            throw new SnapshotException("empty table line: expected 'snapshot-origin ORIGIN' or 'snapshot ORIGIN COW P|PO|N CHUNK'");
        }
        String t = w.getFirst();
        switch (t) {
            case "snapshot-origin" -> {
                if (w.size() != 2) {
                    throw new SnapshotException("table line '" + line.trim() + "': snapshot-origin takes one argument, the origin device");
                }
                return new TableLine(t, devices.resolve(w.get(1)), null, null, 0, Set.of());
            }
            case "snapshot", "snapshot-merge" -> {
                if (w.size() < 5) {
                    throw new SnapshotException("table line '" + line.trim() + "': " + t + " takes ORIGIN COW P|PO|N CHUNK");
                }
                StoreType st = StoreType.parse(w.get(3));
                if (t.equals("snapshot-merge") && !st.persistent()) {
                    throw new SnapshotException("table line '" + line.trim() + "': snapshot-merge needs a persistent store (P or PO)");
                }
                long chunk = io.ublksnap.ublkd.control.Sizes.chunkSectors(w.get(4));
                Set<SnapshotFeature> features;
                try {
                    features = SnapshotFeature.parse(w.subList(5, w.size()));
                } catch (SnapshotException e) {
                    throw new SnapshotException("table line '" + line.trim() + "': " + e.getMessage());
                }
                return new TableLine(t, devices.resolve(w.get(1)), devices.resolve(w.get(2)), st, ChunkSize.validate(chunk, 512),
                        features);
            }
            default -> throw new SnapshotException("table line '" + line.trim() + "': unknown target '" + t
                    + "' (expected snapshot-origin, snapshot or snapshot-merge)");
        }
    }
}
