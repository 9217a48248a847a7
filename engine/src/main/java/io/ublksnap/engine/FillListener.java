package io.ublksnap.engine;

import io.ublksnap.engine.store.StoreUsage;

/**
 * Hears how full the snapshots of an origin get, as dmeventd watches dm-snapshot's usage: the
 * daemon's fill monitor (warnings, hook, autoextend). Set with {@link Origin#fillListener}.
 *
 * <p>Every method is called on the data path, with the origin's lock held: an implementation only
 * hands the news to a thread of its own. It never blocks and never calls into the engine from
 * inside a call (a {@link CowGrowth} it was given is completed later, from another thread).
 */
public interface FillListener {

    /**
     * The COW of snapshot {@code name} is now {@code percent} % full (allocated over total sectors,
     * rounded down): called each time that whole number changes, up as exceptions are made, down
     * when the COW has grown.
     */
    void usage(String name, int percent, StoreUsage usage);

    /**
     * The COW reached the snapshot's autoextend threshold ({@link Origin#autoGrow}): grow it, then
     * call {@link CowGrowth#grown()} or {@link CowGrowth#failed}, exactly once. Until then an
     * allocation that finds the COW full waits instead of invalidating or overflowing the snapshot.
     */
    void growthNeeded(CowGrowth growth);

    /**
     * The snapshot can take no more: {@code state} is {@link SnapshotStatus.State#INVALID} (a full
     * P or N COW, or an I/O error: every request fails from now on) or
     * {@link SnapshotStatus.State#OVERFLOW} (a full PO COW: writes fail, reads go on).
     */
    void exhausted(String name, SnapshotStatus.State state, String reason);
}
