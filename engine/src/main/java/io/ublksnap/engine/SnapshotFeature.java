package io.ublksnap.engine;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The optional features of a snapshot table, as dm-snapshot's constructor takes them after the
 * chunk size: {@code [<#feature args> [<arg>]*]}, at most two, names case-insensitive.
 *
 * <ul>
 * <li>{@link #DISCARD_ZEROES_COW}: the snapshot device takes discards. A discard that covers a
 *     whole chunk with an exception zeroes that chunk in the COW (the exception stays, so the COW
 *     does not shrink and the snapshot reads zeros there); a part of a chunk with an exception is
 *     discarded on the COW; a chunk without an exception is left alone (discarding it would mean
 *     copying it out first). Discards are split at chunk boundaries; the device's discard
 *     granularity and largest discard are one chunk.</li>
 * <li>{@link #DISCARD_PASSDOWN_ORIGIN} (only with the first): the same discard also goes to the
 *     origin's own device, bypassing the origin: nothing is copied out, so every snapshot of the
 *     origin that has no exception for those chunks sees them discarded too. It is meant for
 *     giving space back to a thinly provisioned origin.</li>
 * </ul>
 * Without either feature, discards to a snapshot are refused (the device does not offer them).
 */
public enum SnapshotFeature {
    DISCARD_ZEROES_COW("discard_zeroes_cow"),
    DISCARD_PASSDOWN_ORIGIN("discard_passdown_origin");

    /** dm-snapshot takes at most this many feature arguments. */
    public static final int MAX_ARGS = 2;

    private final String word;

    SnapshotFeature(String word) {
        this.word = word;
    }

    /** The word in a table line. */
    public String word() {
        return word;
    }

    /** A feature by its table word (case-insensitive, as the kernel compares them). */
    public static SnapshotFeature of(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        for (SnapshotFeature f : values()) {
            if (f.word.equals(w)) {
                return f;
            }
        }
        throw new SnapshotException("unknown snapshot feature '" + word + "' (dm-snapshot has discard_zeroes_cow and"
                + " discard_passdown_origin)");
    }

    /**
     * The features of a table line's feature arguments: {@code args} is what follows the chunk size,
     * the count first ({@code ["2", "discard_zeroes_cow", "discard_passdown_origin"]}), or empty.
     */
    public static Set<SnapshotFeature> parse(List<String> args) {
        if (args.isEmpty()) {
            return Set.of();
        }
        int n;
        try {
            n = Integer.parseInt(args.getFirst());
        } catch (NumberFormatException e) {
            throw new SnapshotException("expected the number of feature arguments after the chunk size, not '" + args.getFirst() + "'");
        }
        if (n < 0 || n > MAX_ARGS) {
            throw new SnapshotException("invalid number of feature arguments " + n + ": dm-snapshot takes 0 to " + MAX_ARGS);
        }
        if (n != args.size() - 1) {
            throw new SnapshotException("says " + n + " feature arguments but has " + (args.size() - 1));
        }
        EnumSet<SnapshotFeature> set = EnumSet.noneOf(SnapshotFeature.class);
        for (String w : args.subList(1, args.size())) {
            set.add(of(w));
        }
        return check(set);
    }

    /** Refuses a combination dm-snapshot refuses; returns the set, unmodifiable. */
    public static Set<SnapshotFeature> check(Set<SnapshotFeature> features) {
        if (features.contains(DISCARD_PASSDOWN_ORIGIN) && !features.contains(DISCARD_ZEROES_COW)) {
            throw new SnapshotException("discard_passdown_origin depends on discard_zeroes_cow: ask for both");
        }
        return features.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(features));
    }

    /**
     * The feature arguments as dm-snapshot's table status prints them: "" without features, else
     * " N word..." in the kernel's order (discard_zeroes_cow first).
     */
    public static String tableArgs(Set<SnapshotFeature> features) {
        if (features.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" ").append(features.size());
        for (SnapshotFeature f : values()) {
            if (features.contains(f)) {
                b.append(' ').append(f.word);
            }
        }
        return b.toString();
    }
}
