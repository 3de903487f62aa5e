package org.swf.testbed.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusSummaryTest {

    private static Map<String, Object> status(String state, String runner, List<Map<String, Object>> programs) {
        Map<String, Object> status = new HashMap<>();
        status.put("state", state);
        status.put("namespace", "ns");
        status.put("runner_state", runner);
        status.put("programs", programs);
        return status;
    }

    @Test
    void stoppedSaysToStart() {
        StatusSummary summary = StatusSummary.of("alice", status("STOPPED", null, List.of()));

        assertThat(summary.ready()).isFalse();
        assertThat(summary.summary()).startsWith("STOPPED").contains("start_user_testbed");
    }

    @Test
    void runningWithASilentRunnerIsNotReady() {
        StatusSummary summary = StatusSummary.of("alice", status("RUNNING", null,
                List.of(Map.of("name", "workflow-runner", "failing", false))));

        assertThat(summary.ready()).isFalse();
        assertThat(summary.summary()).contains("runner did not answer");
    }

    @Test
    void readyWithoutExecutionSuggestsStartWorkflow() {
        StatusSummary summary = StatusSummary.of("alice", status("RUNNING", "READY",
                List.of(Map.of("name", "workflow-runner", "failing", false))));

        assertThat(summary.ready()).isTrue();
        assertThat(summary.summary()).contains("1 programs running").contains("start_workflow with namespace=ns");
    }

    @Test
    void startingIsNotReady() {
        StatusSummary summary = StatusSummary.of("alice", status("STARTING", "READY", List.of()));

        assertThat(summary.ready()).isFalse();
        assertThat(summary.summary()).startsWith("STARTING in namespace ns");
    }

    @Test
    void wholeNumbersReadAsWholeNumbers() {
        Map<String, Object> status = status("RUNNING", "PROCESSING", List.of());
        status.put("execution", Map.of("execution_id", "e-1", "status", "running", "stf_generated", 3.0,
                "stf_expected", 10.0));

        assertThat(StatusSummary.of("alice", status).summary()).contains("STFs 3 of 10");
    }
}
