package io.ublksnap.engine.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference model of one logical device (an origin or a snapshot): per sector, the version
 * of the last acknowledged write, plus what a crash may leave: the version known durable and the
 * versions written since. Plain arrays; nothing of the engine.
 */
public final class Model {
    public final String name;
    private final long[] acked;
    private final long[] durable;
    private final List<List<Long>> since; // per sector: versions issued since the durable one (null = none)

    public Model(String name, int sectors, long initialVersion) {
        this.name = name;
        this.acked = new long[sectors];
        this.durable = new long[sectors];
        Arrays.fill(acked, initialVersion);
        Arrays.fill(durable, initialVersion);
        this.since = new ArrayList<>(sectors);
        for (int i = 0; i < sectors; i++) {
            since.add(null);
        }
    }

    /** A copy that starts where {@code other} is now (a snapshot taken of it, or a merge taking it over). */
    public Model(String name, Model other) {
        this.name = name;
        this.acked = other.acked.clone();
        this.durable = other.durable.clone();
        this.since = new ArrayList<>(other.since.size());
        for (List<Long> l : other.since) {
            since.add(l == null ? null : new ArrayList<>(l));
        }
    }

    public int sectors() {
        return acked.length;
    }

    public long expected(long sector) {
        return acked[(int) sector];
    }

    /** A write was submitted: after a crash its data may be there. */
    public void issued(long sector, int count, long version) {
        for (int i = 0; i < count; i++) {
            int s = (int) sector + i;
            if (since.get(s) == null) {
                since.set(s, new ArrayList<>(2));
            }
            since.get(s).add(version);
        }
    }

    /** A write was acknowledged: reads must see it. */
    public void acked(long sector, int count, long version) {
        for (int i = 0; i < count; i++) {
            acked[(int) sector + i] = version;
        }
    }

    /** Snapshot of the acknowledged state, taken when a flush is submitted. */
    public long[] flushIssued() {
        return acked.clone();
    }

    /** A flush finished: what was acknowledged when it was submitted is durable. */
    public void flushed(long[] ackedAtIssue) {
        for (int s = 0; s < acked.length; s++) {
            long v = ackedAtIssue[s];
            if (v <= durable[s]) {
                continue; // versions only grow; an older flush finishing late changes nothing
            }
            durable[s] = v;
            List<Long> l = since.get(s);
            if (l != null) {
                l.removeIf(x -> x <= v);
                if (l.isEmpty()) {
                    since.set(s, null);
                }
            }
        }
    }

    /** Everything acknowledged is durable now (e.g. the origin after a snapshot's activation flush). */
    public void allDurable() {
        flushed(acked.clone());
    }

    /** After a crash: may {@code sector} hold {@code version}? */
    public boolean possibleAfterCrash(long sector, long version) {
        int s = (int) sector;
        if (durable[s] == version) {
            return true;
        }
        List<Long> l = since.get(s);
        return l != null && l.contains(version);
    }

    /**
     * After the daemon died and came back (the machine did not crash): may {@code sector} hold
     * {@code version}? Every acknowledged write is there; a write that was in flight (issued, never
     * acknowledged) may be there or not, until it is re-issued and acknowledged.
     */
    public boolean possibleAfterProcessCrash(long sector, long version) {
        int s = (int) sector;
        if (acked[s] == version) {
            return true;
        }
        List<Long> l = since.get(s);
        return l != null && version > acked[s] && l.contains(version);
    }

    /** After a crash, the sector was read back as {@code version}: that is its state from now on. */
    public void settle(long sector, long version) {
        int s = (int) sector;
        acked[s] = version;
        durable[s] = version;
        since.set(s, null);
    }
}
