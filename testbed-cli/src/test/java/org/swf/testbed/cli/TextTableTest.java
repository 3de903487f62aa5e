package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void everyColumnIsAsWideAsItsWidestCellAndNumbersAlignRight() {
        TextTable table = new TextTable(List.of("EXECUTION", "STFS", "NOTE"), false, true, false);
        table.row("stf_datataking-a-very-long-user-name-0001", 5, "");
        table.row("short", 12345, "why it failed");

        assertThat(table.lines()).containsExactly(
                "EXECUTION                                   STFS  NOTE",
                "stf_datataking-a-very-long-user-name-0001      5",
                "short                                      12345  why it failed");
    }

    @Test
    void aMissingValueShowsAsADashAndARowMustFillEveryColumn() {
        TextTable table = new TextTable(List.of("A", "B"), false, false);
        table.row(null, "x");
        assertThat(table.lines()).containsExactly("A  B", "-  x");
        assertThatThrownBy(() -> table.row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
