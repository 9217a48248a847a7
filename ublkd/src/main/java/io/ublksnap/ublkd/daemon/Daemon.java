package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.ControlServer;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.daemon.Registry.Dev;
import io.ublksnap.ublkd.daemon.Registry.OriginDev;
import io.ublksnap.ublkd.daemon.Registry.SnapDev;
import io.ublksnap.ublkd.io.FileBacking;
import io.ublksnap.ublkd.log.Log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The daemon: origins and snapshots, each served as a device, and the configuration file that
 * brings them back after a restart. It answers the control protocol's requests: status from
 * {@link StatusView} (never waiting for an operation), changes through {@link TableOps} (one at a
 * time per origin). A change that takes longer than {@code replyWait} is answered as still running
 * and goes on in the background; stopping waits at most {@code stopWait} for each.
 */
public final class Daemon implements ControlServer.Handler, AutoCloseable {

    /**
     * @param laneWait  how long an operation waits for another one on the same origin before it is refused as busy
     * @param replyWait how long a request waits for its operation before the answer says it goes on in the background
     * @param stopWait  how long a stop waits for an operation or an engine step before it goes on without it
     */
    public record Options(Duration laneWait, Duration replyWait, Duration stopWait) {
        public static final Options DEFAULT = new Options(Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(30));
    }

    private final Registry registry = new Registry();
    private final Lifecycle engine;
    private final DeviceHost host;
    private final Persistence persistence;
    private final Links links;
    private final Wanted wanted;
    private final StatusView view;
    private final TableOps ops;
    private final FillMonitor fill;
    private final Consumer<String> log;
    private final Options options;
    private final ExecutorService operations = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ublkd-op-", 0).factory());
    private boolean closed;
    /** Reports of udev's whose activation changed nothing (see {@link #backingsAppeared}). */
    private final java.util.Set<String> triedInVain = new java.util.HashSet<>();

    /**
     * A daemon over the snapshot engine (its control loop starts here).
     *
     * @param runDir the files udev's rules read and write (names/ublkbN, wanted, appeared; null: none)
     * @param fill   the fill hook and the daemon's autoextend ({@link FillSettings#NONE}: neither)
     */
    public static Daemon start(DeviceHost host, Origin.Options engineOptions, Path configFile, Path linkDir, Path runDir,
                               Consumer<String> log, Options options, FillSettings fill) throws NativeException {
        return new Daemon(host, new EngineLifecycle(engineOptions), Backings.SYSTEM, configFile, linkDir, runDir, log, options, fill);
    }

    /**
     * What the fill monitor does beyond warnings: the hook program (or null) and the autoextend of
     * snapshots without their own ({@link Autoextend#OFF}: none).
     */
    public record FillSettings(String hook, Autoextend autoextend) {
        public static final FillSettings NONE = new FillSettings(null, Autoextend.OFF);

        /** @throws io.ublksnap.engine.SnapshotException for a hook that is not an absolute path to an executable */
        public FillSettings {
            if (hook != null) {
                FillHook.check(hook);
            }
            autoextend = autoextend == null ? Autoextend.OFF : autoextend;
        }
    }

    Daemon(DeviceHost host, Lifecycle engine, Backings backings, Path configFile, Path linkDir, Path runDir, Consumer<String> log,
           Options options) {
        this(host, engine, backings, configFile, linkDir, runDir, log, options, FillSettings.NONE);
    }

    Daemon(DeviceHost host, Lifecycle engine, Backings backings, Path configFile, Path linkDir, Path runDir, Consumer<String> log,
           Options options, FillSettings fillSettings) {
        this(host, engine, backings, configFile, linkDir, runDir, log, options, new FillMonitor.Settings(fillSettings.hook(),
                fillSettings.autoextend(), FillMonitor.Settings.NONE.hookTimeout(), FillMonitor.Settings.NONE.growthTimeout()));
    }

    /**
     * @param linkDir where the links /dev/ublksnap/NAME go (null: none)
     * @param runDir  the files udev's rules read and write (names/ublkbN, wanted, appeared; null: none)
     */
    Daemon(DeviceHost host, Lifecycle engine, Backings backings, Path configFile, Path linkDir, Path runDir, Consumer<String> log,
           Options options, FillMonitor.Settings fillSettings) {
        this.host = host;
        this.engine = engine;
        this.log = log;
        this.options = options;
        this.persistence = new Persistence(configFile, log);
        this.links = new Links(linkDir, runDir == null ? null : runDir.resolve("names"), log);
        this.wanted = new Wanted(runDir, log);
        this.fill = new FillMonitor(registry, engine, backings, fillSettings, log);
        this.view = new StatusView(registry, engine, fill::effective);
        this.ops = new TableOps(registry, engine, host, persistence, links, wanted, backings, view, log, options.laneWait(), fill);
    }

    /**
     * Brings back the devices of the configuration file. What cannot come back (a backing device not
     * there yet, a COW that fails to open) stays configured, not active, with its reason; 'ublkd
     * activate' (or udev, when the device appears) brings it up later. A file the daemon cannot read
     * stops the start, and is left as it is. What still waits is published for udev ({@link Wanted})
     * and comes up when udev reports its backing device.
     */
    public void restore() throws IOException {
        links.clearStale();
        ops.register(persistence.load(host::leftBehind));
        wanted.watch(this::backingsAppeared);
        ops.activate(null);
        host.settleLeftBehind(registry.all().stream().map(d -> d.entry().devId()).filter(id -> id >= 0)
                .collect(Collectors.toSet()));
        List<String> down = new ArrayList<>();
        for (Dev d : registry.all()) {
            if (!(view.describe(d).active())) {
                down.add(d.name());
            }
        }
        if (!down.isEmpty()) {
            Log.of(log).warning("not active (kept in the configuration; 'ublkd activate' retries): " + String.join(", ", down));
        }
    }

    /**
     * udev reported block devices that devices waiting here need (see {@link Wanted}), each as
     * "NODE [DISKSEQ]": bring up what can come up. A report already tried by an attempt that changed
     * nothing is not tried again: closing a device after a failed attempt makes udev send an event
     * for it, and that event must not start the next attempt, for ever. The kernel gives a disk a new
     * DISKSEQ each time it is attached again (a new medium, a loop device set up again), so that a
     * real reappearance is tried; without one, 'ublkd activate' retries by hand.
     */
    synchronized void backingsAppeared(List<String> reports) {
        List<String> fresh = reports.stream().filter(r -> !triedInVain.contains(r)).toList();
        if (!reports.isEmpty() && fresh.isEmpty()) {
            log.accept("appeared again: " + String.join(", ", reports) + " (tried already; 'ublkd activate' retries)");
            return;
        }
        log.accept((reports.isEmpty() ? "backing devices appeared" : "appeared: " + String.join(", ", fresh))
                + "; activating what waits for them");
        List<String> waiting = ops.waitingFor();
        List<String> up = ops.activateWaiting();
        if (!up.isEmpty()) {
            log.accept("up by themselves: " + String.join(", ", up));
        }
        if (up.isEmpty() && ops.waitingFor().equals(waiting)) {
            triedInVain.addAll(fresh);
        } else {
            triedInVain.clear();
        }
    }

    @Override
    public Object handle(Request<?> request) throws Exception {
        return switch (request) {
            case Request.Ping p -> "pong";
            case Request.Features f -> host.features();
            case Request.Status s -> view.describe(s.name());
            case Request.StatusAll s -> view.all();
            case Request.Stats s -> view.stats(s.name());
            case Request.Stop s -> {
                long self = ProcessHandle.current().pid();
                if (s.pid() != 0 && s.pid() != self) {
                    throw new SnapshotException("this ublkd is process " + self + ", not " + s.pid() + ": not stopped");
                }
                yield "stopping";
            }
            case Request.CreateOrigin o -> operation("create origin " + o.name(),
                    () -> ops.createOrigin(o.name(), o.path(), o.createBytes(), o.readOnly(), o.devId()));
            case Request.CreateSnapshot s -> operation("create snapshot " + s.name(),
                    () -> ops.createSnapshot(s.name(), s.origin(), s.cow(), s.store(), s.chunkSectors(), s.createBytes(), s.init(),
                            s.features(), s.autoextend(), s.readOnly(), s.devId()));
            case Request.Extend x -> operation("extend " + x.name(), () -> ops.extend(x.name(), x.sizeBytes(), x.relative(), x.autoextend()));
            case Request.Load l -> operation("load " + l.name(), () -> ops.load(l.name(), l.table()));
            case Request.Reload l -> operation("reload " + l.name(), () -> ops.reload(l.name(), l.table()));
            case Request.Merge m -> operation("merge " + m.name(), () -> ops.merge(m.name()));
            case Request.Remove r -> operation("remove " + r.name(), () -> {
                ops.remove(r.name(), r.force());
                return "removed";
            });
            case Request.Activate a -> operation(a.name() == null ? "activate" : "activate " + a.name(), () -> ops.activate(a.name()));
        };
    }

    /** Runs a change on a thread of its own; answers once it is done, or after replyWait that it goes on. */
    private Object operation(String what, Callable<Object> op) throws Exception {
        Future<Object> f;
        try {
            f = operations.submit(op);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new SnapshotException("ublkd is stopping: try again once it is back");
        }
        try {
            return f.get(options.replyWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SnapshotException("'" + what + "' has not finished after " + options.replyWait().toSeconds()
                    + " s; it goes on in the background: see 'ublkd status'");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    /** One device (for tests and the log). */
    DeviceInfo describe(String name) {
        return view.describe(name);
    }

    /**
     * Graceful stop: merges pause (they resume at the next start), every device stops taking
     * requests and finishes the ones in flight, metadata is committed, backing devices are flushed,
     * devices are deleted. An operation or engine step that does not finish within stopWait is
     * left behind with a word in the log, so a stop always ends.
     */
    @Override
    public void close() {
        end(false);
    }

    /**
     * Planned restart or upgrade: as {@link #close}, but the devices are left to the next daemon
     * instead of deleted (see {@link DeviceHost.Served#leave}): their disks stay, with their names,
     * and their users only wait until the next daemon on the same control socket takes them over.
     * Metadata is committed and the backings flushed all the same, so the next daemon finds the
     * stores as a clean stop leaves them.
     */
    public void handOver() {
        end(true);
    }

    private synchronized void end(boolean handOver) {
        if (closed) {
            return;
        }
        closed = true;
        wanted.close();
        ops.lanes().closing();
        operations.shutdown();
        List<OriginDev> origins = registry.origins();
        for (OriginDev o : origins) {
            String busy = ops.lanes().tryTake(o.family, options.stopWait());
            if (busy != null) {
                Log.of(log).warning("'" + busy + "' did not finish within " + options.stopWait().toSeconds() + " s: stopping without it");
            }
        }
        for (OriginDev o : origins) {
            if (o.target != null) {
                try {
                    Lanes.await(engine.stopMerge(o.target), options.stopWait(), "stopping the merge on " + o.name);
                } catch (IOException | RuntimeException e) {
                    Log.of(log).error("stopping the merge on " + o.name + ": " + e.getMessage());
                }
            }
        }
        List<Dev> all = registry.all();
        List<DeviceHost.Served> devices = new ArrayList<>();
        for (Dev d : all.reversed()) {
            DeviceHost.Served s = switch (d) {
                case SnapDev x -> x.device;
                case OriginDev x -> x.device;
            };
            if (s != null) {
                devices.add(s);
            }
        }
        if (handOver) {
            for (DeviceHost.Served d : devices) {
                try {
                    d.leave();
                } catch (IOException | RuntimeException e) {
                    Log.of(log).error("handing over " + d + ": " + e.getMessage());
                }
            }
        } else {
            for (DeviceHost.Served d : devices) {
                try {
                    d.stop();
                } catch (IOException | RuntimeException e) {
                    Log.of(log).error("stopping " + d + ": " + e.getMessage());
                }
            }
            for (DeviceHost.Served d : devices) {
                try {
                    d.delete();
                } catch (IOException | RuntimeException e) {
                    Log.of(log).error("deleting " + d + ": " + e.getMessage());
                }
            }
        }
        for (Dev d : all) {
            FileBacking b = switch (d) {
                case SnapDev x -> x.cow;
                case OriginDev x -> x.backing;
            };
            if (b != null) {
                flushAndClose(b);
            }
            if (!handOver) {
                links.unlink(d.name()); // handed over, the disk and its names stay
            }
        }
        engine.close();
        fill.close();
        log.accept(handOver ? "stopped; the devices wait for the next ublkd, which takes them over" : "stopped");
    }

    private void flushAndClose(FileBacking b) {
        try {
            b.flushSync();
            b.close();
        } catch (IOException e) {
            Log.of(log).error("closing " + b.name() + ": " + e.getMessage());
        }
    }
}
