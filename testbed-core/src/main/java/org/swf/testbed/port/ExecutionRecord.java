package org.swf.testbed.port;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One workflow execution as stored.
 *
 * @param executionId e.g. {@code stf_datataking-alice-0007}
 * @param workflowName the workflow
 * @param namespace the testbed namespace it ran in
 * @param user who ran it
 * @param runId its run number
 * @param status where it stands
 * @param startedAt when it started
 * @param endedAt when it ended, or null while running
 * @param parameters the merged workflow parameters it ran with
 * @param messageCounts messages it sent, by type
 * @param runnerPid the runner's process id
 * @param runnerStartedAt when the runner process started, to tell it from a later process with
 *     the same pid
 * @param hostname the runner's host
 * @param failure why it failed, or null
 */
public record ExecutionRecord(String executionId, String workflowName, String namespace, String user, String runId,
        ExecutionStatus status, Instant startedAt, Instant endedAt, Map<String, Object> parameters,
        Map<String, Integer> messageCounts, long runnerPid, Instant runnerStartedAt, String hostname,
        String failure) {

    /** Requires identity, status and start; copies the maps. */
    public ExecutionRecord {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(workflowName, "workflowName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters == null ? Map.of() : parameters));
        messageCounts = Collections.unmodifiableMap(new LinkedHashMap<>(messageCounts == null ? Map.of() : messageCounts));
    }

    /**
     * @param workflowName the workflow
     * @param user who runs it
     * @param executionNumber its allocated number
     * @return the original's execution id form, {@code <workflow>-<user>-<NNNN>}
     */
    public static String executionId(String workflowName, String user, long executionNumber) {
        return String.format("%s-%s-%04d", workflowName, user, executionNumber);
    }
}
