package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.MergeListener;
import io.ublksnap.engine.MergeStatus;
import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotConfig;
import io.ublksnap.engine.SnapshotStatus;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.io.BackingDevice;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ublkd.control.DeviceInfo.Usage;
import io.ublksnap.ublkd.control.MergeState;
import io.ublksnap.ublkd.control.SnapshotState;
import io.ublksnap.ublkd.io.RingLoop;
import io.ublksnap.ublkd.io.SegmentAllocator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The one place that calls the engine's lifecycle API (Origin load/activate/remove/startMerge/
 * resumeMerge/stopMerge, SnapshotTarget suspend/resume) and reads its status types: callbacks
 * become {@link CompletionStage}s, engine state words become the protocol's enums. Steps that do
 * I/O run on the control ring loop (which the engine's control-path I/O needs); the blocking read
 * of a COW's exceptions at load runs on a thread of its own, never on the loop.
 */
final class EngineLifecycle implements Lifecycle {
    private final RingLoop loop;
    private final Origin.Options options;
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();

    EngineLifecycle(Origin.Options options) throws NativeException {
        this.options = options;
        this.loop = RingLoop.start("ublkd-control", 256);
    }

    @Override
    public Origin newOrigin(String name, BackingDevice backing, Consumer<String> log) {
        return new Origin(name, backing, SegmentAllocator.INSTANCE, options, log);
    }

    @Override
    public CompletionStage<SnapshotTarget> load(Origin origin, SnapshotConfig config) {
        CompletableFuture<SnapshotTarget> f = new CompletableFuture<>();
        blocking.execute(() -> {
            try {
                f.complete(origin.load(config));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Override
    public CompletionStage<Void> activate(Origin origin, SnapshotTarget t) {
        return onLoop(f -> origin.activate(t, loop, err -> complete(f, err)));
    }

    @Override
    public CompletionStage<Void> remove(Origin origin, SnapshotTarget t) {
        return onLoop(f -> origin.remove(t, loop, () -> f.complete(null)));
    }

    @Override
    public CompletionStage<Void> handover(Origin origin, SnapshotTarget old, SnapshotTarget next, Consumer<SnapshotTarget> switchDevice) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(f -> old.suspend(() -> loop.execute(() -> {
            try {
                origin.activate(next, loop, err -> {
                    if (err != null) {
                        f.completeExceptionally(err);
                        return;
                    }
                    switchDevice.accept(next);
                    old.resumeInto(next);
                    f.complete(null);
                });
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }))).whenComplete((v, err) -> {
            if (err == null) {
                done.complete(null);
                return;
            }
            // Undo: the new table goes, the old one takes its held requests again.
            onLoop(g -> origin.remove(next, loop, () -> g.complete(null))).whenComplete((v2, err2) -> {
                old.resume();
                done.completeExceptionally(err);
            });
        });
        return done;
    }

    @Override
    public CompletionStage<Void> startMerge(Origin origin, SnapshotTarget t, MergeEvents events) {
        return onLoop(f -> origin.startMerge(t, loop, listener(events, f)));
    }

    @Override
    public CompletionStage<Void> resumeMerge(Origin origin, SnapshotConfig config, MergeEvents events) {
        return onLoop(f -> {
            try {
                origin.resumeMerge(config, loop, listener(events, null));
                f.complete(null);
            } catch (java.io.IOException e) {
                f.completeExceptionally(e);
            }
        });
    }

    @Override
    public CompletionStage<Void> stopMerge(Origin origin) {
        return onLoop(f -> origin.stopMerge(() -> f.complete(null)));
    }

    private static MergeListener listener(MergeEvents events, CompletableFuture<Void> started) {
        return new MergeListener() {
            @Override
            public void started() {
                if (started != null) {
                    started.complete(null);
                }
            }

            @Override
            public void completed() {
                events.completed();
            }

            @Override
            public void failed(String reason) {
                events.failed(reason);
            }
        };
    }

    @Override
    public MergeProgress mergeStatus(Origin origin) {
        MergeStatus m = origin.mergeStatus();
        if (m == null) {
            return null;
        }
        return new MergeProgress(m.snapshot(), MergeState.of(m.state()), m.merged(), m.total(), (int) m.chunkSectors(),
                m.bytesPerSecond(), m.secondsLeft(), m.error());
    }

    @Override
    public SnapshotView status(SnapshotTarget t) {
        SnapshotStatus s = t.status();
        SnapshotState state = switch (s.state()) {
            case "active" -> SnapshotState.ACTIVE;
            case "invalid" -> SnapshotState.INVALID;
            case "overflow" -> SnapshotState.OVERFLOW;
            case "merging" -> SnapshotState.MERGING;
            case "merge failed" -> SnapshotState.MERGE_FAILED;
            default -> SnapshotState.LOADED; // "loaded", "handed over": between tables
        };
        Usage u = s.usage() == null ? null
                : new Usage(s.usage().allocatedSectors(), s.usage().totalSectors(), s.usage().metadataSectors());
        return new SnapshotView(state, s.valid(), s.overflow(), s.exceptions(), s.pending(), u, s.chunkSectors(), t.sizeSectors());
    }

    /** Runs {@code work} on the loop; it completes the future it gets (also when it throws). */
    private CompletableFuture<Void> onLoop(Consumer<CompletableFuture<Void>> work) {
        return loop.async(work);
    }

    private static void complete(CompletableFuture<Void> f, Throwable err) {
        if (err == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(err);
        }
    }

    @Override
    public void close() {
        loop.requestStop();
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        blocking.shutdown();
    }
}
