package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;

/**
 * When and by how much a file-backed COW grows by itself, as lvm.conf's
 * {@code snapshot_autoextend_threshold} and {@code snapshot_autoextend_percent}: once the COW is
 * {@code threshold} % full it grows by {@code percent} % of its size. A threshold of 100 or a
 * percent of 0 turns it off.
 */
public record Autoextend(int threshold, int percent) {
    /** Autoextend off. */
    public static final Autoextend OFF = new Autoextend(100, 0);
    /** The largest growth asked for at once (ten times the COW). */
    public static final int MAX_PERCENT = 1000;

    public Autoextend {
        if (threshold < 50 || threshold > 100) {
            throw new SnapshotException("bad autoextend threshold " + threshold
                    + ": 50 to 100 % full (100 turns autoextend off), as lvm.conf's snapshot_autoextend_threshold");
        }
        if (percent < 0 || percent > MAX_PERCENT) {
            throw new SnapshotException("bad autoextend percent " + percent + ": 0 to " + MAX_PERCENT
                    + " % of the COW's size (0 turns autoextend off), as lvm.conf's snapshot_autoextend_percent");
        }
    }

    /** Whether the COW grows by itself. */
    public boolean on() {
        return threshold < 100 && percent > 0;
    }

    /** Both settings given, or neither (null); one alone is refused. */
    public static Autoextend of(Integer threshold, Integer percent) {
        if (threshold == null && percent == null) {
            return null;
        }
        if (threshold == null || percent == null) {
            throw new SnapshotException("give both --autoextend-threshold and --autoextend-percent (e.g. 70 and 20),"
                    + " or neither");
        }
        return new Autoextend(threshold, percent);
    }

    @Override
    public String toString() {
        return on() ? "at " + threshold + " % by " + percent + " %" : "off";
    }
}
