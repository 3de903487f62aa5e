package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.swf.testbed.cli.BenchmarkRow.Unit;

/** The statistics and the line format of the benchmark's figures; nothing here is timed. */
class BenchmarkRowTest {

    @Test
    void medianMinAndMaxOfAnOddCountComeFromTheSortedValues() {
        BenchmarkRow row = BenchmarkRow.of("x", Unit.MILLISECONDS, List.of(30, 10, 20));
        assertThat(row.median()).isEqualTo(20.0);
        assertThat(row.min()).isEqualTo(10.0);
        assertThat(row.max()).isEqualTo(30.0);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(BenchmarkRow.of("x", Unit.MILLISECONDS, List.of(4, 1, 3, 2)).median()).isEqualTo(2.5);
        assertThat(BenchmarkRow.of("x", Unit.MILLISECONDS, List.of(7)).median()).isEqualTo(7.0);
    }

    @Test
    void aRowNeedsAValue() {
        assertThatThrownBy(() -> BenchmarkRow.of("nothing measured", Unit.MEGABYTES, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing measured");
    }

    @Test
    void theRatioIsTheMedianOverTheFloorsMedian() {
        BenchmarkRow floor = BenchmarkRow.of("floor J: bare java -version", Unit.MILLISECONDS, List.of(100, 90, 200));
        BenchmarkRow row = BenchmarkRow.of("testbed --version", Unit.MILLISECONDS, List.of(250, 260, 240))
                .against(floor);
        assertThat(row.ratio()).isEqualTo(2.5);
        assertThat(BenchmarkRow.of("no floor", Unit.MESSAGES, List.of(1)).ratio()).isNaN();
    }

    @Test
    void aLineHasLabelMedianMinMaxUnitAndTheRatioToTheNamedFloor() {
        BenchmarkRow floor = BenchmarkRow.of("floor J: bare java -version", Unit.MILLISECONDS, List.of(100));
        String line = BenchmarkRow.of("testbed --version, to exit", Unit.MILLISECONDS, List.of(260, 240, 250))
                .against(floor).format();
        assertThat(line).matches("  testbed --version, to exit +250 +240 +260 ms +2\\.5 x floor J");
    }

    @Test
    void aLineWithoutAFloorEndsInADashAndSmallFractionsKeepOneDecimal() {
        assertThat(BenchmarkRow.of("PSS of data-agent", Unit.MEGABYTES, List.of(41.25, 40.0, 43.5)).format())
                .matches("  PSS of data-agent +41\\.3 +40 +43\\.5 MB +-");
        assertThat(BenchmarkRow.of("pipeline throughput", Unit.MESSAGES_PER_SECOND, List.of(21_000.4)).format())
                .matches("  pipeline throughput +21000 +21000 +21000 msg/s +-");
    }

    @Test
    void theHeaderNamesEveryColumnAndLinesLineUpUnderIt() {
        String header = BenchmarkRow.header();
        String line = BenchmarkRow.of("a", Unit.MESSAGES, List.of(5)).format();
        assertThat(header).contains("figure", "median", "min", "max", "unit", "median / floor");
        assertThat(line.indexOf("msgs")).isEqualTo(header.indexOf("unit"));
    }
}
