package io.ublksnap.bench.report;

import java.util.Locale;

/** Number formatting for the report: three significant figures, no trailing noise. */
final class Fmt {
    private Fmt() {
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
    }

    static String mib(double kib) {
        return Double.isNaN(kib) ? "-" : String.format(Locale.ROOT, "%.1f", kib / 1024);
    }
}
