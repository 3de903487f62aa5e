package org.swf.testbed.port;

import java.util.Objects;

/**
 * A log record an agent sent to the monitor API ({@code POST /api/logs/}).
 *
 * @param instanceName the agent's instance name
 * @param program the supervised program that runs it, or null when unknown
 * @param timestamp when the agent logged it, as sent (the original sends naive local time)
 * @param level the numeric level (10 DEBUG ... 50 CRITICAL)
 * @param levelName the level's name
 * @param message the message
 * @param module where it was logged: the module
 * @param funcName where it was logged: the function
 * @param lineNumber where it was logged: the line
 * @param executionId the execution it concerns, or null
 * @param runId the run it concerns, or null
 */
public record AgentLogRecord(String instanceName, String program, String timestamp, int level, String levelName,
        String message, String module, String funcName, Integer lineNumber, String executionId, String runId) {

    /** Requires the instance name, the time and the message. */
    public AgentLogRecord {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(message, "message");
    }
}
