package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.Objects;
import org.swf.testbed.status.ExecutionSnapshot;

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
    void show(ExecutionSnapshot execution) {
        long done = execution.stfGenerated();
        long expected = execution.stfExpected() == null ? 0 : execution.stfExpected();
        String bar = expected > 0 ? "[" + "#".repeat((int) Math.min(WIDTH, done * WIDTH / expected))
                + ".".repeat((int) Math.max(0, WIDTH - done * WIDTH / expected)) + "] " + done + "/" + expected + " STFs"
                : done + " STFs";
        String line = bar + "  " + execution.state() + "/" + execution.substate() + "  " + execution.executionId();
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
}
