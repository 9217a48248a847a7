package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;

import java.util.List;
import java.util.Set;

/**
 * A request to the daemon, one per connection, typed by the reply it gets ({@code R}). On the wire
 * it is one JSON object on one line whose {@code "op"} names the record (see {@link Wire}).
 *
 * @param <R> the result of a successful request
 */
public sealed interface Request<R> {

    /** The {@code "op"} of this request on the wire. */
    String op();

    /** Is the daemon there? Result: "pong". */
    record Ping() implements Request<String> {
        public String op() {
            return "ping";
        }
    }

    /** The ublk features of the kernel. */
    record Features() implements Request<FeaturesInfo> {
        public String op() {
            return "features";
        }
    }

    /**
     * Serve {@code path} (absolute) as origin {@code name}; with {@code createBytes} > 0 the daemon
     * first creates it as a sparse file of that size if it does not exist (and deletes it again if
     * the origin cannot be made). {@code readOnly}: the disk is read-only (writes are refused by the kernel).
     * {@code devId}: /dev/ublkbN to use (-1: the kernel chooses).
     */
    record CreateOrigin(String name, String path, long createBytes, boolean readOnly, int devId) implements Request<DeviceInfo> {
        public CreateOrigin(String name, String path, long createBytes) {
            this(name, path, createBytes, false, -1);
        }

        public CreateOrigin(String name, String path, long createBytes, boolean readOnly) {
            this(name, path, createBytes, readOnly, -1);
        }

        public String op() {
            return "origin";
        }
    }

    /**
     * Take snapshot {@code name} of {@code origin} (a name, or an origin's backing path) on {@code cow};
     * {@code chunkSectors} 0 means the default, or a persistent COW's own; {@code readOnly}: the
     * snapshot's disk is read-only (origin writes still copy into its COW); {@code devId}: /dev/ublkbN to use
     * (-1: the kernel chooses).
     */
    record CreateSnapshot(String name, String origin, String cow, StoreType store, int chunkSectors, long createBytes,
                          boolean init, Set<SnapshotFeature> features, Autoextend autoextend, boolean readOnly, int devId)
            implements Request<DeviceInfo> {
        public CreateSnapshot {
            features = SnapshotFeature.check(features);
        }

        public CreateSnapshot(String name, String origin, String cow, StoreType store, int chunkSectors, long createBytes,
                              boolean init, Set<SnapshotFeature> features, Autoextend autoextend) {
            this(name, origin, cow, store, chunkSectors, createBytes, init, features, autoextend, false, -1);
        }

        public CreateSnapshot(String name, String origin, String cow, StoreType store, int chunkSectors, long createBytes,
                              boolean init, Set<SnapshotFeature> features, Autoextend autoextend, boolean readOnly) {
            this(name, origin, cow, store, chunkSectors, createBytes, init, features, autoextend, readOnly, -1);
        }

        /** Without features, with the daemon's autoextend. */
        public CreateSnapshot(String name, String origin, String cow, StoreType store, int chunkSectors, long createBytes,
                              boolean init) {
            this(name, origin, cow, store, chunkSectors, createBytes, init, Set.of(), null);
        }

        public String op() {
            return "snapshot";
        }
    }

    /**
     * Grow snapshot {@code name}'s COW online and/or set its autoextend: {@code sizeBytes} > 0 grows
     * a COW file to that size (added to its size with {@code relative}); 0 takes the COW at the size
     * it has now (grown underneath); {@code autoextend}, when not null, becomes the snapshot's own,
     * and alone grows nothing.
     */
    record Extend(String name, long sizeBytes, boolean relative, Autoextend autoextend) implements Request<DeviceInfo> {
        public String op() {
            return "extend";
        }
    }

    /** Create device {@code name} from a dm table line (snapshot-origin, snapshot or snapshot-merge). */
    record Load(String name, String table) implements Request<DeviceInfo> {
        public String op() {
            return "load";
        }
    }

    /** Replace a live snapshot's table (handover on the same COW), or start a merge with snapshot-merge. */
    record Reload(String name, String table) implements Request<DeviceInfo> {
        public String op() {
            return "reload";
        }
    }

    /** Start merging snapshot {@code name}; answers once the origin has switched to the merge. */
    record Merge(String name) implements Request<DeviceInfo> {
        public String op() {
            return "merge";
        }
    }

    /** Remove a snapshot, an origin without snapshots, or an entry that is not active. Result: "removed". */
    /** Removes a device; one that is open (mounted, held, used by a process) only with {@code force}. */
    record Remove(String name, boolean force) implements Request<String> {
        public String op() {
            return "remove";
        }
    }

    /** One device. */
    record Status(String name) implements Request<DeviceInfo> {
        public String op() {
            return "status";
        }
    }

    /** Every device, in creation order. */
    record StatusAll() implements Request<List<DeviceInfo>> {
        public String op() {
            return "status";
        }
    }

    /** The request counters of one device, or of every device ({@code name} null), in creation order. */
    record Stats(String name) implements Request<List<DeviceStats>> {
        public String op() {
            return "stats";
        }
    }

    /**
     * Bring up configured devices that are not active (their backing devices were missing, say):
     * {@code name} and what it needs, or every one (null). Idempotent: active devices stay as they
     * are. Result: the devices concerned, active or not (with the reason).
     */
    record Activate(String name) implements Request<List<DeviceInfo>> {
        public String op() {
            return "activate";
        }
    }

    /**
     * Stop the daemon gracefully. Result: "stopping".
     *
     * @param handOver leave the devices to the next daemon (a planned restart) instead of deleting them
     * @param pid      stop only the daemon with this process id (0: whichever answers): systemd's
     *                 ExecStop= names the unit's main process, so that it never stops a daemon
     *                 started by hand after the unit's own died
     */
    record Stop(boolean handOver, long pid) implements Request<String> {
        public Stop() {
            this(false, 0);
        }

        public Stop(boolean handOver) {
            this(handOver, 0);
        }

        public String op() {
            return "stop";
        }
    }
}
