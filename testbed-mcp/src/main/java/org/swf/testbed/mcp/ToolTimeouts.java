package org.swf.testbed.mcp;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the tools wait, by kind of wait. MCP clients cut a tool call at about 60 s, so the
 * longest wait (connect plus an operation) stays below that.
 *
 * @param connect connecting to the broker
 * @param probe a liveness question (the manager's {@code ping}, the runner's
 *     {@code status_request}); short, so that a missing consumer is reported at once instead of
 *     after a long command timeout
 * @param operation {@code start_testbed} and {@code stop_testbed}, which start or stop programs
 * @param query the manager's {@code status} and {@code logs}
 * @param workflow the runner's {@code run_workflow} and {@code stop_workflow}
 */
public record ToolTimeouts(Duration connect, Duration probe, Duration operation, Duration query, Duration workflow) {

    /** Requires every timeout to be positive. */
    public ToolTimeouts {
        requirePositive(connect, "connect");
        requirePositive(probe, "probe");
        requirePositive(operation, "operation");
        requirePositive(query, "query");
        requirePositive(workflow, "workflow");
    }

    /** @return connect 3 s, probe 3 s, operation 50 s, query 15 s, workflow 10 s */
    public static ToolTimeouts defaults() {
        return new ToolTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(50),
                Duration.ofSeconds(15), Duration.ofSeconds(10));
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("The " + name + " timeout must be positive, got " + value);
        }
    }
}
