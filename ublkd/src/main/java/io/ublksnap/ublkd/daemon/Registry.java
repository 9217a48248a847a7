package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.ublkd.control.Names;
import io.ublksnap.ublkd.io.FileBacking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The daemon's devices by name, in creation order: names and their checks, lookup by name, backing
 * path or device, and which device uses a path. Its own lock is held only for these short lookups
 * and changes, never across engine steps or I/O. Each device's fields are published through
 * volatile writes by the operation that owns its {@link Family}.
 */
final class Registry {

    /** An origin and its snapshots: operations on them run one at a time, in arrival order. */
    static final class Family {
        final Semaphore lane = new Semaphore(1, true);
        volatile String busyWith;
        volatile long busySinceNanos;
    }

    /** A device: an origin or a snapshot, active or not. */
    sealed interface Dev permits OriginDev, SnapDev {
        String name();

        Family family();

        ConfigFile.Entry entry();

        /** Why it is not active, or null. */
        String reason();
    }

    static final class OriginDev implements Dev {
        final String name;
        final Family family = new Family();
        volatile ConfigFile.OriginEntry entry;
        volatile FileBacking backing;
        /** The engine's origin target (dm's snapshot-origin), once the backing is open. */
        volatile Origin target;
        volatile DeviceHost.Served device;
        volatile String reason;
        /** The entry's device id was asked for explicitly (--id): taken is an error, not a reason to take another. */
        volatile boolean idRequired;
        /** Came from the configuration and not served yet: takes over the device an earlier daemon left with its id. */
        volatile boolean mayTakeOver;

        OriginDev(ConfigFile.OriginEntry entry) {
            this.name = entry.name();
            this.entry = entry;
        }

        public String name() {
            return name;
        }

        public Family family() {
            return family;
        }

        public ConfigFile.OriginEntry entry() {
            return entry;
        }

        public String reason() {
            return reason;
        }

        boolean active() {
            return device != null;
        }

        /** The configured path, or the real path once open. */
        String path() {
            FileBacking b = backing;
            return b != null ? b.name() : entry.path();
        }
    }

    static final class SnapDev implements Dev {
        final String name;
        final OriginDev origin;
        volatile ConfigFile.SnapshotEntry entry;
        volatile FileBacking cow;
        volatile SnapshotTarget target;
        volatile DeviceHost.Served device;
        /** Merging into the origin (the config says "merge"); {@link #mergeRunning} once the engine runs it. */
        volatile boolean merging;
        volatile boolean mergeRunning;
        volatile boolean idRequired;
        /** Came from the configuration and not served yet: takes over the device an earlier daemon left with its id. */
        volatile boolean mayTakeOver;
        volatile String reason;

        SnapDev(ConfigFile.SnapshotEntry entry, OriginDev origin) {
            this.name = entry.name();
            this.entry = entry;
            this.origin = origin;
            this.merging = entry.merging();
        }

        public String name() {
            return name;
        }

        public Family family() {
            return origin.family;
        }

        public ConfigFile.SnapshotEntry entry() {
            return entry;
        }

        public String reason() {
            return reason;
        }

        /** Serving (its table is live) or merging into the origin. */
        boolean up() {
            return target != null || mergeRunning;
        }

        String cowPath() {
            FileBacking c = cow;
            return c != null ? c.name() : entry.cow();
        }
    }

    private final Map<String, Dev> devices = new LinkedHashMap<>();
    private final Set<String> reserved = new HashSet<>();
    /** Real paths an operation is opening for a device not registered yet. */
    private final Set<String> claimed = new HashSet<>();

    /** The real path of {@code p} (symlinks resolved), or {@code p} when it does not exist. */
    static String realPath(String p) {
        try {
            return Path.of(p).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return p;
        }
    }

    /** Holds {@code name} for a device being made; refuses a bad or taken name. */
    synchronized void reserve(String name) {
        Names.check(name);
        if (devices.containsKey(name) || reserved.contains(name)) {
            throw new SnapshotException("a device named " + name + " exists already: choose another name or remove it first");
        }
        reserved.add(name);
    }

    synchronized void release(String name) {
        reserved.remove(name);
    }

    /** Adds a device (its name reserved before, or read from the configuration). */
    synchronized void add(Dev d) {
        reserved.remove(d.name());
        devices.put(d.name(), d);
    }

    synchronized void remove(Dev d) {
        devices.remove(d.name(), d);
    }

    synchronized Dev get(String name) {
        return devices.get(name);
    }

    synchronized Dev require(String name) {
        Dev d = devices.get(name);
        if (d == null) {
            throw new SnapshotException("unknown device '" + name + "': see 'ublkd list'");
        }
        return d;
    }

    synchronized SnapDev snapshot(String name) {
        if (!(devices.get(name) instanceof SnapDev s)) {
            throw new SnapshotException("unknown snapshot '" + name + "': see 'ublkd list'");
        }
        return s;
    }

    /** An origin by name, backing path or device path. */
    synchronized OriginDev origin(String ref) {
        if (devices.get(ref) instanceof OriginDev o) {
            return o;
        }
        String real = realPath(ref);
        for (Dev d : devices.values()) {
            if (d instanceof OriginDev o && (o.path().equals(real) || o.entry.path().equals(ref)
                    || (o.device != null && o.device.blockPath().equals(real)))) {
                return o;
            }
        }
        throw new SnapshotException("unknown origin '" + ref + "': create it first ('ublkd origin NAME PATH') or check 'ublkd list'");
    }

    /** Which device other than {@code self} uses backing path {@code path} (its own or configured one), or null. */
    synchronized String userOf(String path, Dev self) {
        String real = realPath(path);
        for (Dev d : devices.values()) {
            if (d == self) {
                continue;
            }
            switch (d) {
                case OriginDev o -> {
                    if (o.path().equals(real) || realPath(o.entry.path()).equals(real)) {
                        return "origin " + o.name;
                    }
                }
                case SnapDev s -> {
                    if (s.cowPath().equals(real) || realPath(s.entry.cow()).equals(real)) {
                        return "snapshot " + s.name;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Claims {@code path} for {@code self} (null: a device being made) until {@link #unclaim}: refuses
     * a path another device uses or another operation is opening. Returns the real path.
     */
    synchronized String claim(String path, Dev self) {
        String real = realPath(path);
        String user = claimed.contains(real) ? "a device being made" : userOf(path, self);
        if (user != null) {
            throw new SnapshotException(path + " is in use by " + user + ": give each origin and COW its own file or device");
        }
        claimed.add(real);
        return real;
    }

    synchronized void unclaim(String real) {
        claimed.remove(real);
    }

    /** Every device, in creation order. */
    synchronized List<Dev> all() {
        return new ArrayList<>(devices.values());
    }

    synchronized List<OriginDev> origins() {
        List<OriginDev> l = new ArrayList<>();
        for (Dev d : devices.values()) {
            if (d instanceof OriginDev o) {
                l.add(o);
            }
        }
        return l;
    }

    synchronized List<SnapDev> snapshotsOf(OriginDev o) {
        List<SnapDev> l = new ArrayList<>();
        for (Dev d : devices.values()) {
            if (d instanceof SnapDev s && s.origin == o) {
                l.add(s);
            }
        }
        return l;
    }

    /** The configuration entries of every device, in creation order. */
    synchronized List<ConfigFile.Entry> entries() {
        List<ConfigFile.Entry> l = new ArrayList<>();
        for (Dev d : devices.values()) {
            l.add(d.entry());
        }
        return l;
    }
}
