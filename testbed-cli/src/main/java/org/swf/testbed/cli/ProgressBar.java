package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * Shows a workflow execution's progress on stderr: a bar redrawn in place on a terminal, one line
 * per change otherwise (logs, CI).
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private String last = "";

    ProgressBar(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** @param execution the runner's view of the execution */
    void show(Map<String, Object> execution) {
        long done = number(execution.get("stf_generated"));
        long expected = number(execution.get("stf_expected"));
        String bar = expected > 0 ? "[" + "#".repeat((int) Math.min(WIDTH, done * WIDTH / expected))
                + ".".repeat((int) Math.max(0, WIDTH - done * WIDTH / expected)) + "] " + done + "/" + expected + " STFs"
                : done + " STFs";
        String line = bar + "  " + execution.get("state") + "/" + execution.get("substate") + "  "
                + execution.get("execution_id");
        if (Objects.equals(line, last)) {
            return;
        }
        last = line;
        if (terminal) {
            err.print("\r" + line + "   ");
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the bar's line, so what follows starts on a line of its own. */
    void done() {
        if (terminal && !last.isEmpty()) {
            err.println();
        }
        err.flush();
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : 0;
    }
}
