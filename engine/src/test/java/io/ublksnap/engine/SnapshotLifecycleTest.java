package io.ublksnap.engine;

import io.ublksnap.engine.SnapshotTarget.Lifecycle;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.ublksnap.engine.SnapshotTarget.Lifecycle.ACTIVE;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.AWAITING_HANDOVER;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.HANDED_OVER;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.HANDOVER_CANCELLED;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.HANDOVER_SOURCE;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.LOADED;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.LOST;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.MERGING;
import static io.ublksnap.engine.SnapshotTarget.Lifecycle.REMOVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The snapshot table's lifecycle: exactly the transitions of its diagram, and nothing else. */
class SnapshotLifecycleTest {
    static final Map<Lifecycle, Set<Lifecycle>> ALLOWED = Map.of(
            LOADED, EnumSet.of(ACTIVE, REMOVED),
            AWAITING_HANDOVER, EnumSet.of(ACTIVE, HANDOVER_CANCELLED, REMOVED),
            ACTIVE, EnumSet.of(HANDOVER_SOURCE, MERGING, REMOVED),
            HANDOVER_SOURCE, EnumSet.of(HANDED_OVER, ACTIVE, REMOVED),
            HANDED_OVER, EnumSet.noneOf(Lifecycle.class),
            MERGING, EnumSet.of(REMOVED),
            REMOVED, EnumSet.noneOf(Lifecycle.class),
            HANDOVER_CANCELLED, EnumSet.of(REMOVED),
            LOST, EnumSet.of(REMOVED));

    @Test
    void everyTransitionIsListedAndNoOther() {
        for (Lifecycle from : Lifecycle.values()) {
            for (Lifecycle to : Lifecycle.values()) {
                assertEquals(ALLOWED.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
            }
        }
    }

    @Test
    void anIllegalTransitionIsRefused() {
        Origin o = new Origin("o", new io.ublksnap.engine.io.MemoryDevice("o", 1 << 16), io.ublksnap.engine.io.BufferAllocator.DIRECT,
                Origin.Options.DEFAULT, m -> { });
        SnapshotTarget lost = o.loadLost(new SnapshotConfig("n", new io.ublksnap.engine.io.MemoryDevice("c", 1 << 16),
                io.ublksnap.engine.store.StoreType.TRANSIENT, 8), 128);
        o.lock.lock();
        try {
            assertThrows(IllegalStateException.class, () -> lost.lockedMoveTo(ACTIVE, null));
            assertThrows(IllegalStateException.class, () -> lost.lockedMoveTo(HANDED_OVER, null), "HANDED_OVER needs its successor");
        } finally {
            o.lock.unlock();
        }
        assertEquals(LOST, lost.state());
    }
}
