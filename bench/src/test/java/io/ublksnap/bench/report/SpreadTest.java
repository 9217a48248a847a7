package io.ublksnap.bench.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpreadTest {
    @Test
    void medianOfOddAndEvenCountsIgnoresMissingValues() {
        Spread odd = Spread.of(List.of(3.0, 1.0, 2.0));
        assertEquals(2.0, odd.median());
        assertEquals(1.0, odd.min());
        assertEquals(3.0, odd.max());
        Spread even = Spread.of(Arrays.asList(4.0, Double.NaN, 1.0, 2.0, 3.0, null));
        assertEquals(2.5, even.median());
        assertEquals(4, even.n());
        assertFalse(Spread.of(List.of()).present());
    }

    @Test
    void rangesThatOverlapAreInsideTheSpread() {
        Spread a = Spread.of(List.of(100.0, 110.0, 120.0));
        assertTrue(a.overlaps(Spread.of(List.of(118.0, 130.0, 140.0))));
        assertFalse(a.overlaps(Spread.of(List.of(121.0, 130.0))));
    }

    @Test
    void aRatioCarriesTheIntervalOfItsExtremes() {
        Spread.Ratio r = Spread.of(List.of(90.0, 100.0, 110.0)).over(Spread.of(List.of(45.0, 50.0, 55.0)));
        assertEquals(2.0, r.value(), 1e-12);
        assertEquals(90.0 / 55, r.lo(), 1e-12);
        assertEquals(110.0 / 45, r.hi(), 1e-12);
        Spread.Ratio n = r.over(new Spread.Ratio(2.0, 1.0, 4.0));
        assertEquals(1.0, n.value(), 1e-12);
        assertEquals(90.0 / 55 / 4, n.lo(), 1e-12);
        assertTrue(n.contains(1.0));
        assertFalse(Spread.of(List.of()).over(Spread.of(List.of(1.0))).present());
    }
}
