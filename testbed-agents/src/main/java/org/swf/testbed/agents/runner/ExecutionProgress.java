package org.swf.testbed.agents.runner;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.status.ExecutionSnapshot;

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

    /** @return the execution as status requests report it */
    synchronized ExecutionSnapshot snapshot() {
        return new ExecutionSnapshot(executionId, runId, workflowName, namespace, status.word(), realtime, state,
                substate, counts.getOrDefault(MessageType.STF_GEN, 0), expectedStfs > 0 ? expectedStfs : null,
                messageCounts(), startedAt.toString(), endedAt == null ? null : endedAt.toString(), failure);
    }
}
