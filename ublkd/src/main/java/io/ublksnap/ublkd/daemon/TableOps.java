package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.ChunkSize;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotConfig;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.Names;
import io.ublksnap.ublkd.daemon.Registry.Dev;
import io.ublksnap.ublkd.daemon.Registry.Family;
import io.ublksnap.ublkd.daemon.Registry.OriginDev;
import io.ublksnap.ublkd.daemon.Registry.SnapDev;
import io.ublksnap.ublkd.io.FileBacking;
import io.ublksnap.ublkd.log.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The table operations: create origins and snapshots, load and reload dm tables, merge, remove,
 * and bring configured devices up ({@link #activate}). Operations on one origin and its snapshots
 * (a {@link Family}) run one at a time; operations on different origins, and status, do not wait
 * for each other. An operation that cannot get its family within {@code laneWait} is refused as
 * busy, naming what runs. Every operation either completes or changes nothing it could undo, and
 * refuses bad input with a one-line {@link SnapshotException}. Operations of one origin and its
 * snapshots run one at a time ({@link Lanes}).
 */
final class TableOps {
    private final Registry registry;
    private final Lifecycle engine;
    private final DeviceHost host;
    private final Persistence persistence;
    private final Links links;
    private final Wanted wanted;
    private final Backings backings;
    private final StatusView view;
    private final Consumer<String> log;
    private final Lanes lanes;
    private final FillMonitor fill;

    TableOps(Registry registry, Lifecycle engine, DeviceHost host, Persistence persistence, Links links, Wanted wanted,
             Backings backings, StatusView view, Consumer<String> log, Duration laneWait, FillMonitor fill) {
        this.wanted = wanted;
        this.fill = fill;
        this.backings = backings;
        this.registry = registry;
        this.engine = engine;
        this.host = host;
        this.persistence = persistence;
        this.links = links;
        this.view = view;
        this.log = log;
        this.lanes = new Lanes(registry, laneWait);
    }

    Lanes lanes() {
        return lanes;
    }

    // -------------------------------------------------------------------------------------------
    // Paths

    /** A backing path as the daemon takes it: absolute (the daemon runs in /), and text the config file can hold. */
    static String checkPath(String what, String path) {
        if (path == null || path.isEmpty()) {
            throw new SnapshotException("no " + what + " given");
        }
        if (!path.startsWith("/")) {
            throw new SnapshotException(what + " '" + path + "' is not an absolute path: the daemon runs in /, give the full path");
        }
        ConfigFile.checkWritable(what + " " + path, path);
        return path;
    }

    /** Opens a backing no other device uses; the path stays claimed until the running operation ends. */
    private FileBacking openUnused(String path, Dev self) throws IOException {
        lanes.claim(path, self);
        return backings.open(path);
    }

    /**
     * Serves a device with ublk device id {@code id} (taken: another, unless {@code required}); udev's
     * names file for it is in place before its disk appears, and goes if it does not start. A device
     * of the configuration ({@code mayTakeOver}) whose id an earlier daemon left behind takes that
     * device over: the same disk, its users only stalled.
     */
    private DeviceHost.Served serve(String name, io.ublksnap.engine.Target target, DeviceHost.Geometry g, int id, boolean required,
                                    boolean mayTakeOver) throws IOException {
        boolean[] announced = new boolean[1];
        Consumer<String> announce = blockPath -> {
            links.announce(name, blockPath);
            announced[0] = true;
        };
        try {
            if (mayTakeOver && id >= 0 && host.leftBehind(id)) {
                DeviceHost.Served d = host.takeOver(name, target, g, id, announce);
                log.accept(name + " took over /dev/ublkb" + id + ", which an earlier ublkd left behind: its requests go on");
                return d;
            }
            return host.serve(name, target, g, id, required, announce);
        } catch (IOException | RuntimeException e) {
            if (announced[0]) {
                links.unlink(name);
            }
            throw e;
        }
    }

    /** A device's geometry; {@code discardSectors} its discard granularity and largest discard (0: it takes none). */
    private static DeviceHost.Geometry geometry(long sectors, FileBacking b, int discardSectors, boolean readOnly) {
        return new DeviceHost.Geometry(sectors, b.logicalBlockSize(), b.physicalBlockSize(), discardSectors, readOnly);
    }

    // -------------------------------------------------------------------------------------------
    // Origins

    DeviceInfo createOrigin(String name, String path, long createBytes, boolean readOnly, int devId) throws IOException {
        Names.check(name);
        checkPath("origin path", path);
        registry.reserve(name);
        try {
            OriginDev o = new OriginDev(new ConfigFile.OriginEntry(name, path, readOnly, devId));
            o.idRequired = devId >= 0;
            return lanes.inFamily(o.family, "create origin " + name, () -> {
                SparseFiles.Created created = backings.createSparse(path, createBytes);
                try {
                    FileBacking b = openUnused(path, null);
                    try {
                        o.backing = b;
                        o.target = engine.newOrigin(name, b, Log.of(log).prefixed(name + ": "));
                        engine.watchFill(o.target, fill.listener());
                        startOriginDevice(o);
                        registry.add(o);
                        try {
                            persistence.save(registry);
                        } catch (IOException | RuntimeException e) {
                            registry.remove(o);
                            links.unlink(name);
                            o.device.delete();
                            throw e;
                        }
                        return view.describe(o);
                    } catch (IOException | RuntimeException e) {
                        b.close();
                        throw e;
                    }
                } catch (IOException | RuntimeException e) {
                    created.undo();
                    throw e;
                }
            });
        } finally {
            registry.release(name);
        }
    }

    private void startOriginDevice(OriginDev o) throws IOException {
        FileBacking b = o.backing;
        // No discards: dm-snapshot's snapshot-origin takes none (see Origin.map).
        ConfigFile.OriginEntry e = o.entry;
        o.device = serve(o.name, o.target, geometry(b.sizeSectors(), b, 0, e.readOnly()), e.devId(), o.idRequired, o.mayTakeOver);
        o.idRequired = false;
        o.mayTakeOver = false;
        o.entry = e.withDevId(o.device.devId());
        if (e.devId() >= 0 && e.devId() != o.device.devId()) {
            Log.of(log).warning("origin " + o.name + " was /dev/ublkb" + e.devId() + ", which is in use: it is " + o.device.blockPath() + " now");
        }
        o.reason = null;
        links.link(o.name, o.device.blockPath());
        log.accept("origin " + o.name + " on " + b.name() + " is " + o.device.blockPath() + transport(o.device));
    }

    /** How the device's requests cross ublk, for the log: " (zero copy, batch I/O)", or nothing for the plainest. */
    private static String transport(DeviceHost.Served d) {
        String how = (d.zeroCopy() ? ", zero copy" : "") + (d.batchIo() ? ", batch I/O" : "");
        return how.isEmpty() ? "" : " (" + how.substring(2) + ")";
    }

    // -------------------------------------------------------------------------------------------
    // Snapshots

    /**
     * Creates a snapshot. Its entry is in the configuration before the snapshot is activated, so
     * that a crash at any moment from then on brings it back at the next start (origin writes may
     * already have made exceptions in it); a creation that fails takes the entry out again.
     */
    DeviceInfo createSnapshot(String name, String originRef, String cowPath, StoreType store, int chunkSectors, long createBytes,
                              boolean init, Set<SnapshotFeature> features, Autoextend autoextend, boolean readOnly, int devId) throws IOException {
        Names.check(name);
        checkPath("COW path", cowPath);
        OriginDev o = registry.origin(originRef);
        registry.reserve(name);
        try {
            return lanes.inFamily(o.family, "create snapshot " + name, () -> {
                if (registry.get(o.name) != o) {
                    throw new SnapshotException("origin " + o.name + " was removed meanwhile: see 'ublkd list'");
                }
                if (o.target == null) {
                    throw new SnapshotException("origin " + o.name + " is not active (" + o.reason + "): bring it up first with 'ublkd activate " + o.name + "'");
                }
                SparseFiles.Created created = backings.createSparse(cowPath, createBytes);
                try {
                    // Until the COW is open its chunk may be unknown (0: "the COW's own"): the entry
                    // holds the default meanwhile, which a persistent COW's header overrides when it
                    // comes back, as the kernel's store does. Saved again once the snapshot is up.
                    int provisional = chunkSectors != 0 ? chunkSectors : ChunkSize.DEFAULT_SECTORS;
                    SnapDev s = new SnapDev(new ConfigFile.SnapshotEntry(name, o.name, cowPath, store, provisional, false,
                            features, autoextend, readOnly, devId), o);
                    s.idRequired = devId >= 0;
                    s.reason = "being created";
                    registry.add(s);
                    try {
                        persistence.save(registry);
                        bringUp(s, init);
                    } catch (IOException | RuntimeException e) {
                        registry.remove(s);
                        persistence.saveQuietly(registry);
                        throw e;
                    }
                    s.reason = null;
                    persistence.saveQuietly(registry); // the snapshot is up: a failure here is logged, not undone
                    return view.describe(s);
                } catch (IOException | RuntimeException e) {
                    created.undo();
                    throw e;
                }
            });
        } finally {
            registry.release(name);
        }
    }

    /** Opens a snapshot's COW, loads and activates its table and serves its device; undoes what it did on failure. */
    private void bringUp(SnapDev s, boolean init) throws IOException {
        OriginDev o = s.origin;
        ConfigFile.SnapshotEntry e = s.entry;
        FileBacking cow = openUnused(e.cow(), s);
        SnapshotTarget target = null;
        try {
            if (e.autoextend() != null && e.autoextend().on() && cow.blockDevice()) {
                throw new SnapshotException("autoextend grows COW files only, and the COW of " + s.name + " is the block device "
                        + cow.name() + ": grow it yourself (lvextend, 'losetup -c') and run 'ublkd extend " + s.name + "'");
            }
            SnapshotConfig config = new SnapshotConfig(s.name, cow, e.store(), e.chunkSectors(), init, e.features());
            if (!e.store().persistent() && s.mayTakeOver) {
                // A transient snapshot in the configuration at start: only one whose device a dead
                // daemon left behind (Persistence.load), and its exceptions died with that daemon.
                target = engine.loadLost(o.target, config, o.target.sizeSectors());
            } else {
                target = Lanes.await(engine.load(o.target, config));
                Lanes.await(engine.activate(o.target, target));
            }
            s.device = serve(s.name, target, geometry(target.sizeSectors(), o.backing, target.discardSectors(), e.readOnly()),
                    e.devId(), s.idRequired, s.mayTakeOver);
        } catch (IOException | RuntimeException ex) {
            if (target != null) {
                try {
                    Lanes.await(engine.remove(o.target, target));
                } catch (IOException | RuntimeException ignored) {
                    // the first error is the one to report
                }
            }
            cow.close();
            throw ex;
        }
        s.cow = cow;
        s.target = target;
        s.entry = e.withChunk(target.chunkSectors()).withDevId(s.device.devId());
        s.idRequired = false;
        s.mayTakeOver = false;
        if (e.devId() >= 0 && e.devId() != s.device.devId()) {
            Log.of(log).warning("snapshot " + s.name + " was /dev/ublkb" + e.devId() + ", which is in use: it is " + s.device.blockPath() + " now");
        }
        s.reason = null;
        links.link(s.name, s.device.blockPath());
        log.accept("snapshot " + s.name + " of " + o.name + " on " + cow.name() + " (" + e.store().code() + " " + target.chunkSectors()
                + SnapshotFeature.tableArgs(e.features()) + ") is " + s.device.blockPath() + transport(s.device));
        engine.autoGrow(o.target, target, fill.threshold(s, cow)); // may ask for a growth at once
    }

    /** Stops a live snapshot's device and removes its table (its COW is invalidated). */
    private void takeDown(SnapDev s) throws IOException {
        s.device.stop();
        Lanes.await(engine.remove(s.origin.target, s.target));
        s.device.delete();
        s.cow.close();
        links.unlink(s.name);
    }

    /** Loads a dm table line as device {@code name}: snapshot-origin, snapshot or snapshot-merge. */
    DeviceInfo load(String name, String table) throws IOException {
        TableLine t = TableLine.parse(table);
        if (t.isOrigin()) {
            return createOrigin(name, t.origin(), 0, false, DeviceHost.ANY_ID);
        }
        if (t.isMerge()) {
            if (!(registry.get(name) instanceof SnapDev s) || !s.cowPath().equals(Registry.realPath(t.cow()))) {
                throw new SnapshotException("snapshot-merge takes over a live snapshot: load it as the name of the snapshot on COW " + t.cow());
            }
            return merge(name);
        }
        return createSnapshot(name, t.origin(), t.cow(), t.store(), t.chunkSectors(), 0, false, t.features(), null, false, DeviceHost.ANY_ID);
    }

    /**
     * Replaces a snapshot's table on its live device: the new instance takes over the old one's
     * exception state (handover: nothing re-read, pending exceptions included) while the device's
     * requests are held back, then gets them. The COW must stay the same.
     */
    DeviceInfo reload(String name, String table) throws IOException {
        TableLine t = TableLine.parse(table);
        if (t.isMerge()) {
            return merge(name);
        }
        Dev d = registry.get(name);
        if (d instanceof OriginDev o && t.isOrigin()) {
            if (!o.path().equals(Registry.realPath(t.origin()))) {
                throw new SnapshotException("reload of origin " + name + " must keep its device " + o.path());
            }
            return view.describe(o); // same table: nothing to change
        }
        if (!(d instanceof SnapDev s)) {
            throw new SnapshotException("unknown snapshot '" + name + "': see 'ublkd list'");
        }
        if (!t.isSnapshot()) {
            throw new SnapshotException("reload of snapshot " + name + " needs a 'snapshot ORIGIN COW P|PO|N CHUNK' table");
        }
        return lanes.inFamily(s.family(), "reload " + name, () -> {
            if (s.merging) {
                throw new SnapshotException("snapshot " + name + " is merging: its table cannot change until the merge is done");
            }
            if (s.target == null || s.device == null) {
                throw new SnapshotException("snapshot " + name + " is not active (" + s.reason + "): bring it up first with 'ublkd activate " + name + "'");
            }
            if (!s.cowPath().equals(Registry.realPath(t.cow()))) {
                throw new SnapshotException("reload must keep the COW of " + name + " (" + s.cowPath()
                        + "): the exceptions are handed over on it; to use another COW, remove the snapshot and create a new one");
            }
            if (registry.origin(t.origin()) != s.origin) {
                throw new SnapshotException("reload must keep the origin of " + name + " (" + s.origin.name + ")");
            }
            if (!t.features().equals(s.entry.features())) {
                throw new SnapshotException("reload of " + name + " cannot change its features (now '"
                        + SnapshotFeature.tableArgs(s.entry.features()).trim() + "'): its device's discard limits are set when it"
                        + " starts; change them in the configuration file while ublkd is stopped");
            }
            Origin origin = s.origin.target;
            SnapshotTarget old = s.target;
            DeviceHost.Served dev = s.device;
            SnapshotTarget next = Lanes.await(engine.reload(origin, old,
                    new SnapshotConfig(name, s.cow, t.store(), t.chunkSectors(), false, t.features()), dev::retarget));
            s.target = next;
            s.entry = s.entry.reloaded(s.entry.cow(), t.store(), next.chunkSectors(), t.features());
            persistence.save(registry);
            log.accept("snapshot " + name + " reloaded: " + next.tableLine(s.origin.path(), s.cowPath()));
            return view.describe(s);
        });
    }

    // -------------------------------------------------------------------------------------------
    // Merge

    /**
     * Merges snapshot {@code name} into its origin, online. Answers once the origin has switched to
     * the merge (it shows the snapshot's image from then on); the snapshot's own device fails I/O
     * from then on (as in the kernel), and the snapshot is removed when the merge is done. The
     * configuration says "merge" before the switch, so a crash at any point resumes it.
     */
    DeviceInfo merge(String name) throws IOException {
        SnapDev s = registry.snapshot(name);
        return lanes.inFamily(s.family(), "merge " + name, () -> {
            if (s.merging) {
                return view.describe(s);
            }
            if (s.target == null) {
                throw new SnapshotException("snapshot " + name + " is not active (" + s.reason + "): bring it up first with 'ublkd activate " + name + "'");
            }
            if (!s.entry.store().persistent()) {
                throw new SnapshotException("snapshot " + name + " is transient (N): only persistent snapshots (P, PO) can be merged");
            }
            ConfigFile.SnapshotEntry before = s.entry;
            s.merging = true;
            s.entry = before.merging(true);
            try {
                persistence.save(registry);
                Lanes.await(engine.startMerge(s.origin.target, s.target, events(s)));
            } catch (IOException | RuntimeException e) {
                s.merging = false;
                s.entry = before;
                persistence.saveQuietly(registry);
                throw e;
            }
            s.mergeRunning = true;
            log.accept("merging " + name + " into " + s.origin.name);
            return view.describe(s);
        });
    }

    /** What the daemon does when the merge of {@code s}, starting (or resuming) now, ends. */
    private Lifecycle.MergeEvents events(SnapDev s) {
        long started = System.nanoTime();
        return new Lifecycle.MergeEvents() {
            @Override
            public void completed() {
                long took = System.nanoTime() - started;
                Thread.ofVirtual().name("ublkd-merge-done").start(() -> mergeDone(s, took));
            }

            @Override
            public void failed(String reason) {
                Log.of(log).error("merge of " + s.name + " failed: " + reason);
            }
        };
    }

    private void mergeDone(SnapDev s, long tookNanos) {
        try {
            lanes.inFamilyEventually(s.family(), "finish the merge of " + s.name, () -> {
                log.accept(String.format(Locale.ROOT, "merge of %s into %s complete in %.3f s; removing the snapshot",
                        s.name, s.origin.name, tookNanos / 1e9));
                try {
                    if (s.device != null) {
                        s.device.delete();
                    }
                    if (s.cow != null) {
                        s.cow.close();
                    }
                } catch (IOException | RuntimeException e) {
                    Log.of(log).error("removing merged snapshot " + s.name + ": " + e.getMessage());
                }
                links.unlink(s.name);
                registry.remove(s);
                persistence.saveQuietly(registry);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            Log.of(log).error("finishing the merge of " + s.name + ": " + e.getMessage());
        }
    }

    private void resumeMerge(SnapDev s) throws IOException {
        OriginDev o = s.origin;
        ConfigFile.SnapshotEntry e = s.entry;
        FileBacking cow = openUnused(e.cow(), s);
        try {
            s.cow = cow;
            Lanes.await(engine.resumeMerge(o.target, new SnapshotConfig(s.name, cow, e.store(), e.chunkSectors()), events(s)));
        } catch (IOException | RuntimeException ex) {
            s.cow = null;
            cow.close();
            throw ex;
        }
        s.mergeRunning = true;
        s.reason = null;
        log.accept("resuming the merge of " + s.name + " into " + o.name);
    }

    // -------------------------------------------------------------------------------------------
    // COW growth

    /** The largest COW size 'extend' takes. */
    static final long MAX_COW_BYTES = 1L << 60;

    /**
     * Grows the COW of a live snapshot online, or sets its autoextend, or both: {@code sizeBytes}
     * (absolute, or added with {@code relative}) grows a COW file; without it the COW is taken at
     * the size it has now (a block device, or a file, grown underneath). {@code autoextend}, when
     * given, becomes the snapshot's own (kept in the configuration). With only an autoextend given,
     * nothing is grown.
     */
    DeviceInfo extend(String name, long sizeBytes, boolean relative, Autoextend autoextend) throws IOException {
        SnapDev s = registry.snapshot(name);
        return lanes.inFamily(s.family(), "extend " + name, () -> {
            if (s.merging) {
                throw new SnapshotException("snapshot " + name + " is merging into " + s.origin.name + ": its COW only empties from here");
            }
            if (s.target == null || s.cow == null) {
                throw new SnapshotException("snapshot " + name + " is not active (" + s.reason + "): bring it up first with 'ublkd activate "
                        + name + "'");
            }
            FileBacking cow = s.cow;
            if (autoextend != null && autoextend.on() && cow.blockDevice()) {
                throw new SnapshotException("autoextend grows COW files only, and the COW of " + name + " is the block device "
                        + cow.name() + ": grow it yourself (lvextend, 'losetup -c') and run 'ublkd extend " + name + "'");
            }
            if (sizeBytes < 0) { // 0 is "no size": take the COW at the size it has now
                throw new SnapshotException("bad size " + sizeBytes + " for the COW of " + name + ": a COW never shrinks; give its new"
                        + " size or +SIZE to add");
            }
            if (sizeBytes > MAX_COW_BYTES) {
                throw new SnapshotException("bad size " + sizeBytes + ": at most " + MAX_COW_BYTES + " bytes (1 EiB)");
            }
            if (sizeBytes > 0 || autoextend == null) {
                long want = sizeBytes <= 0 ? -1 : relative ? cow.refreshSize() + sizeBytes : sizeBytes;
                fill.extend(s, want);
            }
            if (autoextend != null) {
                ConfigFile.SnapshotEntry before = s.entry;
                s.entry = before.withAutoextend(autoextend);
                try {
                    persistence.save(registry);
                } catch (IOException | RuntimeException e) {
                    s.entry = before;
                    throw e;
                }
                engine.autoGrow(s.origin.target, s.target, fill.threshold(s, cow));
                log.accept("snapshot " + name + ": autoextend " + autoextend);
            }
            return view.describe(s);
        });
    }

    // -------------------------------------------------------------------------------------------
    // Removal

    /**
     * Removes a device. One that is open (mounted, stacked on, used by a process) is refused, as
     * dmsetup refuses a device whose open count is not 0, unless {@code force}: then its users'
     * requests in flight are finished first and every later one fails with EIO.
     */
    void remove(String name, boolean force) throws IOException {
        Dev d = registry.require(name);
        lanes.inFamily(d.family(), "remove " + name, () -> {
            switch (d) {
                case SnapDev s -> {
                    refuseIfBusy(s.name, s.device, force);
                    removeSnapshot(s);
                }
                case OriginDev o -> {
                    if (registry.snapshotsOf(o).isEmpty()) {
                        refuseIfBusy(o.name, o.device, force);
                    }
                    removeOrigin(o);
                }
            }
            return null;
        });
    }

    private void refuseIfBusy(String name, DeviceHost.Served device, boolean force) {
        String users = device != null ? device.users() : null;
        if (users == null) {
            return;
        }
        if (!force) {
            throw new SnapshotException("device " + name + " (" + device.blockPath() + ") is busy: " + users
                    + "; stop using it first, or remove it anyway with 'ublkd remove --force " + name + "'");
        }
        Log.of(log).warning("removing " + name + " although it is in use (" + users + "): requests in flight finish, later ones fail with EIO");
    }

    private void removeSnapshot(SnapDev s) throws IOException {
        if (s.merging) {
            throw new SnapshotException("snapshot " + s.name + " is merging into " + s.origin.name
                    + " and cannot be removed until the merge is done" + (s.mergeRunning ? ""
                    : " (it could not resume: " + s.reason + "; bring its COW back and run 'ublkd activate')"));
        }
        if (s.target == null) {
            registry.remove(s); // not active: only the entry goes; its COW is not touched
            publishWanted();
            persistence.save(registry);
            log.accept("snapshot " + s.name + " (not active) removed from the configuration; its COW " + s.entry.cow() + " was not touched");
            return;
        }
        takeDown(s);
        registry.remove(s);
        persistence.save(registry);
        log.accept("snapshot " + s.name + " removed");
    }

    private void removeOrigin(OriginDev o) throws IOException {
        List<String> snaps = registry.snapshotsOf(o).stream().map(SnapDev::name).toList();
        if (!snaps.isEmpty()) {
            throw new SnapshotException("origin " + o.name + " still has snapshots " + String.join(", ", snaps) + ": remove them first");
        }
        if (o.device != null) {
            o.device.delete();
        }
        if (o.backing != null) {
            o.backing.close();
        }
        registry.remove(o);
        links.unlink(o.name);
        publishWanted();
        persistence.save(registry);
        log.accept("origin " + o.name + " removed");
    }

    // -------------------------------------------------------------------------------------------
    // Activation

    /**
     * Brings up what is configured but not active: the family of {@code name} (an origin or one of
     * its snapshots), or every family (null). Idempotent: what is up stays as it is. An origin's
     * device starts only once all its snapshots are up and its merge (if any) runs, so no write
     * reaches the origin unseen by a snapshot.
     */
    List<DeviceInfo> activate(String name) throws IOException {
        List<OriginDev> families = new ArrayList<>();
        if (name == null) {
            families.addAll(registry.origins());
        } else {
            families.add(switch (registry.require(name)) {
                case OriginDev o -> o;
                case SnapDev s -> s.origin;
            });
        }
        List<DeviceInfo> out = new ArrayList<>();
        for (OriginDev o : families) {
            lanes.inFamily(o.family, "activate " + o.name, () -> {
                activateFamily(o);
                return null;
            });
            out.add(view.describe(o));
            for (SnapDev s : registry.snapshotsOf(o)) {
                out.add(view.describe(s));
            }
        }
        publishWanted();
        persistence.save(registry);
        return out;
    }

    /**
     * Brings up the families that wait for something (an origin whose device has not started),
     * after udev reported a backing device they may need. Returns what it brought up.
     */
    List<String> activateWaiting() {
        List<String> up = new ArrayList<>();
        for (OriginDev o : registry.origins()) {
            if (o.device != null) {
                continue;
            }
            try {
                for (DeviceInfo d : activate(o.name)) {
                    if (d.active()) {
                        up.add(d.name());
                    }
                }
            } catch (IOException | RuntimeException e) {
                Log.of(log).warning("activating " + o.name + ": " + message(e));
            }
        }
        publishWanted();
        return up;
    }

    /**
     * What the devices that are not active need, for udev (see {@link Wanted}): the configured
     * backing of every origin not open yet, and the COW of every snapshot not up, of the families
     * whose origin device has not started.
     */
    List<String> waitingFor() {
        List<String> paths = new ArrayList<>();
        for (OriginDev o : registry.origins()) {
            if (o.device != null) {
                continue;
            }
            if (o.target == null) {
                paths.add(o.entry.path());
            }
            for (SnapDev s : registry.snapshotsOf(o)) {
                if (!s.up()) {
                    paths.add(s.entry.cow());
                }
            }
        }
        return paths.stream().distinct().toList();
    }

    void publishWanted() {
        wanted.update(waitingFor());
    }

    /** Holds the family's lane. */
    private void activateFamily(OriginDev o) throws IOException {
        if (o.target == null) {
            try {
                present(o.entry.path());
                FileBacking b = openUnused(o.entry.path(), o);
                o.backing = b;
                o.target = engine.newOrigin(o.name, b, Log.of(log).prefixed(o.name + ": "));
                engine.watchFill(o.target, fill.listener());
            } catch (IOException | RuntimeException e) {
                o.reason = message(e);
                Log.of(log).warning("origin " + o.name + " is not active: " + o.reason);
                for (SnapDev s : registry.snapshotsOf(o)) {
                    s.reason = "its origin " + o.name + " is not active";
                }
                return;
            }
        }
        for (SnapDev s : registry.snapshotsOf(o)) {
            if (!s.merging && s.target == null) {
                try {
                    present(s.entry.cow());
                    bringUp(s, false);
                } catch (IOException | RuntimeException e) {
                    s.reason = message(e);
                    Log.of(log).warning("snapshot " + s.name + " is not active: " + s.reason);
                }
            }
        }
        for (SnapDev s : registry.snapshotsOf(o)) {
            if (s.merging && !s.mergeRunning) {
                try {
                    present(s.entry.cow());
                    resumeMerge(s);
                } catch (IOException | RuntimeException e) {
                    s.reason = "its merge cannot resume: " + message(e);
                    Log.of(log).error("snapshot " + s.name + ": " + s.reason);
                }
            }
        }
        if (o.device == null) {
            SnapDev blocker = registry.snapshotsOf(o).stream().filter(s -> !s.up()).findFirst().orElse(null);
            if (blocker != null) {
                o.reason = "waiting for snapshot " + blocker.name + " (" + blocker.reason + "): bring it back and run 'ublkd activate "
                        + o.name + "'" + (blocker.merging ? "" : ", or 'ublkd remove " + blocker.name + "' to go on without it");
                Log.of(log).warning("origin " + o.name + " is not active: " + o.reason);
                return;
            }
            try {
                startOriginDevice(o);
            } catch (IOException | RuntimeException e) {
                o.reason = message(e);
                Log.of(log).warning("origin " + o.name + " is not active: " + o.reason);
            }
        }
    }

    /** A configured backing that is not there (yet): a disk not plugged in, a file system not mounted. */
    private static void present(String path) throws IOException {
        if (!Files.exists(Path.of(path))) {
            throw new IOException("no such file or device: " + path + " (not there yet? 'ublkd activate' brings it up once it is)");
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = "failed";
        }
        return m.lines().findFirst().orElse(m);
    }

    // -------------------------------------------------------------------------------------------
    // Start

    /** Registers the configured devices (not active yet); {@link #activate activate(null)} brings them up. */
    void register(List<ConfigFile.Entry> entries) {
        for (ConfigFile.Entry e : entries) {
            switch (e) {
                case ConfigFile.OriginEntry o -> {
                    OriginDev d = new OriginDev(o);
                    d.mayTakeOver = true;
                    registry.add(d);
                }
                case ConfigFile.SnapshotEntry s -> {
                    SnapDev d = new SnapDev(s, registry.origin(s.origin()));
                    d.mayTakeOver = true;
                    registry.add(d);
                }
            }
        }
    }
}
