package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.CowGrowth;
import io.ublksnap.engine.FillListener;
import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotConfig;
import io.ublksnap.engine.SnapshotTarget;
import io.ublksnap.engine.io.BackingDevice;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** The real engine, with steps a test can hold back (never completing, or until it lets them go). */
final class SlowEngine implements Lifecycle {
    final Lifecycle real;
    volatile CompletableFuture<Void> removeGate;      // remove completes only after this (null: at once)
    volatile CompletableFuture<Void> mergeSwitchGate; // startMerge completes only after this

    SlowEngine(Lifecycle real) {
        this.real = real;
    }

    private static <T> CompletionStage<T> after(CompletableFuture<Void> gate, CompletionStage<T> step) {
        return gate == null ? step : step.thenCombine(gate, (v, g) -> v);
    }

    @Override
    public Origin newOrigin(String name, BackingDevice backing, Consumer<String> log) {
        return real.newOrigin(name, backing, log);
    }

    @Override
    public void watchFill(Origin origin, FillListener listener) {
        real.watchFill(origin, listener);
    }

    @Override
    public void autoGrow(Origin origin, SnapshotTarget t, int thresholdPercent) {
        real.autoGrow(origin, t, thresholdPercent);
    }

    @Override
    public CowGrowth growCow(Origin origin, SnapshotTarget t) {
        return real.growCow(origin, t);
    }

    @Override
    public CompletionStage<SnapshotTarget> load(Origin origin, SnapshotConfig config) {
        return real.load(origin, config);
    }

    @Override
    public SnapshotTarget loadLost(Origin origin, SnapshotConfig config, long sectors) {
        return real.loadLost(origin, config, sectors);
    }

    @Override
    public CompletionStage<Void> activate(Origin origin, SnapshotTarget t) {
        return real.activate(origin, t);
    }

    @Override
    public CompletionStage<Void> remove(Origin origin, SnapshotTarget t) {
        return after(removeGate, real.remove(origin, t));
    }

    @Override
    public CompletionStage<SnapshotTarget> reload(Origin origin, SnapshotTarget old, SnapshotConfig config, Consumer<SnapshotTarget> sw) {
        return real.reload(origin, old, config, sw);
    }

    @Override
    public CompletionStage<Void> startMerge(Origin origin, SnapshotTarget t, MergeEvents events) {
        return after(mergeSwitchGate, real.startMerge(origin, t, events));
    }

    @Override
    public CompletionStage<Void> resumeMerge(Origin origin, SnapshotConfig config, MergeEvents events) {
        return real.resumeMerge(origin, config, events);
    }

    @Override
    public CompletionStage<Void> stopMerge(Origin origin) {
        return real.stopMerge(origin);
    }

    @Override
    public MergeProgress mergeStatus(Origin origin) {
        return real.mergeStatus(origin);
    }

    @Override
    public SnapshotView status(SnapshotTarget t) {
        return real.status(t);
    }

    @Override
    public void close() {
        real.close();
    }
}
