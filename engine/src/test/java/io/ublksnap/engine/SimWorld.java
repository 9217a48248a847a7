package io.ublksnap.engine;

import io.ublksnap.engine.io.BufferAllocator;
import io.ublksnap.engine.io.HostBuffer;
import io.ublksnap.engine.io.IoBuffer;
import io.ublksnap.engine.sim.Model;
import io.ublksnap.engine.sim.Pattern;
import io.ublksnap.engine.sim.SimDevice;
import io.ublksnap.engine.sim.SimQueue;
import io.ublksnap.engine.sim.SimScheduler;
import io.ublksnap.engine.store.StoreType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A whole engine under the deterministic simulation: an origin, snapshots coming and going,
 * random reads, writes and flushes from several queues, merges and crashes, with every read
 * checked against the reference {@link Model}s. Everything derives from one seed.
 *
 * <p>The workload never has two I/Os in flight on overlapping sectors of one logical device when
 * one of them writes, so the expected contents of every read are exact. Races between devices
 * (snapshot reads against origin writes, merges against everything) are what it looks for.
 */
final class SimWorld {
    /** What a run may do; tests switch features on and off. */
    record Settings(int ops, boolean crashes, boolean merges, boolean removals, int maxSnapshots, double crashSurvival,
                    boolean reloads, RaceGuard guardOff, boolean daemonCrashFocus, boolean discards, boolean growth) {
        Settings(int ops, boolean crashes, boolean merges, boolean removals, int maxSnapshots, double crashSurvival,
                 boolean reloads, RaceGuard guardOff, boolean daemonCrashFocus) {
            this(ops, crashes, merges, removals, maxSnapshots, crashSurvival, reloads, guardOff, daemonCrashFocus, false, false);
        }

        static Settings standard(int ops) {
            return new Settings(ops, true, true, true, 5, 0.5, true, null, false);
        }

        /** Daemon crashes with requests in flight, every few operations. */
        static Settings daemonCrashes(int ops) {
            return new Settings(ops, true, true, true, 5, 0.5, true, null, true);
        }

        /**
         * Snapshots with discard features take discards among their I/O (no crashes: a discarded
         * range reads as zeros, which the crash checks do not model).
         */
        static Settings discards(int ops) {
            return new Settings(ops, false, true, true, 5, 0.5, true, null, false, true, false);
        }

        /**
         * Small COWs that grow online: autoextend at random thresholds (growths that take a while
         * and sometimes fail) and the operator's growths, racing the allocations, with crashes.
         */
        static Settings growth(int ops) {
            return new Settings(ops, true, true, true, 5, 0.5, true, null, false, false, true);
        }

        /** The same workload on origins without {@code guard} (the race regression tests). */
        Settings without(RaceGuard guard) {
            return new Settings(ops, crashes, merges, removals, maxSnapshots, crashSurvival, reloads, guard, daemonCrashFocus, discards,
                    growth);
        }

        /** Many snapshots come and go while I/O runs. */
        boolean many() {
            return maxSnapshots >= 32;
        }
    }

    final long seed;
    final Settings settings;
    final SimScheduler sched;
    final Random rnd;
    final List<SimQueue> queues = new ArrayList<>();
    final SimQueue control;
    final SimDevice originDev;
    final int originSectors;
    final int maxIoSectors;
    Model originModel;
    Origin origin;
    final List<Snap> snaps = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private long nextVersion = 1;
    private int snapCounter;
    private final List<long[]> originInflight = new ArrayList<>();
    private boolean activating;
    Snap merging;
    boolean mergeStarting;
    int crashes;
    int daemonCrashes;
    long reissued;
    int peakSnapshots;
    int merges;
    int completedMerges;
    int reloads;
    long staleSubmits;
    long reads;
    long writes;
    long discards;
    long discardsPassedDown;
    /** Passdowns in flight: they change the origin's device behind the origin's back, so no snapshot is taken or merged meanwhile. */
    private int passdownsInFlight;
    /** Versions that stand for zeros: what a discarded range reads as. */
    private final java.util.Set<Long> zeroVersions = new java.util.HashSet<>();
    /** What a sector of zeros reads as (no write's pattern). */
    static final long ZEROS = -2;
    private final ArrayDeque<HostBuffer> bufferPool = new ArrayDeque<>();
    private final Origin.Options options;

    final class Snap {
        final String name;
        final SimDevice cow;
        StoreType type;
        final int chunk;
        SnapshotTarget target;
        /** The table a reload replaced: a queue that read the device's table just before the swap still submits here. */
        SnapshotTarget stale;
        boolean reloading;
        Model model;
        boolean active;
        boolean gone;
        boolean removing;
        /** Invalidated (COW full): its I/O fails from now on, as it should. */
        boolean invalid;
        /** Overflowed (PO, COW full): its writes fail, reads go on. */
        boolean overflow;
        final List<long[]> inflight = new ArrayList<>();
        int inflightCount;

        /** The table's discard features (none unless the settings ask for discards). */
        java.util.Set<SnapshotFeature> features = java.util.Set.of();
        /** Autoextend threshold (0: none). */
        int autoGrow;
        /** A growth of its COW failed: it may end full after all. */
        boolean growthFailed;

        Snap(String name, SimDevice cow, StoreType type, int chunk) {
            this.name = name;
            this.cow = cow;
            this.type = type;
            this.chunk = chunk;
        }

        SnapshotConfig config() {
            return new SnapshotConfig(name, cow, type, chunk, false, features);
        }

        @Override
        public String toString() {
            return name + "(" + type.code() + " " + chunk + ")";
        }
    }

    SimWorld(long seed, Settings settings) {
        this.seed = seed;
        this.settings = settings;
        this.sched = new SimScheduler(seed);
        this.rnd = sched.random();
        int nq = 1 + rnd.nextInt(3);
        for (int i = 0; i < nq; i++) {
            queues.add(new SimQueue(sched, "q" + i));
        }
        control = new SimQueue(sched, "control");
        // Sizes that are not multiples of every chunk size, so the last chunk is sometimes partial.
        originSectors = 64 * (2 + rnd.nextInt(8)) + (rnd.nextBoolean() ? 8 * rnd.nextInt(8) : 0);
        maxIoSectors = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 80);
        originDev = new SimDevice("origin", (long) originSectors * 512);
        byte[] init = new byte[originSectors * 512];
        Pattern.fill(ByteBuffer.wrap(init), 0, 0, originSectors, 0);
        originDev.fill(0, init);
        originModel = new Model("origin", originSectors, 0);
        int copyBuffer = 4096 << rnd.nextInt(6);
        Origin.Options o = new Origin.Options(copyBuffer, 4096 << rnd.nextInt(5), 4096 << rnd.nextInt(5));
        options = settings.guardOff() == null ? o : o.without(settings.guardOff());
        origin = newOrigin();
    }

    private Origin newOrigin() {
        Origin o = new Origin("origin", originDev, BufferAllocator.DIRECT, options, msg -> note("engine: " + msg));
        if (settings.growth()) {
            o.fillListener(growthListener);
        }
        return o;
    }

    // -----------------------------------------------------------------------------------------
    // COW growth (issue 12)

    long growths;
    long failedGrowths;

    private Snap snapNamed(String name) {
        for (Snap s : snaps) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Whether {@code s} may fill up and end invalid or overflowed: small COWs without autoextend, or whose growth failed. */
    private boolean mayFill(Snap s) {
        return settings.many() || settings.growth() && (s.autoGrow == 0 || s.growthFailed);
    }

    /** Autoextend as the daemon does it, with delays and failures: it only hands over, as the contract says. */
    private final FillListener growthListener = new FillListener() {
        @Override
        public void usage(String name, int percent, io.ublksnap.engine.store.StoreUsage usage) {
        }

        @Override
        public void growthNeeded(CowGrowth g) {
            note("engine asks to grow the COW of " + g.snapshot());
            endGrowthLater(g, 1 + rnd.nextInt(40));
        }

        @Override
        public void exhausted(String name, SnapshotStatus.State state, String reason) {
            Snap s = snapNamed(name);
            if (s != null && s.autoGrow > 0 && !s.growthFailed && !s.removing && !s.gone) {
                fail(s + " with autoextend at " + s.autoGrow + " % became " + state + " though no growth failed: " + reason);
            }
        }
    };

    /** Ends a growth after {@code steps} turns of the control queue: grows the COW by about 30 %, or fails. */
    private void endGrowthLater(CowGrowth g, int steps) {
        if (steps > 0) {
            control.execute(() -> endGrowthLater(g, steps - 1));
            return;
        }
        Snap s = snapNamed(g.snapshot());
        if (s == null || !g.pending()) {
            return;
        }
        if (rnd.nextInt(8) == 0) {
            s.growthFailed = true;
            failedGrowths++;
            note("growing the COW of " + s + " fails");
            g.failed("simulated failure");
            return;
        }
        long bytes = s.cow.sizeBytes();
        long chunkBytes = s.chunk * 512L;
        long grown = (bytes + bytes * 3 / 10 + chunkBytes - 1) / chunkBytes * chunkBytes;
        s.cow.grow(Math.max(grown, bytes + chunkBytes));
        growths++;
        note("grew the COW of " + s + " from " + bytes + " to " + s.cow.sizeBytes() + " bytes");
        g.grown();
    }

    /** The operator grows a snapshot's COW (joining an autoextend under way, if any). */
    private void growByHand(Snap s) {
        CowGrowth g;
        try {
            g = origin.growCow(s.target);
        } catch (SnapshotException e) {
            note("growing " + s + " by hand refused: " + e.getMessage());
            return;
        }
        note("growing the COW of " + s + " by hand");
        endGrowthLater(g, rnd.nextInt(20));
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : t;
    }

    void note(String s) {
        trace.add(sched.steps() + ": " + s);
        if (trace.size() > 60) {
            trace.poll();
        }
    }

    void fail(String s) {
        if (failures.size() < 20) {
            failures.add(s);
        }
        note("FAILURE " + s);
    }

    String report() {
        return "seed " + seed + " (replay: -Dsim.seed=" + seed + "): " + failures + "\nlast events:\n  " + String.join("\n  ", trace);
    }

    private SimQueue anyQueue() {
        return queues.get(rnd.nextInt(queues.size()));
    }

    private HostBuffer buffer(int sectors) {
        HostBuffer b = bufferPool.poll();
        if (b == null) {
            b = HostBuffer.allocate(96 * 512, 4096);
        }
        return b;
    }

    private void giveBack(HostBuffer b) {
        bufferPool.push(b);
    }

    private static boolean overlaps(List<long[]> inflight, long start, long end, boolean write) {
        for (long[] r : inflight) {
            if (r[0] < end && start < r[1] && (write || r[2] == 1)) {
                return true;
            }
        }
        return false;
    }

    // -----------------------------------------------------------------------------------------

    /** Runs the workload and then checks every device completely. */
    void run() {
        for (int op = 0; op < settings.ops() && failures.isEmpty(); op++) {
            action();
            sched.run(rnd.nextInt(12));
        }
        settle();
        if (failures.isEmpty()) {
            verifyAll(Check.EXACT);
        }
        settle();
        checkQuiet();
    }

    void settle() {
        try {
            sched.runUntilIdle(5_000_000);
        } catch (IllegalStateException e) {
            fail("livelock: " + e.getMessage());
        }
    }

    private void action() {
        if (settings.daemonCrashFocus() && rnd.nextInt(12) == 0) {
            if (!activating && !mergeStarting && snaps.stream().noneMatch(x -> x.reloading)) {
                daemonCrash();
            }
            return;
        }
        List<Snap> usable = snaps.stream().filter(s -> s.active && !s.gone && !s.invalid && !s.reloading).toList();
        if (settings.growth() && rnd.nextInt(20) == 0) {
            if (!usable.isEmpty()) {
                growByHand(usable.get(rnd.nextInt(usable.size())));
            }
            return;
        }
        if (settings.discards() && rnd.nextInt(8) == 0) {
            List<Snap> taking = usable.stream().filter(s -> !s.features.isEmpty()).toList();
            if (!taking.isEmpty()) {
                snapDiscard(taking.get(rnd.nextInt(taking.size())));
            }
            return;
        }
        int a = rnd.nextInt(100);
        if (a < 22) {
            originIo(true);
        } else if (a < 34) {
            originIo(false);
        } else if (a < 52 && !usable.isEmpty()) {
            snapIo(usable.get(rnd.nextInt(usable.size())), false);
        } else if (a < 64 && !usable.isEmpty()) {
            snapIo(usable.get(rnd.nextInt(usable.size())), true);
        } else if (a < 68) {
            flushOrigin();
        } else if (a < 71 && !usable.isEmpty()) {
            flushSnap(usable.get(rnd.nextInt(usable.size())));
        } else if (a < 79 || (settings.many() && a < 92 && rnd.nextInt(3) > 0)) {
            createSnapshot();
        } else if (a < 82 && settings.removals() && !usable.isEmpty()) {
            removeSnapshot(usable.get(rnd.nextInt(usable.size())));
        } else if (a < 84 && settings.merges() && !usable.isEmpty()) {
            startMerge(usable.get(rnd.nextInt(usable.size())));
        } else if (a < 85 && settings.crashes() && rnd.nextInt(4) == 0) {
            crash();
        } else if (a < 88 && settings.reloads() && !usable.isEmpty()) {
            reloadSnapshot(usable.get(rnd.nextInt(usable.size())));
        } else {
            sched.run(rnd.nextInt(40));
        }
    }

    private long[] randomRange(int sectors) {
        int len = 1 + rnd.nextInt(Math.min(maxIoSectors, sectors));
        long start;
        if (rnd.nextInt(4) == 0) {
            start = (long) rnd.nextInt(sectors / 8) * 8; // aligned, often whole chunks
            len = Math.min(sectors - (int) start, 8 << rnd.nextInt(4));
        } else {
            start = rnd.nextInt(sectors - len + 1);
        }
        return new long[]{start, start + len};
    }

    private void originIo(boolean write) {
        long[] r = randomRange(originSectors);
        if (overlaps(originInflight, r[0], r[1], write) || activating) {
            return;
        }
        long[] entry = {r[0], r[1], write ? 1 : 0, write ? nextVersion : 0};
        originInflight.add(entry);
        int count = (int) (r[1] - r[0]);
        HostBuffer buf = buffer(count);
        IoBuffer data = buf.slice(0, count * 512L);
        SimQueue q = anyQueue();
        if (write) {
            long v = nextVersion++;
            Pattern.fill(data.byteBuffer(), 0, r[0], count, v);
            Model m = originModel;
            m.issued(r[0], count, v);
            note("origin write " + r[0] + "+" + count + " v" + v + " on " + q);
            writes++;
            send(null, BlockRequest.Op.WRITE, r[0], count, data, rnd.nextInt(8) == 0, q, (rq, res) -> {
                originInflight.remove(entry);
                giveBack(buf);
                if (res < 0) {
                    fail("origin write " + r[0] + "+" + count + " failed: " + res);
                } else {
                    originModel.acked(r[0], count, v);
                }
                note("origin write " + r[0] + "+" + count + " v" + v + " done");
            });
        } else {
            note("origin read " + r[0] + "+" + count + " on " + q);
            reads++;
            send(null, BlockRequest.Op.READ, r[0], count, data, false, q, (rq, res) -> {
                originInflight.remove(entry);
                if (res < 0) {
                    fail("origin read " + r[0] + "+" + count + " failed: " + res);
                } else {
                    check(originModel, data.byteBuffer(), r[0], count, "origin");
                }
                giveBack(buf);
            });
        }
    }

    /** A snapshot request failed: fine if the snapshot was invalidated or overflowed, a failure otherwise. */
    private boolean explainedFailure(Snap s, boolean write) {
        SnapshotStatus st = s.target.status();
        if (!st.valid()) {
            s.invalid = true;
            note(s + " is invalid now (COW full)");
            return true;
        }
        if (write && st.overflow()) {
            s.overflow = true;
            note(s + " overflowed");
            return true;
        }
        return false;
    }

    private void snapIo(Snap s, boolean write) {
        if (write && s.overflow) {
            return;
        }
        long[] r = randomRange(originSectors);
        if (overlaps(s.inflight, r[0], r[1], write)) {
            return;
        }
        long[] entry = {r[0], r[1], write ? 1 : 0};
        s.inflight.add(entry);
        s.inflightCount++;
        int count = (int) (r[1] - r[0]);
        HostBuffer buf = buffer(count);
        IoBuffer data = buf.slice(0, count * 512L);
        SimQueue q = anyQueue();
        if (write) {
            long v = nextVersion++;
            Pattern.fill(data.byteBuffer(), 0, r[0], count, v);
            s.model.issued(r[0], count, v);
            note(s + " write " + r[0] + "+" + count + " v" + v + " on " + q);
            writes++;
            send(s, BlockRequest.Op.WRITE, r[0], count, data, rnd.nextInt(8) == 0, q, (rq, res) -> {
                s.inflight.remove(entry);
                s.inflightCount--;
                giveBack(buf);
                if (res < 0) {
                    if (!explainedFailure(s, true)) {
                        fail(s + " write " + r[0] + "+" + count + " failed: " + res);
                    }
                } else {
                    s.model.acked(r[0], count, v);
                }
            });
        } else {
            note(s + " read " + r[0] + "+" + count + " on " + q);
            reads++;
            send(s, BlockRequest.Op.READ, r[0], count, data, false, q, (rq, res) -> {
                s.inflight.remove(entry);
                s.inflightCount--;
                if (res < 0) {
                    if (!explainedFailure(s, false)) {
                        fail(s + " read " + r[0] + "+" + count + " failed: " + res);
                    }
                } else if (!s.invalid) {
                    check(s.model, data.byteBuffer(), r[0], count, s.name);
                }
                giveBack(buf);
            });
        }
    }

    /** A snapshot's chunk state now (package access to the engine: what its map function will find). */
    private ChunkState chunkState(Snap s, long chunk) {
        origin.lock.lock();
        try {
            Snapshot st = s.target.snapshot;
            return st == null ? ChunkState.NONE : st.tables.state(chunk);
        } finally {
            origin.lock.unlock();
        }
    }

    /**
     * A discard to a snapshot with discard features, checked against dm-snapshot's rules: a chunk
     * piece with a completed exception reads as zeros afterwards (zeroed whole, or discarded in
     * part on the COW: a discarded range of these devices reads as zeros); one without is left
     * alone. With discard_passdown_origin the origin's device loses the range too, so the origin
     * and every snapshot that has no exception for those chunks read zeros there. The expected
     * effect is worked out from the chunk states just before the submission, since the snapshot
     * maps the request right away (targets suspended for a switch are left alone). A passdown is
     * not issued while anything in flight on any device could see it half done.
     */
    private void snapDiscard(Snap s) {
        if (s.target.suspended() || s.removing || activating || s.inflightCount > 0 && rnd.nextBoolean()) {
            return;
        }
        long[] r = randomRange(originSectors);
        if (overlaps(s.inflight, r[0], r[1], true)) {
            return;
        }
        boolean passdown = s.features.contains(SnapshotFeature.DISCARD_PASSDOWN_ORIGIN);
        SnapshotStatus st = s.target.status();
        boolean refused = !st.valid() || st.overflow();
        List<Snap> others = snaps.stream().filter(x -> x != s && x.active && !x.gone && !x.invalid && x.model != null).toList();
        // A passdown changes what every copy of those chunks reads: nothing in flight or issued
        // meanwhile may touch them (whole chunks of the largest size, 64 sectors).
        long[] wide = {r[0] / 64 * 64, Math.min(originSectors, (r[1] + 63) / 64 * 64)};
        if (passdown && !refused) {
            if (merging != null || mergeStarting || overlaps(originInflight, wide[0], wide[1], true)) {
                return;
            }
            for (Snap x : snaps) {
                if (x.gone || x.model == null) {
                    continue;
                }
                if (x.reloading || x.target.suspended() || overlaps(x.inflight, wide[0], wide[1], true)) {
                    return;
                }
                for (long c = r[0] / x.chunk; c <= (r[1] - 1) / x.chunk; c++) {
                    if (chunkState(x, c) == ChunkState.PENDING) {
                        return; // a copy in flight could read the origin before or after the discard
                    }
                }
            }
        }
        // Each model change is a write of a version that stands for zeros.
        List<Runnable> acks = new ArrayList<>();
        if (!refused) {
            zeroRanges(s, r, passdown ? Zeroed.ALL : Zeroed.REMAPPED, acks);
            if (passdown) {
                long v = zeroVersion();
                originModel.issued(r[0], (int) (r[1] - r[0]), v);
                Model om = originModel;
                acks.add(() -> om.acked(r[0], (int) (r[1] - r[0]), v));
                for (Snap x : others) {
                    zeroRanges(x, r, Zeroed.NOT_REMAPPED, acks);
                }
            }
        }
        boolean wideOut = passdown && !refused;
        List<long[]> entries = new ArrayList<>();
        long[] mine = wideOut ? new long[]{wide[0], wide[1], 1} : new long[]{r[0], r[1], 1};
        s.inflight.add(mine);
        s.inflightCount++;
        long[] originEntry = {wide[0], wide[1], 1, 0};
        if (wideOut) {
            passdownsInFlight++;
            originInflight.add(originEntry);
            for (Snap x : others) {
                long[] e = {wide[0], wide[1], 1};
                x.inflight.add(e);
                entries.add(e);
            }
        }
        discards++;
        if (passdown && !refused) {
            discardsPassedDown++;
        }
        note(s + " discard " + r[0] + "+" + (r[1] - r[0]) + (passdown ? " (passdown)" : "") + (refused ? " (refused)" : ""));
        BlockRequest req = new BlockRequest().set(BlockRequest.Op.DISCARD, r[0], (int) (r[1] - r[0]), null, false, anyQueue(), (rq, res) -> {
            s.inflight.remove(mine);
            s.inflightCount--;
            if (wideOut) {
                passdownsInFlight--;
            }
            originInflight.remove(originEntry);
            for (Snap x : others) {
                entries.forEach(x.inflight::remove);
            }
            if (res < 0) {
                if (refused) {
                    explainedFailure(s, true);
                } else {
                    fail(s + " discard " + r[0] + "+" + (r[1] - r[0]) + " failed: " + res);
                }
                return;
            }
            if (refused) {
                fail(s + " took a discard while " + (st.valid() ? "overflowed" : "invalid"));
            }
            acks.forEach(Runnable::run);
            note(s + " discard " + r[0] + "+" + (r[1] - r[0]) + " done");
        });
        s.target.submit(req);
    }

    private long zeroVersion() {
        long v = nextVersion++;
        zeroVersions.add(v);
        return v;
    }

    /** Which pieces of a discarded range read as zeros in a snapshot afterwards. */
    private enum Zeroed {
        /** The discarded snapshot: pieces of chunks with a completed exception (zeroed or discarded on its COW). */
        REMAPPED,
        /** The discarded snapshot with passdown: all of it (its other chunks read the discarded origin). */
        ALL,
        /** Another snapshot of the origin, with passdown: pieces of chunks without an exception (they read the origin). */
        NOT_REMAPPED
    }

    private void zeroRanges(Snap x, long[] r, Zeroed which, List<Runnable> acks) {
        for (long c = r[0] / x.chunk; c <= (r[1] - 1) / x.chunk; c++) {
            long from = Math.max(r[0], c * x.chunk);
            long to = Math.min(r[1], (c + 1) * x.chunk);
            ChunkState cs = chunkState(x, c);
            boolean remapped = cs == ChunkState.COMPLETED || cs == ChunkState.DRAINING;
            boolean zero = switch (which) {
                case REMAPPED -> remapped;
                case ALL -> true;
                case NOT_REMAPPED -> !remapped;
            };
            if (!zero) {
                continue;
            }
            long v = zeroVersion();
            Model m = x.model;
            m.issued(from, (int) (to - from), v);
            acks.add(() -> m.acked(from, (int) (to - from), v));
        }
    }

    /** A request in flight, as the kernel knows it: what it re-issues to a new daemon after a crash. */
    private record InFlight(Snap snap, BlockRequest request, BlockRequest.Op op, long sector, int count, IoBuffer data,
                            boolean fua, SimQueue queue, BlockRequest.Completion done) {
        void set(List<InFlight> inflight) {
            request.set(op, sector, count, data, fua, queue, (rq, res) -> {
                inflight.remove(this);
                done.completed(rq, res);
            });
        }
    }

    private final List<InFlight> inflightRequests = new ArrayList<>();

    /** Submits a request to the origin ({@code snap} null) or to a snapshot's device, and tracks it until it completes. */
    private void send(Snap snap, BlockRequest.Op op, long sector, int count, IoBuffer data, boolean fua, SimQueue q,
                      BlockRequest.Completion done) {
        InFlight f = new InFlight(snap, new BlockRequest(), op, sector, count, data, fua, q, done);
        f.set(inflightRequests);
        inflightRequests.add(f);
        Target t = snap == null ? origin : snap.target;
        if (snap != null && snap.stale != null && rnd.nextInt(3) == 0) {
            t = snap.stale; // this queue read the device's table just before a reload swapped it
            staleSubmits++;
        }
        t.submit(f.request());
    }

    private void check(Model m, ByteBuffer data, long sector, int count, String what) {
        for (int i = 0; i < count; i++) {
            long got = versionRead(data, i * 512, sector + i);
            long want = m.expected(sector + i);
            if (!agrees(want, got)) {
                fail(what + " sector " + (sector + i) + ": read version " + got + ", expected " + want);
                return;
            }
        }
    }

    /** The version a sector read shows: its write's, or {@link #ZEROS} for a sector of zeros. */
    static long versionRead(ByteBuffer data, int at, long sector) {
        boolean zeros = true;
        for (int i = 0; i < 512 && zeros; i += 8) {
            zeros = data.getLong(at + i) == 0;
        }
        return zeros ? ZEROS : Pattern.versionOf(data, at, sector);
    }

    /** Whether a read of {@code got} is what version {@code want} reads as. */
    private boolean agrees(long want, long got) {
        return got == want || (got == ZEROS && zeroVersions.contains(want));
    }

    private void flushOrigin() {
        Model m = originModel;
        long[] state = m.flushIssued();
        send(null, BlockRequest.Op.FLUSH, 0, 0, null, false, anyQueue(), (rq, res) -> {
            if (res < 0) {
                fail("origin flush failed: " + res);
            } else if (m == originModel) {
                m.flushed(state);
            }
        });
    }

    private void flushSnap(Snap s) {
        if (s.invalid) {
            return;
        }
        long[] state = s.model.flushIssued();
        s.inflightCount++;
        send(s, BlockRequest.Op.FLUSH, 0, 0, null, false, anyQueue(), (rq, res) -> {
            s.inflightCount--;
            if (res < 0) {
                if (!explainedFailure(s, false)) {
                    fail(s + " flush failed: " + res);
                }
            } else {
                s.model.flushed(state);
            }
        });
    }

    private int liveSnapshots() {
        return (int) snaps.stream().filter(s -> !s.gone).count();
    }

    private void createSnapshot() {
        if (activating || liveSnapshots() >= settings.maxSnapshots() || merging != null || passdownsInFlight > 0) {
            return;
        }
        // While a merge switches, this activation waits for the origin's suspension and is then refused.
        boolean raceMerge = mergeStarting;
        int chunk = 8 << rnd.nextInt(4);
        StoreType type = switch (rnd.nextInt(4)) {
            case 0 -> StoreType.TRANSIENT;
            case 1 -> StoreType.PERSISTENT_OVERFLOW;
            default -> StoreType.PERSISTENT;
        };
        long chunks = (originSectors + chunk - 1) / chunk;
        long epa = chunk * 512L / 16;
        long cowChunks = chunks + chunks / epa + 4;
        if (settings.many()) {
            cowChunks = Math.max(8, chunks / 4); // many small COWs: some fill up and are invalidated
        }
        int autoGrow = 0;
        if (settings.growth()) {
            cowChunks = 3 + rnd.nextInt(6); // tiny: it must grow, or fill up
            autoGrow = rnd.nextInt(4) == 0 ? 0 : 50 + rnd.nextInt(50);
        }
        Snap s = new Snap("snap" + (++snapCounter), new SimDevice("cow" + snapCounter, cowChunks * chunk * 512), type, chunk);
        s.autoGrow = autoGrow;
        if (settings.discards()) {
            s.features = switch (rnd.nextInt(3)) {
                case 0 -> java.util.Set.of();
                case 1 -> java.util.EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW);
                default -> java.util.EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW, SnapshotFeature.DISCARD_PASSDOWN_ORIGIN);
            };
        }
        try {
            s.target = origin.load(s.config());
        } catch (IOException | SnapshotException e) {
            fail("loading " + s + " failed: " + e);
            return;
        }
        activating = true;
        snaps.add(s);
        note("activating " + s);
        origin.activate(s.target, control).whenComplete((v, error) -> {
            Throwable err = unwrap(error);
            activating = false;
            if (err != null) {
                s.gone = true;
                if (err instanceof SnapshotException && err.getMessage().contains("merging") && (raceMerge || mergeStarting || merging != null)) {
                    note("activating " + s + " refused: a merge started first");
                    return;
                }
                fail("activating " + s + " failed: " + err);
                return;
            }
            // The origin was quiesced and flushed: the snapshot's image is the origin's, durably.
            originModel.allDurable();
            s.model = new Model(s.name, originModel);
            s.active = true;
            if (s.autoGrow > 0) {
                origin.autoGrow(s.target, s.autoGrow);
            }
            peakSnapshots = Math.max(peakSnapshots, (int) snaps.stream().filter(x -> x.active && !x.gone).count());
            note("activated " + s);
        });
    }

    private void removeSnapshot(Snap s) {
        if (s.inflightCount > 0) {
            return;
        }
        s.active = false;
        s.removing = true;
        note("removing " + s);
        origin.remove(s.target, control).whenComplete((v, err) -> {
            if (err != null) {
                fail("removing " + s + " failed: " + err);
            }
            s.gone = true;
            note("removed " + s);
        });
    }

    private void startMerge(Snap s) {
        if (!s.type.persistent() || s.inflightCount > 0 || merging != null || mergeStarting || passdownsInFlight > 0) {
            return;
        }
        if (!s.target.status().valid()) {
            if (!mayFill(s)) {
                fail(s + " became invalid: " + s.target.status());
            }
            return;
        }
        s.active = false;
        mergeStarting = true;
        merges++;
        note("merging " + s);
        origin.startMerge(s.target, control, new MergeListener() {
            @Override
            public void started() {
                // The origin now shows the snapshot's image, with what a crash could make of it.
                originModel = new Model("origin", s.model);
                // Origin writes held back by the switch will land on the merged image.
                for (long[] e : originInflight) {
                    if (e[2] == 1) {
                        originModel.issued(e[0], (int) (e[1] - e[0]), e[3]);
                    }
                }
                merging = s;
                mergeStarting = false;
            }

            @Override
            public void completed() {
                note("merge of " + s + " completed");
                s.gone = true;
                if (merging == s) {
                    merging = null;
                }
                completedMerges++;
            }

            @Override
            public void failed(String reason) {
                fail("merge of " + s + " failed: " + reason);
            }
        }).whenComplete((v, err) -> {
            if (err != null) {
                // refused after waiting for another switch: only an invalidated snapshot may be
                mergeStarting = false;
                if (s.target.status().valid()) {
                    fail("starting the merge of " + s + " failed: " + err);
                } else {
                    s.invalid = true;
                    note("merge of " + s + " refused: " + err.getMessage());
                }
            }
        });
    }

    /**
     * Replaces a snapshot's table on its live device (P and PO swap), as the daemon's reload does:
     * the old table is suspended, the new one takes over its state, and the old one is resumed.
     * Requests sent to the old table meanwhile, or later by a queue that read it just before the
     * swap, must be served by the new one.
     */
    private void reloadSnapshot(Snap s) {
        StoreType type = s.type == StoreType.PERSISTENT ? StoreType.PERSISTENT_OVERFLOW
                : s.type == StoreType.PERSISTENT_OVERFLOW ? StoreType.PERSISTENT : StoreType.TRANSIENT;
        SnapshotTarget old = s.target;
        s.reloading = true;
        note("reloading " + s + " as " + type.code());
        origin.reload(old, new SnapshotConfig(s.name, s.cow, type, 0, false, s.features), control, next -> {
            // the device's queues point at the new table from here on
            s.type = type;
            s.stale = old;
            s.target = next;
        }).whenComplete((next, err) -> {
            s.reloading = false;
            if (err != null) {
                fail("reloading " + s + " failed: " + err);
                return;
            }
            reloads++;
            note("reloaded " + s);
        });
    }

    // -----------------------------------------------------------------------------------------
    // Crashes

    /** How reads are checked: exactly, or against what a crash may have left. */
    enum Check { EXACT, AFTER_POWER_LOSS, AFTER_DAEMON_CRASH }

    /** A crash, then a restart from the COWs as they are on disk: a power loss, or the daemon dying. */
    void crash() {
        if (activating || mergeStarting || snaps.stream().anyMatch(x -> x.reloading)) {
            return;
        }
        if (rnd.nextBoolean()) {
            powerLoss();
        } else {
            daemonCrash();
        }
    }

    /** Power loss: in-flight work vanishes, devices keep what was durable; then everything reopens and is verified. */
    void powerLoss() {
        crashes++;
        int torn = sched.powerLoss();
        note("CRASH (power loss), " + torn + " writes in flight torn");
        control.dropAll();
        queues.forEach(SimQueue::dropAll);
        originDev.crash(rnd, settings.crashSurvival());
        originInflight.clear();
        inflightRequests.clear();
        for (Snap s : snaps) {
            s.cow.crash(rnd, settings.crashSurvival());
            s.inflight.clear();
            s.inflightCount = 0;
            s.stale = null;
        }
        // Transient snapshots do not survive; persistent ones (even half removed) come back.
        snaps.removeIf(s -> s.gone || !s.type.persistent() || s.model == null);
        restart();
        verifyAll(Check.AFTER_POWER_LOSS);
        settle();
    }

    /**
     * The daemon dies (SIGKILL, a JVM crash) with requests in flight, and a new one takes the
     * devices over, as ublk's UBLK_F_USER_RECOVERY_REISSUE lets it: the machine did not crash, so
     * every backing write that completed is still there, and each one the dead daemon had
     * submitted lands or not. Requests in flight are neither acknowledged nor lost: once the
     * stores are reopened from the COWs as they are, the kernel re-sends every one of them, and
     * each must then be acknowledged. Until then a write in flight may show its old or its new
     * data; afterwards, exactly the new. Transient snapshots cannot come back: their devices stay,
     * and fail every request with status Invalid.
     */
    void daemonCrash() {
        // Put requests in flight at every stage: copies, commits, origin and snapshot writes.
        for (int i = 1 + rnd.nextInt(6); i > 0; i--) {
            List<Snap> usable = snaps.stream().filter(s -> s.active && !s.gone && !s.invalid && !s.reloading).toList();
            if (usable.isEmpty() || rnd.nextBoolean()) {
                originIo(rnd.nextInt(4) > 0);
            } else {
                snapIo(usable.get(rnd.nextInt(usable.size())), rnd.nextInt(4) > 0);
            }
        }
        sched.run(rnd.nextInt(30));
        daemonCrashes++;
        int landed = sched.processCrash();
        note("CRASH (daemon) with " + inflightRequests.size() + " requests in flight; " + landed + " backing I/Os landed");
        control.dropAll();
        queues.forEach(SimQueue::dropAll);
        for (Snap s : snaps) {
            s.stale = null;
        }
        snaps.removeIf(s -> s.gone || s.model == null);
        List<Snap> lost = snaps.stream().filter(s -> !s.type.persistent()).toList();
        snaps.removeAll(lost);
        restart();
        for (Snap s : lost) {
            s.target = origin.loadLost(s.config(), originSectors);
            s.invalid = true;
            snaps.add(s);
            if (!s.target.status().infoLine().equals("Invalid")) {
                fail(s + " lost in the crash reports " + s.target.status().infoLine() + ", not Invalid");
            }
        }
        verifyAll(Check.AFTER_DAEMON_CRASH);
        // The kernel re-sends every request the dead daemon had not answered.
        for (InFlight f : List.copyOf(inflightRequests)) {
            reissued++;
            f.set(inflightRequests);
            (f.snap() == null ? origin : f.snap().target).submit(f.request());
        }
        settle();
    }

    /** Reopens the origin and its snapshots from their devices, as a restart does. */
    private void restart() {
        origin = newOrigin();
        // As a restart does: the other snapshots first, then the merge resumes.
        for (Snap s : new ArrayList<>(snaps)) {
            if (s == merging) {
                continue;
            }
            try {
                s.target = origin.load(s.config());
            } catch (IOException | SnapshotException e) {
                fail("reloading " + s + " after the crash failed: " + e);
                continue;
            }
            if (!s.target.status().valid()) {
                if (s.removing) {
                    s.gone = true; // the removal had invalidated the COW: the snapshot is gone, as asked
                } else if (mayFill(s)) {
                    s.invalid = true; // it filled up before the crash
                } else {
                    fail(s + " came back invalid after the crash");
                }
                continue;
            }
            s.removing = false; // the removal had not begun on disk: the snapshot is back, intact
            // No COW space leaked: committed exceptions are a prefix of the allocation order.
            SnapshotStatus st = s.target.status();
            long c = st.chunkSectors();
            if (st.usage() != null && st.usage().allocatedSectors() / c != st.exceptions() + st.usage().metadataSectors() / c) {
                fail(s + " leaks COW space after the crash: " + st.usage().allocatedSectors() / c + " chunks allocated for "
                        + st.exceptions() + " exceptions and " + st.usage().metadataSectors() / c + " metadata chunks");
            }
            boolean[] done = new boolean[1];
            origin.activate(s.target, control).whenComplete((v, err) -> {
                if (err != null) {
                    fail("reactivating " + s + " failed: " + err);
                }
                done[0] = true;
            });
            while (!done[0] && sched.step()) {
                // drive the activation only (nothing else is in flight)
            }
            s.active = true;
            if (s.autoGrow > 0 && s.target.status().valid()) {
                origin.autoGrow(s.target, s.autoGrow); // as the daemon does when it brings a snapshot up
            }
        }
        if (merging != null && snaps.contains(merging)) {
            Snap m = merging;
            origin.resumeMerge(m.config(), control, new MergeListener() {
                @Override
                public void completed() {
                    m.gone = true;
                    if (merging == m) {
                        merging = null;
                    }
                    completedMerges++;
                }

                @Override
                public void failed(String reason) {
                    fail("resumed merge of " + m + " failed: " + reason);
                }
            }).whenComplete((v, e) -> {
                if (e != null) {
                    fail("resuming the merge of " + m + " failed: " + e);
                }
            });
        }
        if (merging != null && !snaps.contains(merging)) {
            merging = null;
        }
    }

    /** Reads every sector of every device and checks it (after a crash: against what a crash may leave). */
    void verifyAll(Check check) {
        verifyDevice(origin, originModel, "origin", check, null);
        for (Snap s : snaps) {
            if (s.active && !s.gone && !s.invalid && s.target.status().valid()) {
                verifyDevice(s.target, s.model, s.name, check, s);
            }
        }
    }

    /**
     * Reads {@code t} through. Writes still in flight (reissued after a daemon crash) may fill a
     * snapshot's COW meanwhile: its reads then fail, as they must, and the snapshot is invalid.
     */
    private void verifyDevice(Target t, Model m, String what, Check check, Snap snap) {
        int step = 32;
        boolean[] invalidated = new boolean[1];
        for (long sector = 0; sector < m.sectors() && failures.size() < 5 && !invalidated[0]; sector += step) {
            int count = (int) Math.min(step, m.sectors() - sector);
            HostBuffer buf = buffer(count);
            IoBuffer data = buf.slice(0, count * 512L);
            long first = sector;
            boolean[] done = new boolean[1];
            BlockRequest req = new BlockRequest();
            req.set(BlockRequest.Op.READ, sector, count, data, false, anyQueue(), (rq, res) -> {
                done[0] = true;
                if (res < 0) {
                    if (snap != null && explainedFailure(snap, false)) {
                        invalidated[0] = true;
                    } else {
                        fail("verify read of " + what + " " + first + "+" + count + " failed: " + res);
                    }
                    return;
                }
                ByteBuffer b = data.byteBuffer();
                for (int i = 0; i < count; i++) {
                    long got = versionRead(b, i * 512, first + i);
                    if (check == Check.AFTER_POWER_LOSS) {
                        if (!m.possibleAfterCrash(first + i, got)) {
                            fail("after crash " + crashes + ", " + what + " sector " + (first + i) + " holds version " + got
                                    + ", which no crash could leave (acknowledged " + m.expected(first + i) + ")");
                            return;
                        }
                        m.settle(first + i, got);
                    } else if (check == Check.AFTER_DAEMON_CRASH) {
                        if (!m.possibleAfterProcessCrash(first + i, got)) {
                            fail("after daemon crash " + daemonCrashes + ", " + what + " sector " + (first + i) + " holds version "
                                    + got + ", neither the acknowledged " + m.expected(first + i) + " nor a write in flight");
                            return;
                        }
                    } else if (!agrees(m.expected(first + i), got)) {
                        fail(what + " sector " + (first + i) + ": read version " + got + ", expected " + m.expected(first + i));
                        return;
                    }
                }
            });
            t.submit(req);
            while (!done[0] && sched.step()) {
                // drive until this read completes
            }
            giveBack(buf);
            if (!done[0]) {
                fail("verify read of " + what + " never completed");
                return;
            }
        }
    }

    /** After everything settled: nothing pending, no buffer leaked, no tracked I/O left. */
    private void checkQuiet() {
        origin.lock.lock();
        try {
            for (Snapshot s : origin.lockedSnapshots()) {
                if (s.tables.pendingCount() != 0) {
                    fail(s + " still has " + s.tables.pendingCount() + " pending exceptions");
                }
                if (s.tables.anyTracked()) {
                    fail(s + " still has tracked I/O");
                }
            }
        } finally {
            origin.lock.unlock();
        }
        if (origin.pool.bytesOutstanding() != 0) {
            fail("copy buffers leaked: " + origin.pool.bytesOutstanding() + " bytes outstanding");
        }
        if (origin.inflight() != 0) {
            fail("origin has " + origin.inflight() + " requests in flight after settling");
        }
        for (Iterator<Snap> it = snaps.iterator(); it.hasNext(); ) {
            Snap s = it.next();
            if (s.active && !s.gone && s.target.inflight() != 0) {
                fail(s + " has requests in flight after settling");
            }
        }
    }
}
