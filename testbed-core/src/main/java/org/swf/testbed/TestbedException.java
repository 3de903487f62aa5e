package org.swf.testbed;

import java.util.List;

/**
 * The root of every failure the testbed reports to a person or an embedding tool.
 *
 * <p>Messages say what failed, why, and what to do. Subclasses classify the failure so that
 * front ends can map it (the CLI to an exit code, MCP to a tool error) without parsing text.
 * A failure that concerns a program may carry the last lines of that program's log.
 */
public class TestbedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> logTail;

    /**
     * @param message what failed, why, and what to do
     */
    public TestbedException(String message) {
        this(message, null, List.of());
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure, kept for diagnostics
     */
    public TestbedException(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure, or null
     * @param logTail the last lines of the log of the program concerned, oldest first
     */
    public TestbedException(String message, Throwable cause, List<String> logTail) {
        super(message, cause);
        this.logTail = List.copyOf(logTail);
    }

    /** @return the last log lines of the program concerned; empty when none apply */
    public List<String> logTail() {
        return logTail;
    }
}
