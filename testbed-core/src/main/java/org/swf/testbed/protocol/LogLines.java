package org.swf.testbed.protocol;

import java.util.List;

/**
 * The answer to {@code logs}: the last lines of a program's log.
 *
 * @param program the program
 * @param logFile its log file
 * @param lines the last lines, oldest first
 */
public record LogLines(
        String program,
        String logFile,
        List<String> lines) {

    /** Copies the list; a reply without it has none. */
    public LogLines {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }
}
