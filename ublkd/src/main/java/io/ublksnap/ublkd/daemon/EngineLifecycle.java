package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.CowGrowth;
import io.ublksnap.engine.FillListener;
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
import io.ublksnap.ublkd.io.NativeBufferAllocator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The one place that calls the engine's lifecycle API (Origin load/activate/reload/remove/
 * startMerge/resumeMerge/stopMerge) and reads its status types, which become the protocol's enums. Steps that do
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
        return new Origin(name, backing, NativeBufferAllocator.INSTANCE, options, log);
    }

    @Override
    public void watchFill(Origin origin, FillListener listener) {
        origin.fillListener(listener);
    }

    @Override
    public void autoGrow(Origin origin, SnapshotTarget t, int thresholdPercent) {
        origin.autoGrow(t, thresholdPercent);
    }

    @Override
    public CowGrowth growCow(Origin origin, SnapshotTarget t) {
        return origin.growCow(t);
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
    public SnapshotTarget loadLost(Origin origin, SnapshotConfig config, long sectors) {
        return origin.loadLost(config, sectors);
    }

    @Override
    public CompletionStage<Void> activate(Origin origin, SnapshotTarget t) {
        return origin.activate(t, loop);
    }

    @Override
    public CompletionStage<Void> remove(Origin origin, SnapshotTarget t) {
        return origin.remove(t, loop);
    }

    @Override
    public CompletionStage<SnapshotTarget> reload(Origin origin, SnapshotTarget old, SnapshotConfig config,
                                                  Consumer<SnapshotTarget> switchDevice) {
        // Loading the new table reads nothing (it takes the old one's state), so it may run here.
        return origin.reload(old, config, loop, switchDevice);
    }

    @Override
    public CompletionStage<Void> startMerge(Origin origin, SnapshotTarget t, MergeEvents events) {
        return origin.startMerge(t, loop, listener(events));
    }

    @Override
    public CompletionStage<Void> resumeMerge(Origin origin, SnapshotConfig config, MergeEvents events) {
        // Opening the COW reads its exceptions: off the loop.
        CompletableFuture<Void> f = new CompletableFuture<>();
        blocking.execute(() -> origin.resumeMerge(config, loop, listener(events)).whenComplete((v, e) -> complete(f, e)));
        return f;
    }

    @Override
    public CompletionStage<Void> stopMerge(Origin origin) {
        return origin.stopMerge();
    }

    private static MergeListener listener(MergeEvents events) {
        return new MergeListener() {
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
        return new MergeProgress(m.snapshot(), MergeState.of(m.state().toString()), m.merged(), m.total(), (int) m.chunkSectors(),
                m.bytesPerSecond(), m.secondsLeft(), m.error());
    }

    @Override
    public SnapshotView status(SnapshotTarget t) {
        SnapshotStatus s = t.status();
        SnapshotState state = switch (s.state()) {
            case ACTIVE -> SnapshotState.ACTIVE;
            case INVALID, REMOVED -> SnapshotState.INVALID;
            case OVERFLOW -> SnapshotState.OVERFLOW;
            case MERGING -> SnapshotState.MERGING;
            case LOADED, HANDED_OVER -> SnapshotState.LOADED; // between tables
        };
        Usage u = s.usage() == null ? null
                : new Usage(s.usage().allocatedSectors(), s.usage().totalSectors(), s.usage().metadataSectors());
        return new SnapshotView(state, s.valid(), s.overflow(), s.exceptions(), s.pending(), u, s.chunkSectors(), t.sizeSectors());
    }

    private static void complete(CompletableFuture<Void> f, Throwable err) {
        if (err instanceof java.util.concurrent.CompletionException c && c.getCause() != null) {
            err = c.getCause();
        }
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
