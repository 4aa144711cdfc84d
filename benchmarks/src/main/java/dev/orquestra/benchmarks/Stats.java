package dev.orquestra.benchmarks;

import java.util.Arrays;

/** Order statistics over measured samples, with the Celery baseline's definitions. */
final class Stats {

    private Stats() {
    }

    /**
     * Nearest rank, as the baseline computes it: the value at 1-based rank ⌈p/100 · n⌉ of the sorted
     * samples. {@code NaN} when there are none.
     */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = Math.max(1, (int) Math.ceil(p / 100.0 * sorted.length));
        return sorted[Math.min(rank, sorted.length) - 1];
    }

    /** The median: the middle value, or the mean of the two middle values. {@code NaN} when empty. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
