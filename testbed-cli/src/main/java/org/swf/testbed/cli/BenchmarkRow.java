package org.swf.testbed.cli;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One figure of {@code testbed benchmark}: what was measured, in which unit, every value of the
 * measured runs, and the floor it is compared with. A figure alone says little on a machine shared
 * with others; its ratio to a floor measured in the same run (a bare JVM start, a supervisord
 * restart) says how much the testbed adds to what the machine can do at all.
 *
 * @param label what was measured, e.g. {@code testbed run, 4 sleep agents, to execution id}
 * @param unit the unit of every value
 * @param values the value of each measured run (warm-up excluded); at least one
 * @param floor the floor this figure is compared with, or null when none applies (a count, a
 *     memory figure)
 */
record BenchmarkRow(String label, Unit unit, List<Double> values, BenchmarkRow floor) {

    /** Width of the label column: the longest label of the benchmark fits. */
    static final int LABEL_WIDTH = 62;

    /** The units the benchmark prints, each as its symbol. */
    enum Unit {
        MILLISECONDS("ms"),
        MEGABYTES("MB"),
        MESSAGES_PER_SECOND("msg/s"),
        MESSAGES("msgs");

        final String symbol;

        Unit(String symbol) {
            this.symbol = symbol;
        }
    }

    BenchmarkRow {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(unit, "unit");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("A benchmark row needs at least one value: " + label);
        }
    }

    /**
     * @param label what was measured
     * @param unit its unit
     * @param values the value of each run
     * @return a row compared with no floor
     */
    static BenchmarkRow of(String label, Unit unit, List<? extends Number> values) {
        return new BenchmarkRow(label, unit, values.stream().map(Number::doubleValue).toList(), null);
    }

    /**
     * @param newFloor the floor to compare with
     * @return this row compared with that floor
     */
    BenchmarkRow against(BenchmarkRow newFloor) {
        return new BenchmarkRow(label, unit, values, newFloor);
    }

    /** @return the median: of an even count, the mean of the two middle values */
    double median() {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** @return median over the floor's median, or NaN without a floor (or with a zero floor) */
    double ratio() {
        if (floor == null || floor.median() == 0) {
            return Double.NaN;
        }
        return median() / floor.median();
    }

    /** @return the header line of {@link #format()}'s columns */
    static String header() {
        return String.format(Locale.ROOT, "  %-" + LABEL_WIDTH + "s %10s %10s %10s %-6s  %s", "figure", "median", "min",
                "max", "unit", "median / floor");
    }

    /**
     * @return one line: label, median, min, max, unit and, with a floor, the ratio to it and the
     *     floor's label; e.g. {@code testbed --version  412  398  450 ms  3.1 x floor J}
     */
    String format() {
        String line = String.format(Locale.ROOT, "  %-" + LABEL_WIDTH + "s %10s %10s %10s %-6s", label,
                number(median()), number(min()), number(max()), unit.symbol);
        if (floor == null) {
            return line + "  -";
        }
        return line + String.format(Locale.ROOT, "  %.1f x %s", ratio(), floor.shortName());
    }

    /** @return the part of the label before its colon, e.g. {@code floor S} of {@code floor S: ...} */
    String shortName() {
        int colon = label.indexOf(':');
        return colon > 0 ? label.substring(0, colon) : label;
    }

    /** Whole numbers as such; fractions (small megabyte figures) to one decimal. */
    private static String number(double value) {
        if (value == Math.rint(value) || Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%d", Math.round(value));
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
