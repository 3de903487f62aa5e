package org.swf.testbed.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.status.TestbedStatus;

class StatusSummaryTest {

    private static Map<String, Object> status(String state, String runner, List<Map<String, Object>> programs) {
        Map<String, Object> status = new HashMap<>();
        status.put("state", state);
        status.put("namespace", "ns");
        status.put("runner_state", runner);
        status.put("programs", programs);
        return status;
    }

    /** The status as the agent manager's reply carries it, read as the MCP server reads it. */
    private static TestbedStatus typed(Map<String, Object> status) {
        return new JsonCodec().convert(status, TestbedStatus.class);
    }

    @Test
    void stoppedSaysToStart() {
        StatusSummary summary = StatusSummary.of("alice", typed(status("STOPPED", null, List.of())));

        assertThat(summary.ready()).isFalse();
        assertThat(summary.summary()).startsWith("STOPPED").contains("start_user_testbed");
    }

    @Test
    void runningWithASilentRunnerIsNotReady() {
        StatusSummary summary = StatusSummary.of("alice", typed(status("RUNNING", null,
                List.of(Map.of("name", "workflow-runner", "failing", false)))));

        assertThat(summary.ready()).isFalse();
        assertThat(summary.summary()).contains("runner did not answer");
    }

    @Test
    void readyWithoutExecutionSuggestsStartWorkflow() {
        StatusSummary summary = StatusSummary.of("alice", typed(status("RUNNING", "READY",
                List.of(Map.of("name", "workflow-runner", "failing", false)))));

        assertThat(summary.ready()).isTrue();
        assertThat(summary.summary()).contains("1 programs running").contains("start_workflow with namespace=ns");
    }

    @Test
    void startingIsNotReady() {
        StatusSummary summary = StatusSummary.of("alice", typed(status("STARTING", "READY", List.of())));

        assertThat(summary.ready()).isFalse();
        assertThat(summary.summary()).startsWith("STARTING in namespace ns");
    }

    @Test
    void wholeNumbersReadAsWholeNumbers() {
        Map<String, Object> status = status("RUNNING", "PROCESSING", List.of());
        status.put("execution", Map.of("execution_id", "e-1", "status", "running", "stf_generated", 3.0,
                "stf_expected", 10.0));

        assertThat(StatusSummary.of("alice", typed(status)).summary()).contains("STFs 3 of 10");
    }
}
