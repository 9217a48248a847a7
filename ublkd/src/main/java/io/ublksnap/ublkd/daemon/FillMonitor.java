package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.CowGrowth;
import io.ublksnap.engine.FillListener;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.log.Log;
import io.ublksnap.engine.SnapshotStatus;
import io.ublksnap.engine.store.StoreUsage;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.daemon.Registry.SnapDev;
import io.ublksnap.ublkd.io.FileBacking;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches how full the snapshots' COWs get and grows them, as dmeventd's snapshot plugin and
 * lvm.conf's autoextend do for LVM:
 * <ul>
 * <li>a warning when a COW is 80, 85, 90 and 95 % full, once per crossing (again after its fill
 *     dropped below, when it has grown), and one when a snapshot is invalidated or overflows;</li>
 * <li>the fill hook ({@link FillHook}) for each of these and for each growth;</li>
 * <li>autoextend of file-backed COWs: at the snapshot's threshold (its own, or the daemon's) the
 *     file grows by its percent, online; the engine holds requests that find the COW full until
 *     the growth ends, and the growth always ends within {@code growthTimeout};</li>
 * <li>the operator's {@code extend} ({@link #extend}).</li>
 * </ul>
 * The engine's news arrives on the data path ({@link #listener()}) and is only queued there; it is
 * handled on the monitor's thread, and each growth on a thread of its own. The
 * monitor's log lines go through {@link #warn} and {@link #info} only.
 */
final class FillMonitor implements AutoCloseable {

    /**
     * @param hook          the fill hook program, or null
     * @param autoextend    the daemon's autoextend, for snapshots without their own
     * @param hookTimeout   how long a hook run may take before it is killed
     * @param growthTimeout how long an autoextend may take before requests waiting for it go on without it
     */
    record Settings(String hook, Autoextend autoextend, Duration hookTimeout, Duration growthTimeout) {
        static final Settings NONE = new Settings(null, Autoextend.OFF, Duration.ofSeconds(10), Duration.ofSeconds(60));

        Settings {
            if (hook != null) {
                FillHook.check(hook);
            }
            autoextend = autoextend == null ? Autoextend.OFF : autoextend;
        }
    }

    /** dmeventd warns when a snapshot passes 80 % full, and again at 85, 90 and 95. */
    static final int[] WARN_AT = {80, 85, 90, 95};

    private final Registry registry;
    private final Lifecycle engine;
    private final Backings backings;
    private final Settings settings;
    private final Consumer<String> log;
    private final FillHook hook;
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Thread thread;
    /**
     * Grows COWs, each growth on a platform thread of its own (a blocking fallocate would pin a
     * virtual thread's carrier): one hop from the data path, and a growth that hangs holds up no
     * other.
     */
    private final ExecutorService growers = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon()
            .name("ublkd-autoextend-", 0).factory());
    /** Ends a growth that takes too long (a hung file system), so the requests waiting for it go on. */
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .daemon().name("ublkd-autoextend-deadline").unstarted(r));
    /** The COWs (by name) a growth thread is growing now, ended or not: at most one thread each. */
    private final Set<String> growing = ConcurrentHashMap.newKeySet();
    /** Per snapshot: the warning level last crossed (0: none). Monitor thread only. */
    private final Map<String, Integer> warned = new HashMap<>();
    private volatile boolean closed;

    FillMonitor(Registry registry, Lifecycle engine, Backings backings, Settings settings, Consumer<String> log) {
        this.registry = registry;
        this.engine = engine;
        this.backings = backings;
        this.settings = settings;
        this.log = log;
        this.hook = settings.hook() == null ? null : FillHook.start(settings.hook(), settings.hookTimeout(), log);
        this.thread = Thread.ofVirtual().name("ublkd-fill").start(this::loop);
    }

    /** What the engine tells, queued for the monitor's thread (never blocks the data path). */
    FillListener listener() {
        return new FillListener() {
            @Override
            public void usage(String name, int percent, StoreUsage usage) {
                events.add(() -> onUsage(name, percent, usage));
            }

            @Override
            public void growthNeeded(CowGrowth growth) {
                try {
                    // its deadline counts from now, whatever becomes of the thread that grows it
                    ScheduledFuture<?> deadline = deadlines.schedule(() -> timedOut(growth), settings.growthTimeout().toMillis(),
                            TimeUnit.MILLISECONDS);
                    growers.execute(() -> {
                        try {
                            autoextend(growth);
                        } finally {
                            deadline.cancel(false);
                        }
                    });
                } catch (RejectedExecutionException e) { // closed: ended all the same, never from inside this call
                    Thread.ofPlatform().daemon().start(() -> growth.failed("ublkd is stopping"));
                }
            }

            @Override
            public void exhausted(String name, SnapshotStatus.State state, String reason) {
                events.add(() -> onExhausted(name, state, reason));
            }
        };
    }

    private void loop() {
        while (!closed) {
            try {
                events.take().run();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                warn("fill monitor: " + e);
            }
        }
    }

    // -------------------------------------------------------------------------------------------
    // Settings

    /** The autoextend that applies to {@code s}: its own, else the daemon's. */
    Autoextend autoextendOf(SnapDev s) {
        Autoextend own = s.entry.autoextend();
        return own != null ? own : settings.autoextend();
    }

    /** The autoextend that works for {@code s}, or null: off, or its COW is a block device (autoextend grows files only). */
    Autoextend effective(SnapDev s) {
        Autoextend a = autoextendOf(s);
        FileBacking cow = s.cow;
        return a.on() && (cow == null || !cow.blockDevice()) ? a : null;
    }

    /** The threshold the engine asks for growth at (0: none): autoextend grows COW files only. */
    int threshold(SnapDev s, FileBacking cow) {
        Autoextend a = autoextendOf(s);
        return a.on() && !cow.blockDevice() ? a.threshold() : 0;
    }

    // -------------------------------------------------------------------------------------------
    // Events (monitor thread)

    private void onUsage(String name, int percent, StoreUsage u) {
        int level = 0;
        for (int w : WARN_AT) {
            if (percent >= w) {
                level = w;
            }
        }
        int last = warned.getOrDefault(name, 0);
        warned.put(name, level); // a fill that dropped below a level crosses it again later
        if (level > last) {
            String m = "snapshot " + name + " is now " + percent + " % full (" + u.allocatedSectors() + " of "
                    + u.totalSectors() + " sectors of its COW)";
            warn(m);
            runHook("warning", name, percent, u, m);
        }
    }

    private void onExhausted(String name, SnapshotStatus.State state, String reason) {
        boolean overflow = state == SnapshotStatus.State.OVERFLOW;
        String m = "snapshot " + name + (overflow ? " has overflowed" : " is invalid") + ": " + reason;
        warn(m);
        runHook(overflow ? "overflow" : "invalid", name, 100, null, m);
    }

    // -------------------------------------------------------------------------------------------
    // Growth

    /**
     * The size a COW of {@code bytes} grows to by {@code percent} %: rounded up to whole chunks,
     * at least one chunk more.
     */
    static long grownSize(long bytes, int percent, int chunkSectors) {
        long chunk = (long) chunkSectors << 9;
        long want = bytes + (bytes * percent + 99) / 100;
        want = (want + chunk - 1) / chunk * chunk;
        return Math.max(want, (bytes + chunk) / chunk * chunk);
    }

    /** An autoextend the engine asked for: grows the file, or fails. Its deadline ends it if it takes too long. */
    private void autoextend(CowGrowth g) {
        SnapDev s = registry.get(g.snapshot()) instanceof SnapDev x ? x : null;
        FileBacking cow = s == null ? null : s.cow;
        Autoextend a = s == null ? null : autoextendOf(s);
        if (s == null || cow == null || a == null || !a.on() || cow.blockDevice()) {
            fail(g, "autoextend of snapshot " + g.snapshot() + ": not a snapshot with a COW file and autoextend on");
            return;
        }
        if (!g.pending()) { // the operator's extend, or the deadline, ended it first
            return;
        }
        if (!growing.add(cow.name())) {
            fail(g, "autoextend of snapshot " + g.snapshot() + ": an earlier growth of " + cow.name() + " has not returned"
                    + " (a file system that does not answer?)");
            return;
        }
        StoreUsage before = g.usage();
        long want = Math.max(grownSize(before.totalSectors() << 9, a.percent(), g.chunkSectors()), cow.sizeBytes());
        Exception error = null;
        try {
            backings.grow(cow, want);
        } catch (IOException | RuntimeException e) {
            error = e;
        } finally {
            // only the file's growth is guarded: ending g may ask for the next growth at once
            growing.remove(cow.name());
        }
        if (error != null) {
            fail(g, "autoextend of snapshot " + g.snapshot() + " failed: " + TableOps.message(error));
            return;
        }
        if (!g.pending()) {
            info("autoextend of snapshot " + g.snapshot() + " finished after its deadline: " + cow.name() + " is now " + want
                    + " bytes, taken at the next growth or 'ublkd extend " + g.snapshot() + "'");
            return;
        }
        try {
            StoreUsage after = g.grown();
            grew(g.snapshot(), cow, before, after, "autoextended");
        } catch (RuntimeException e) {
            fail(g, "autoextend of snapshot " + g.snapshot() + " failed: " + TableOps.message(e));
        }
    }

    private void timedOut(CowGrowth g) {
        if (g.pending()) {
            fail(g, "autoextend of snapshot " + g.snapshot() + " did not finish within " + settings.growthTimeout().toSeconds() + " s");
        }
    }

    private void fail(CowGrowth g, String why) {
        g.failed(why);
        warn(why);
        runHook("extend-failed", g.snapshot(), percent(g.usage()), g.usage(), why);
    }

    /**
     * The operator's extend of a live snapshot's COW: a file grows to {@code wantBytes} (or keeps
     * its size when that is -1), a block device is taken at the size it has now (grown
     * underneath); then the store learns the size. Requests that find the COW full meanwhile wait
     * for it (they would have invalidated or overflowed the snapshot).
     *
     * @throws SnapshotException for what cannot be done, changing nothing: a smaller size, a size
     *                           for a block device, a snapshot that is invalid or overflowed
     */
    StoreUsage extend(SnapDev s, long wantBytes) throws IOException {
        FileBacking cow = s.cow;
        long now = cow.refreshSize();
        if (wantBytes >= 0) {
            if (cow.blockDevice()) {
                throw new SnapshotException("the COW of " + s.name + " is the block device " + cow.name() + ": grow it first"
                        + " (lvextend, 'losetup -c'), then run 'ublkd extend " + s.name + "' without --size");
            }
            if (wantBytes % 512 != 0) {
                throw new SnapshotException("bad size " + wantBytes + " for the COW of " + s.name + ": a multiple of 512 bytes");
            }
            if (wantBytes < now) {
                throw new SnapshotException("the COW of " + s.name + " is " + now + " bytes: it cannot shrink to " + wantBytes
                        + " (exceptions may live at its end)");
            }
        }
        CowGrowth g = engine.growCow(s.origin.target, s.target);
        StoreUsage before = g.usage();
        StoreUsage after;
        try {
            if (wantBytes > now) {
                backings.grow(cow, wantBytes);
            } else {
                cow.refreshSize();
            }
            after = g.grown();
        } catch (IOException | RuntimeException e) {
            g.failed(TableOps.message(e));
            runHook("extend-failed", s.name, percent(before), before, TableOps.message(e));
            throw e;
        }
        grew(s.name, cow, before, after, "grown");
        return after;
    }

    private void grew(String name, FileBacking cow, StoreUsage before, StoreUsage after, String how) {
        String m = "COW of snapshot " + name + " (" + cow.name() + ") " + how + " from " + (before.totalSectors() << 9) + " to "
                + (after.totalSectors() << 9) + " bytes; " + percent(after) + " % full";
        info(m);
        runHook("extended", name, percent(after), after, m);
    }

    private static int percent(StoreUsage u) {
        return u == null || u.totalSectors() <= 0 ? 0 : (int) Math.min(100, u.allocatedSectors() * 100 / u.totalSectors());
    }

    // -------------------------------------------------------------------------------------------
    // Output: the hook, and the monitor's two kinds of log lines

    private void runHook(String event, String name, int percent, StoreUsage u, String message) {
        if (hook == null) {
            return;
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UBLKSNAP_EVENT", event);
        env.put("UBLKSNAP_NAME", name);
        env.put("UBLKSNAP_PERCENT", Integer.toString(percent));
        if (u != null) {
            env.put("UBLKSNAP_ALLOCATED_SECTORS", Long.toString(u.allocatedSectors()));
            env.put("UBLKSNAP_TOTAL_SECTORS", Long.toString(u.totalSectors()));
        }
        if (registry.get(name) instanceof SnapDev s) {
            env.put("UBLKSNAP_COW", s.cowPath());
        }
        env.put("UBLKSNAP_MESSAGE", message);
        hook.run(List.of(event, name, Integer.toString(percent)), env);
    }

    /** A line at warning priority: a COW filling up, a snapshot lost, a growth that failed. */
    private void warn(String message) {
        Log.of(log).warning("warning: " + message);
    }

    /** A line at the usual priority. */
    private void info(String message) {
        log.accept(message);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        growers.shutdownNow();
        deadlines.shutdownNow();
        if (hook != null) {
            hook.close();
        }
    }
}
