package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for people: each column as wide as its widest cell, so long execution ids or program
 * names never push the others out of line; the last column is free text and not padded.
 */
final class TextTable {

    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * @param headers the column headers
     * @param rightAligned for each column, whether it holds numbers (aligned right)
     */
    TextTable(List<String> headers, boolean... rightAligned) {
        if (rightAligned.length != headers.size()) {
            throw new IllegalArgumentException("One alignment per column: " + headers.size() + " columns, "
                    + rightAligned.length + " alignments");
        }
        this.headers = List.copyOf(headers);
        this.rightAligned = rightAligned.clone();
    }

    /** @param cells one value per column; null shows as "-" */
    void row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("A row needs " + headers.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "-" : cell.toString());
        }
        rows.add(row);
    }

    /** @param out where the header and the rows go, two spaces between columns */
    void print(PrintWriter out) {
        lines().forEach(out::println);
    }

    /** @return the header line, then one line per row, in the order the rows were added */
    List<String> lines() {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(format(headers, widths));
        rows.forEach(row -> lines.add(format(row, widths)));
        return lines;
    }

    private String format(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        int last = cells.size() - 1;
        for (int column = 0; column <= last; column++) {
            String cell = cells.get(column);
            if (column > 0) {
                line.append("  ");
            }
            String padding = " ".repeat(widths[column] - cell.length());
            if (rightAligned[column]) {
                line.append(padding).append(cell);
            } else {
                line.append(cell).append(column == last ? "" : padding);
            }
        }
        return line.toString().stripTrailing();
    }
}
