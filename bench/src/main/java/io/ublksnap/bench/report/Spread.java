package io.ublksnap.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The repetitions of one measurement: median, min and max; NaN when there is none. */
record Spread(double median, double min, double max, int n) {

    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    static Spread of(List<Double> values) {
        List<Double> v = new ArrayList<>();
        for (Double d : values) {
            if (d != null && !d.isNaN()) {
                v.add(d);
            }
        }
        if (v.isEmpty()) {
            return NONE;
        }
        v.sort(Double::compare);
        int k = v.size();
        double med = k % 2 == 1 ? v.get(k / 2) : (v.get(k / 2 - 1) + v.get(k / 2)) / 2;
        return new Spread(med, v.getFirst(), v.getLast(), k);
    }

    boolean present() {
        return n > 0;
    }

    /** Whether the two ranges [min, max] overlap: a difference between the medians is then inside the spread. */
    boolean overlaps(Spread o) {
        return present() && o.present() && min <= o.max && o.min <= max;
    }

    /** (max - min) / median. */
    double relativeWidth() {
        return present() && median != 0 ? (max - min) / median : Double.NaN;
    }

    /** The ratio of two spreads: median over median, and the extremes (this.min / o.max, this.max / o.min). */
    Ratio over(Spread o) {
        if (!present() || !o.present() || o.median == 0) {
            return Ratio.NONE;
        }
        return new Ratio(median / o.median, min / o.max, max / o.min);
    }

    String format() {
        if (!present()) {
            return "-";
        }
        return Fmt.num(median) + " [" + Fmt.num(min) + "–" + Fmt.num(max) + "]";
    }

    /** A ratio with the interval its two ranges allow. */
    record Ratio(double value, double lo, double hi) {
        static final Ratio NONE = new Ratio(Double.NaN, Double.NaN, Double.NaN);

        boolean present() {
            return !Double.isNaN(value);
        }

        Ratio over(Ratio o) {
            if (!present() || !o.present()) {
                return NONE;
            }
            return new Ratio(value / o.value, lo / o.hi, hi / o.lo);
        }

        /** Whether x lies in [lo, hi]: then the runs cannot tell the ratio from x. */
        boolean contains(double x) {
            return present() && lo <= x && x <= hi;
        }

        String format() {
            if (!present()) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.2fx (%.2f–%.2f)", value, lo, hi);
        }
    }
}
