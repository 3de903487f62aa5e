package org.swf.testbed.agents.runner;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.protocol.MessageType;

/**
 * What one workflow execution has done so far, shared between the simulation thread (writer)
 * and status requests (readers).
 */
final class ExecutionProgress {

    private final String executionId;
    private final String runId;
    private final String workflowName;
    private final String namespace;
    private final boolean realtime;
    private final long expectedStfs;
    private final Instant startedAt;
    private final Map<MessageType, Integer> counts = new EnumMap<>(MessageType.class);
    private String state = "no_beam";
    private String substate = "not_ready";
    private ExecutionStatus status = ExecutionStatus.RUNNING;
    private Instant endedAt;
    private String failure;

    ExecutionProgress(String executionId, String runId, String workflowName, String namespace, boolean realtime,
            long expectedStfs, Instant startedAt) {
        this.executionId = executionId;
        this.runId = runId;
        this.workflowName = workflowName;
        this.namespace = namespace;
        this.realtime = realtime;
        this.expectedStfs = expectedStfs;
        this.startedAt = startedAt;
    }

    String executionId() {
        return executionId;
    }

    String runId() {
        return runId;
    }

    String namespace() {
        return namespace;
    }

    synchronized void phase(String state, String substate) {
        this.state = state;
        this.substate = substate;
    }

    synchronized void counted(MessageType type) {
        counts.merge(type, 1, Integer::sum);
    }

    synchronized void ended(ExecutionStatus outcome, Instant at, String failure) {
        this.status = outcome;
        this.endedAt = at;
        this.failure = failure;
    }

    synchronized boolean running() {
        return status == ExecutionStatus.RUNNING;
    }

    synchronized ExecutionStatus status() {
        return status;
    }

    synchronized Instant endedAt() {
        return endedAt;
    }

    synchronized String failure() {
        return failure;
    }

    synchronized Map<String, Integer> messageCounts() {
        Map<String, Integer> messages = new LinkedHashMap<>();
        counts.forEach((type, count) -> messages.put(type.wireName(), count));
        return messages;
    }

    /** @return the execution as reply fields */
    synchronized Map<String, Object> toFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("execution_id", executionId);
        fields.put("run_id", runId);
        fields.put("workflow_name", workflowName);
        fields.put("namespace", namespace);
        fields.put("status", status.word());
        fields.put("realtime", realtime);
        fields.put("state", state);
        fields.put("substate", substate);
        fields.put("stf_generated", counts.getOrDefault(MessageType.STF_GEN, 0));
        if (expectedStfs > 0) {
            fields.put("stf_expected", expectedStfs);
        }
        fields.put("messages", messageCounts());
        fields.put("started_at", startedAt.toString());
        if (endedAt != null) {
            fields.put("ended_at", endedAt.toString());
        }
        if (failure != null) {
            fields.put("failure", failure);
        }
        return fields;
    }
}
