package org.swf.testbed.status;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A workflow execution as its runner reports it while it runs (and just after it ended).
 *
 * @param executionId the execution, e.g. {@code stf_datataking-alice-0001}
 * @param runId its run number
 * @param workflowName the workflow
 * @param namespace the namespace it runs in
 * @param status {@code running}, {@code completed}, {@code terminated} or {@code failed}
 * @param realtime whether it is paced by the wall clock
 * @param state the simulated detector state, e.g. {@code physics}
 * @param substate the simulated detector substate, e.g. {@code running}
 * @param stfGenerated how many STFs it has generated so far
 * @param stfExpected how many it will generate in all, or null when not known in advance
 * @param messages how many messages of each type it has sent, by wire name, in order of
 *     first sending
 * @param startedAt when it started (ISO instant)
 * @param endedAt when it ended (ISO instant), or null while it runs
 * @param failure why it failed, or null
 */
public record ExecutionSnapshot(String executionId, String runId, String workflowName, String namespace,
        String status, boolean realtime, String state, String substate, long stfGenerated, Long stfExpected,
        Map<String, Integer> messages, String startedAt, String endedAt, String failure) {

    /** Keeps the message counts in their order. */
    public ExecutionSnapshot {
        messages = messages == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(messages));
    }

    /** @return whether the execution is still running */
    public boolean running() {
        return "running".equals(status);
    }
}
