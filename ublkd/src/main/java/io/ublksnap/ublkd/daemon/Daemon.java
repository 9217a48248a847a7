package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.MergeListener;
import io.ublksnap.engine.MergeStatus;
import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotConfig;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotStatus;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.engine.store.StoreUsage;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ffi.UblkFeatures;
import io.ublksnap.ublkd.device.UblkDevice;
import io.ublksnap.ublkd.io.FileBacking;
import io.ublksnap.ublkd.io.RingLoop;
import io.ublksnap.ublkd.io.NativeBufferAllocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The daemon's state and operations: origins and snapshots, each served as a ublk device, and the
 * configuration file that brings them back after a restart. Operations are serialized (one at a
 * time, from the control socket); every one either completes or changes nothing, and refuses bad
 * input with a one-line {@link SnapshotException}.
 */
public final class Daemon implements AutoCloseable {

    final class OriginDev {
        final String name;
        final FileBacking backing;
        final Origin origin;
        UblkDevice device;

        OriginDev(String name, FileBacking backing, Origin origin) {
            this.name = name;
            this.backing = backing;
            this.origin = origin;
        }
    }

    final class SnapDev {
        final String name;
        final OriginDev origin;
        final FileBacking cow;
        SnapshotTarget target;
        UblkDevice device;
        StoreType store;
        int chunkSectors;
        boolean merging;

        SnapDev(String name, OriginDev origin, FileBacking cow, SnapshotTarget target, StoreType store) {
            this.name = name;
            this.origin = origin;
            this.cow = cow;
            this.target = target;
            this.store = store;
        }
    }

    private final UblkControl control;
    private final long kernelFeatures;
    private final RingLoop controlLoop;
    private final UblkDevice.Options deviceOptions;
    private final Origin.Options engineOptions;
    private final Path configFile;
    private final Path linkDir;
    private final Consumer<String> log;
    private final Map<String, OriginDev> origins = new LinkedHashMap<>();
    private final Map<String, SnapDev> snapshots = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("ublkd-events").unstarted(r));
    private boolean closed;

    public Daemon(UblkControl control, UblkDevice.Options deviceOptions, Origin.Options engineOptions, Path configFile,
                  Path linkDir, Consumer<String> log) throws NativeException {
        this.control = control;
        this.kernelFeatures = control.getFeatures().orElse(-1);
        this.deviceOptions = deviceOptions;
        this.engineOptions = engineOptions;
        this.configFile = configFile;
        this.linkDir = linkDir;
        this.log = log;
        this.controlLoop = RingLoop.start("ublkd-control", 256);
    }

    public long kernelFeatures() {
        return kernelFeatures;
    }

    /**
     * Brings back the devices of the configuration file. An origin's device goes live only after its
     * snapshots are loaded and its merge (if any) resumed, so no write can reach the origin unseen.
     */
    public synchronized void restore() throws IOException {
        if (configFile == null || !Files.exists(configFile)) {
            return;
        }
        List<ConfigFile.Entry> entries = ConfigFile.read(configFile);
        for (ConfigFile.Entry e : entries) {
            if (e instanceof ConfigFile.OriginEntry o) {
                try {
                    createOrigin(o.name(), o.path(), false, false);
                } catch (IOException | RuntimeException ex) {
                    log.accept("cannot bring back origin " + o.name() + ": " + ex.getMessage());
                }
            }
        }
        for (ConfigFile.Entry e : entries) {
            if (e instanceof ConfigFile.SnapshotEntry s && !s.merging()) {
                try {
                    if (s.store() == StoreType.TRANSIENT) {
                        log.accept("transient snapshot " + s.name() + " did not survive the restart (N keeps its exceptions in memory only)");
                    } else {
                        createSnapshot(s.name(), s.origin(), s.cow(), s.store(), s.chunkSectors(), false);
                    }
                } catch (IOException | RuntimeException ex) {
                    log.accept("cannot bring back snapshot " + s.name() + ": " + ex.getMessage());
                }
            }
        }
        for (ConfigFile.Entry e : entries) {
            if (e instanceof ConfigFile.SnapshotEntry s && s.merging()) {
                try {
                    resumeMerge(s);
                } catch (IOException | RuntimeException ex) {
                    log.accept("cannot resume the merge of " + s.name() + ": " + ex.getMessage());
                }
            }
        }
        for (OriginDev o : List.copyOf(origins.values())) {
            if (o.device == null) {
                try {
                    startOriginDevice(o);
                } catch (IOException | RuntimeException ex) {
                    log.accept("cannot start origin " + o.name + ": " + ex.getMessage());
                }
            }
        }
        saveConfig();
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}")) {
            throw new SnapshotException("bad name '" + name + "': use letters, digits and _ . + - (up to 64), starting with a letter or digit");
        }
    }

    private void checkFree(String name) {
        if (origins.containsKey(name) || snapshots.containsKey(name)) {
            throw new SnapshotException("a device named " + name + " exists already: choose another name or remove it first");
        }
    }

    /** Which device uses backing path {@code real} (canonical), or null. */
    private String userOf(String real) {
        for (OriginDev o : origins.values()) {
            if (o.backing.name().equals(real)) {
                return "origin " + o.name;
            }
        }
        for (SnapDev s : snapshots.values()) {
            if (s.cow.name().equals(real)) {
                return "snapshot " + s.name;
            }
        }
        return null;
    }

    private FileBacking openUnused(String path) throws IOException {
        String real;
        try {
            real = Path.of(path).toRealPath().toString();
        } catch (IOException e) {
            real = path;
        }
        String user = userOf(real);
        if (user != null) {
            throw new SnapshotException(path + " is in use by " + user + ": give each origin and COW its own file or device");
        }
        return FileBacking.open(path);
    }

    // ---------------------------------------------------------------------------------------
    // Origins

    public synchronized Map<String, Object> createOrigin(String name, String path) throws IOException {
        return createOrigin(name, path, true, true);
    }

    private Map<String, Object> createOrigin(String name, String path, boolean save, boolean start) throws IOException {
        checkName(name);
        checkFree(name);
        FileBacking backing = openUnused(path);
        try {
            Origin origin = new Origin(name, backing, NativeBufferAllocator.INSTANCE, engineOptions, msg -> log.accept(name + ": " + msg));
            OriginDev o = new OriginDev(name, backing, origin);
            if (start) {
                startOriginDevice(o);
            }
            origins.put(name, o);
            order.add(name);
            if (save) {
                saveConfig();
            }
            return describe(name);
        } catch (IOException | RuntimeException e) {
            backing.close();
            throw e;
        }
    }

    private void startOriginDevice(OriginDev o) throws IOException {
        o.device = UblkDevice.create(control, kernelFeatures, o.name, o.origin,
                new UblkDevice.Geometry(o.backing.sizeSectors(), o.backing.logicalBlockSize(), o.backing.physicalBlockSize(),
                        o.backing.supportsDiscard()), deviceOptions);
        link(o.name, o.device);
        log.accept("origin " + o.name + " on " + o.backing.name() + " is " + o.device.blockPath()
                + (o.device.zeroCopy() ? " (zero copy)" : ""));
    }

    private OriginDev findOrigin(String ref) {
        OriginDev o = origins.get(ref);
        if (o != null) {
            return o;
        }
        String real;
        try {
            real = Path.of(ref).toRealPath().toString();
        } catch (IOException e) {
            real = ref;
        }
        for (OriginDev x : origins.values()) {
            if (x.backing.name().equals(real) || (x.device != null && x.device.blockPath().equals(real))) {
                return x;
            }
        }
        throw new SnapshotException("unknown origin '" + ref + "': create it first ('ublkd origin NAME PATH') or check 'ublkd list'");
    }

    // ---------------------------------------------------------------------------------------
    // Snapshots

    public synchronized Map<String, Object> createSnapshot(String name, String originRef, String cowPath, StoreType store,
                                                           int chunkSectors) throws IOException {
        return createSnapshot(name, originRef, cowPath, store, chunkSectors, true);
    }

    private Map<String, Object> createSnapshot(String name, String originRef, String cowPath, StoreType store,
                                               int chunkSectors, boolean save) throws IOException {
        checkName(name);
        checkFree(name);
        OriginDev o = findOrigin(originRef);
        FileBacking cow = openUnused(cowPath);
        SnapshotTarget target = null;
        try {
            target = o.origin.load(new SnapshotConfig(name, cow, store, chunkSectors));
            SnapshotTarget t = target;
            await(controlLoop.<Void>async(f -> o.origin.activate(t, controlLoop, err -> {
                if (err == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(err);
                }
            })));
            SnapDev s = new SnapDev(name, o, cow, target, store);
            s.chunkSectors = target.chunkSectors();
            s.device = UblkDevice.create(control, kernelFeatures, name, target,
                    new UblkDevice.Geometry(target.sizeSectors(), o.backing.logicalBlockSize(), o.backing.physicalBlockSize(), false),
                    deviceOptions);
            snapshots.put(name, s);
            order.add(name);
            link(name, s.device);
            if (save) {
                saveConfig();
            }
            log.accept("snapshot " + name + " of " + o.name + " on " + cow.name() + " (" + store.code() + " " + s.chunkSectors
                    + ") is " + s.device.blockPath() + ": " + target.status().infoLine());
            return describe(name);
        } catch (IOException | RuntimeException e) {
            if (target != null) {
                SnapshotTarget t = target;
                try {
                    await(controlLoop.<Void>async(f -> o.origin.remove(t, controlLoop, () -> f.complete(null))));
                } catch (IOException | RuntimeException ignored) {
                    // the first error is the one to report
                }
            }
            cow.close();
            throw e;
        }
    }

    /** Loads a dm table line as device {@code name}: snapshot-origin, snapshot or snapshot-merge. */
    public synchronized Map<String, Object> load(String name, String table) throws IOException {
        TableLine t = TableLine.parse(table);
        if (t.isOrigin()) {
            return createOrigin(name, t.origin());
        }
        if (t.isMerge()) {
            SnapDev s = snapshots.get(name);
            if (s == null || !s.cow.name().equals(realPath(t.cow()))) {
                throw new SnapshotException("snapshot-merge takes over a live snapshot: load it as the name of the snapshot on COW " + t.cow());
            }
            return merge(name);
        }
        return createSnapshot(name, t.origin(), t.cow(), t.store(), t.chunkSectors());
    }

    private static String realPath(String p) {
        try {
            return Path.of(p).toRealPath().toString();
        } catch (IOException e) {
            return p;
        }
    }

    /**
     * Replaces a snapshot's table on its live device: the new instance takes over the old one's
     * exception state (handover: nothing re-read, pending exceptions included) while the device's
     * requests are held back, then gets them. The COW must stay the same.
     */
    public synchronized Map<String, Object> reload(String name, String table) throws IOException {
        TableLine t = TableLine.parse(table);
        if (t.isMerge()) {
            return merge(name);
        }
        SnapDev s = snapshots.get(name);
        if (s == null) {
            if (origins.containsKey(name) && t.isOrigin()) {
                OriginDev o = origins.get(name);
                if (!o.backing.name().equals(realPath(t.origin()))) {
                    throw new SnapshotException("reload of origin " + name + " must keep its device " + o.backing.name());
                }
                return describe(name); // same table: nothing to change
            }
            throw new SnapshotException("unknown snapshot '" + name + "': see 'ublkd list'");
        }
        if (!t.isSnapshot()) {
            throw new SnapshotException("reload of snapshot " + name + " needs a 'snapshot ORIGIN COW P|PO|N CHUNK' table");
        }
        if (s.merging) {
            throw new SnapshotException("snapshot " + name + " is merging: its table cannot change until the merge is done");
        }
        if (!s.cow.name().equals(realPath(t.cow()))) {
            throw new SnapshotException("reload must keep the COW of " + name + " (" + s.cow.name()
                    + "): the exceptions are handed over on it; to use another COW, remove the snapshot and create a new one");
        }
        if (findOrigin(t.origin()) != s.origin) {
            throw new SnapshotException("reload must keep the origin of " + name + " (" + s.origin.name + ")");
        }
        SnapshotTarget old = s.target;
        SnapshotTarget next = s.origin.origin.load(new SnapshotConfig(name, s.cow, t.store(), t.chunkSectors()));
        try {
            await(controlLoop.<Void>async(f -> old.suspend(() -> controlLoop.execute(() -> {
                try {
                    s.origin.origin.activate(next, controlLoop, err -> {
                        if (err != null) {
                            f.completeExceptionally(err);
                            return;
                        }
                        s.device.target(next);
                        old.resumeInto(next);
                        f.complete(null);
                    });
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }))));
        } catch (IOException | RuntimeException e) {
            await(controlLoop.<Void>async(f -> s.origin.origin.remove(next, controlLoop, () -> f.complete(null))));
            old.resume();
            throw e;
        }
        s.target = next;
        s.store = t.store();
        s.chunkSectors = next.chunkSectors();
        saveConfig();
        log.accept("snapshot " + name + " reloaded: " + next.tableLine(s.origin.backing.name(), s.cow.name()));
        return describe(name);
    }

    // ---------------------------------------------------------------------------------------
    // Merge

    /**
     * Starts merging snapshot {@code name} into its origin, online. The snapshot's own device fails
     * I/O from now on (as in the kernel); when the merge is done the snapshot is removed.
     */
    public synchronized Map<String, Object> merge(String name) throws IOException {
        SnapDev s = snapshots.get(name);
        if (s == null) {
            throw new SnapshotException("unknown snapshot '" + name + "': see 'ublkd list'");
        }
        if (s.merging) {
            return describe(name);
        }
        if (!s.store.persistent()) {
            throw new SnapshotException("snapshot " + name + " is transient (N): only persistent snapshots (P, PO) can be merged");
        }
        s.origin.origin.startMerge(s.target, controlLoop, mergeListener(s));
        s.merging = true;
        saveConfig();
        return describe(name);
    }

    private void resumeMerge(ConfigFile.SnapshotEntry e) throws IOException {
        OriginDev o = findOrigin(e.origin());
        FileBacking cow = openUnused(e.cow());
        try {
            SnapDev s = new SnapDev(e.name(), o, cow, null, e.store());
            s.chunkSectors = e.chunkSectors();
            s.merging = true;
            CompletableFuture<Void> f = controlLoop.async(fut -> {
                try {
                    o.origin.resumeMerge(new SnapshotConfig(e.name(), cow, e.store(), e.chunkSectors()), controlLoop, mergeListener(s));
                    fut.complete(null);
                } catch (IOException ex) {
                    fut.completeExceptionally(ex);
                }
            });
            await(f);
            snapshots.put(e.name(), s);
            order.add(e.name());
            log.accept("resuming the merge of " + e.name() + " into " + o.name);
        } catch (IOException | RuntimeException ex) {
            cow.close();
            throw ex;
        }
    }

    private MergeListener mergeListener(SnapDev s) {
        return new MergeListener() {
            @Override
            public void completed() {
                events.execute(() -> mergeDone(s));
            }

            @Override
            public void failed(String reason) {
                log.accept("merge of " + s.name + " failed: " + reason);
            }
        };
    }

    private synchronized void mergeDone(SnapDev s) {
        log.accept("merge of " + s.name + " into " + s.origin.name + " complete; removing the snapshot");
        try {
            if (s.device != null) {
                s.device.delete();
            }
            s.cow.close();
        } catch (IOException | RuntimeException e) {
            log.accept("removing merged snapshot " + s.name + ": " + e.getMessage());
        }
        unlink(s.name);
        snapshots.remove(s.name);
        order.remove(s.name);
        saveQuietly();
    }

    // ---------------------------------------------------------------------------------------
    // Removal

    public synchronized void remove(String name) throws IOException {
        SnapDev s = snapshots.get(name);
        if (s != null) {
            if (s.merging) {
                throw new SnapshotException("snapshot " + name + " is merging into " + s.origin.name + " and cannot be removed until the merge is done");
            }
            s.device.stop();
            SnapshotTarget t = s.target;
            await(controlLoop.<Void>async(f -> s.origin.origin.remove(t, controlLoop, () -> f.complete(null))));
            s.device.delete();
            s.cow.close();
            snapshots.remove(name);
            order.remove(name);
            unlink(name);
            saveConfig();
            log.accept("snapshot " + name + " removed");
            return;
        }
        OriginDev o = origins.get(name);
        if (o == null) {
            throw new SnapshotException("unknown device '" + name + "': see 'ublkd list'");
        }
        List<String> snaps = snapshots.values().stream().filter(x -> x.origin == o).map(x -> x.name).toList();
        if (!snaps.isEmpty()) {
            throw new SnapshotException("origin " + name + " still has snapshots " + String.join(", ", snaps) + ": remove them first");
        }
        if (o.device != null) {
            o.device.delete();
        }
        o.backing.close();
        origins.remove(name);
        order.remove(name);
        unlink(name);
        saveConfig();
        log.accept("origin " + name + " removed");
    }

    // ---------------------------------------------------------------------------------------
    // Status

    /** Names in creation order. */
    public synchronized List<String> names() {
        return List.copyOf(order);
    }

    /** One device as data (the JSON of {@code status --json} and {@code list --json}). */
    public synchronized Map<String, Object> describe(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        OriginDev o = origins.get(name);
        if (o != null) {
            m.put("name", name);
            m.put("role", "origin");
            m.put("device", o.device != null ? o.device.blockPath() : null);
            m.put("backing", o.backing.name());
            m.put("sectors", o.backing.sizeSectors());
            MergeStatus ms = o.origin.mergeStatus();
            m.put("target", ms != null ? "snapshot-merge" : "snapshot-origin");
            m.put("table", "0 " + o.backing.sizeSectors() + " snapshot-origin " + o.backing.name());
            m.put("status", "");
            if (ms != null) {
                SnapDev merging = snapshots.get(ms.snapshot());
                m.put("table", "0 " + o.backing.sizeSectors() + " snapshot-merge " + o.backing.name() + " "
                        + (merging != null ? merging.cow.name() + " " + merging.store.code() + " " + merging.chunkSectors : ""));
                m.put("merge", mergeMap(ms));
                m.put("status", mergeInfoLine(ms, merging));
            }
            m.put("snapshots", snapshots.values().stream().filter(x -> x.origin == o).map(x -> x.name).toList());
            m.put("queues", o.device != null ? o.device.queueCount() : 0);
            m.put("zero_copy", o.device != null && o.device.zeroCopy());
            return m;
        }
        SnapDev s = snapshots.get(name);
        if (s == null) {
            throw new SnapshotException("unknown device '" + name + "': see 'ublkd list'");
        }
        m.put("name", name);
        m.put("role", "snapshot");
        m.put("device", s.device != null ? s.device.blockPath() : null);
        m.put("origin", s.origin.name);
        m.put("cow", s.cow.name());
        m.put("store", s.store.code());
        m.put("chunk_sectors", s.chunkSectors);
        long sectors = s.target != null ? s.target.sizeSectors() : s.origin.backing.sizeSectors();
        m.put("sectors", sectors);
        m.put("table", "0 " + sectors + " snapshot " + s.origin.backing.name() + " " + s.cow.name() + " " + s.store.code() + " " + s.chunkSectors);
        if (s.merging) {
            MergeStatus ms = s.origin.origin.mergeStatus();
            m.put("state", ms != null && ms.state().equals("failed") ? "merge failed" : "merging");
            m.put("status", "Invalid"); // the kernel: the merging snapshot's own device fails I/O
            if (ms != null) {
                m.put("merge", mergeMap(ms));
            }
        } else {
            SnapshotStatus st = s.target.status();
            m.put("state", st.state());
            m.put("status", st.infoLine());
            m.put("valid", st.valid());
            m.put("overflow", st.overflow());
            m.put("exceptions", st.exceptions());
            m.put("pending", st.pending());
            if (st.usage() != null) {
                StoreUsage u = st.usage();
                m.put("allocated_sectors", u.allocatedSectors());
                m.put("total_sectors", u.totalSectors());
                m.put("metadata_sectors", u.metadataSectors());
                m.put("used_percent", u.totalSectors() == 0 ? 0.0 : 100.0 * u.allocatedSectors() / u.totalSectors());
            }
        }
        return m;
    }

    private static String mergeInfoLine(MergeStatus ms, SnapDev merging) {
        if (ms.state().equals("failed")) {
            return "Merge failed";
        }
        if (merging == null) {
            return "";
        }
        // dm's snapshot-merge INFO: the merging store's usage; done when allocated == metadata.
        long cs = ms.chunkSectors();
        long left = ms.total() - ms.merged();
        return ((left + 2) * cs) + "/" + merging.cow.sizeSectors() + " " + (2 * cs);
    }

    private static Map<String, Object> mergeMap(MergeStatus ms) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", ms.snapshot());
        m.put("state", ms.state());
        m.put("merged_chunks", ms.merged());
        m.put("total_chunks", ms.total());
        m.put("chunk_sectors", ms.chunkSectors());
        m.put("bytes_per_second", ms.bytesPerSecond());
        m.put("seconds_left", ms.secondsLeft());
        if (ms.error() != null) {
            m.put("error", ms.error());
        }
        return m;
    }

    public synchronized List<Map<String, Object>> describeAll() {
        List<Map<String, Object>> l = new ArrayList<>();
        for (String n : order) {
            l.add(describe(n));
        }
        return l;
    }

    public Map<String, Object> features() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mask", kernelFeatures);
        m.put("names", kernelFeatures < 0 ? List.of() : UblkFeatures.names(kernelFeatures));
        m.put("encoding", control.encoding().name());
        return m;
    }

    // ---------------------------------------------------------------------------------------

    private void link(String name, UblkDevice dev) {
        if (linkDir == null) {
            return;
        }
        try {
            Files.createDirectories(linkDir);
            Path link = linkDir.resolve(name);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(dev.blockPath()));
        } catch (IOException e) {
            log.accept("cannot create " + linkDir.resolve(name) + ": " + e.getMessage());
        }
    }

    private void unlink(String name) {
        if (linkDir == null) {
            return;
        }
        try {
            Files.deleteIfExists(linkDir.resolve(name));
        } catch (IOException e) {
            log.accept("cannot remove " + linkDir.resolve(name) + ": " + e.getMessage());
        }
    }

    private void saveConfig() throws IOException {
        if (configFile == null) {
            return;
        }
        List<ConfigFile.Entry> entries = new ArrayList<>();
        for (String n : order) {
            OriginDev o = origins.get(n);
            if (o != null) {
                entries.add(new ConfigFile.OriginEntry(n, o.backing.name()));
                continue;
            }
            SnapDev s = snapshots.get(n);
            if (s != null) {
                entries.add(new ConfigFile.SnapshotEntry(n, s.origin.name, s.cow.name(), s.store, s.chunkSectors, s.merging));
            }
        }
        ConfigFile.write(configFile, entries);
    }

    private void saveQuietly() {
        try {
            saveConfig();
        } catch (IOException e) {
            log.accept("cannot write " + configFile + ": " + e.getMessage());
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c.getMessage(), c);
        }
    }

    /**
     * Graceful stop: merges pause (they resume at the next start), every device stops taking
     * requests and finishes the ones in flight, metadata is committed, backing devices are flushed,
     * devices are deleted.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (OriginDev o : origins.values()) {
            try {
                await(controlLoop.<Void>async(f -> o.origin.stopMerge(() -> f.complete(null))));
            } catch (IOException | RuntimeException e) {
                log.accept("stopping the merge on " + o.name + ": " + e.getMessage());
            }
        }
        List<UblkDevice> devices = new ArrayList<>();
        for (String n : order.reversed()) {
            SnapDev s = snapshots.get(n);
            if (s != null && s.device != null) {
                devices.add(s.device);
            }
            OriginDev o = origins.get(n);
            if (o != null && o.device != null) {
                devices.add(o.device);
            }
        }
        for (UblkDevice d : devices) {
            try {
                d.stop();
            } catch (IOException | RuntimeException e) {
                log.accept("stopping " + d + ": " + e.getMessage());
            }
        }
        for (UblkDevice d : devices) {
            try {
                d.delete();
            } catch (IOException | RuntimeException e) {
                log.accept("deleting " + d + ": " + e.getMessage());
            }
        }
        for (SnapDev s : snapshots.values()) {
            flushAndClose(s.cow);
            unlink(s.name);
        }
        for (OriginDev o : origins.values()) {
            flushAndClose(o.backing);
            unlink(o.name);
        }
        controlLoop.requestStop();
        try {
            controlLoop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.shutdown();
        log.accept("stopped");
    }

    private void flushAndClose(FileBacking b) {
        try {
            b.flushSync();
            b.close();
        } catch (IOException e) {
            log.accept("closing " + b.name() + ": " + e.getMessage());
        }
    }
}
