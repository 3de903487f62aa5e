package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/** Stopping a workflow, and killing its runner, as recorded in the execution database. */
class WorkflowLifecycleIT {

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-life");
    private final List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> heartbeats = new CopyOnWriteArrayList<>();
    private MessageBus bus;

    @AfterEach
    void tearDown() {
        if (bus != null) {
            bus.close();
        }
        testbed.close();
    }

    private String startLongRun() {
        testbed.quickWorkflow(40, "");
        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        bus = testbed.connect("it");
        bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
        bus.subscribe(Destinations.HEARTBEATS, message -> heartbeats.add(codec.decodeObject(message.body())));
        TestbedHome.Result started = testbed.cli("start-workflow");
        assertThat(started.code()).as(started.err()).isZero();
        String executionId = started.out().replaceAll("(?s).*Workflow triggered: (\\S+) .*", "$1").strip();
        await().atMost(Duration.ofSeconds(30)).until(() -> count("stf_gen") >= 2);
        return executionId;
    }

    @Test
    void aStoppedWorkflowEndsItsRunAndIsRecordedTerminated() {
        String executionId = startLongRun();

        TestbedHome.Result stop = testbed.cli("stop-workflow", executionId);

        assertThat(stop.code()).as(stop.err()).isZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> count("end_run") == 1);
        Map<String, Object> endRun = epictopic.stream().filter(m -> "end_run".equals(m.get("msg_type"))).findFirst()
                .orElseThrow();
        assertThat(((Number) endRun.get("total_stf_files")).intValue()).isEqualTo((int) count("stf_gen")).isLessThan(40);
        await().atMost(Duration.ofSeconds(15)).until(() -> "terminated".equals(execution(executionId).get("status")));
        assertThat(execution(executionId).get("ended_at")).isNotNull();
        // end_run brought the data agent back to READY.
        await().atMost(Duration.ofSeconds(15)).until(() -> heartbeats.stream().filter(h -> "data-agent".equals(
                h.get("program"))).reduce((a, b) -> b).map(h -> "READY".equals(h.get("operational_state"))).orElse(false));
        TestbedHome.Result again = testbed.cli("stop-workflow");
        assertThat(again.code()).isEqualTo(5);
        assertThat(again.err()).contains("No workflow is running");
    }

    @Test
    void anExecutionWhoseRunnerIsKilledEndsFailedWithAnEndTime() {
        String executionId = startLongRun();
        long runner = programs().stream().filter(p -> "workflow-runner".equals(p.get("name")))
                .map(p -> ((Number) p.get("pid")).longValue()).findFirst().orElseThrow();

        ProcessHandle.of(runner).orElseThrow().destroyForcibly();

        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(execution(executionId).get("status")));
        Map<String, Object> failed = execution(executionId);
        assertThat(failed.get("ended_at")).isNotNull();
        assertThat(String.valueOf(failed.get("failure"))).contains("died");
        TestbedHome.Result listing = testbed.cli("workflows");
        assertThat(listing.out()).containsPattern(executionId + " +failed");
    }

    @Test
    void runWaitFollowsTheWorkflowToItsEndAndExitsByItsOutcome() {
        testbed.quickWorkflow(3, "");

        TestbedHome.Result run = testbed.cli("run", "--wait");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("Workflow stf_datataking-\\S+-0001 completed\\. STFs: 3\\.");
        // Progress lines on stderr (not a terminal here: one line per change), ending at 3 of 3.
        assertThat(run.err()).contains("1/3 STFs").contains("[##############################] 3/3 STFs");
        assertThat(testbed.cli("workflows").out()).containsPattern("-0001 +completed");
    }

    private long count(String type) {
        return epictopic.stream().filter(m -> type.equals(m.get("msg_type"))).count();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> execution(String executionId) {
        List<Object> executions = (List<Object>) codec.decodeObject("{\"e\":" + testbed.cli("workflows", "--json").out()
                + "}").get("e");
        return executions.stream().map(e -> (Map<String, Object>) e)
                .filter(e -> executionId.equals(e.get("execution_id"))).findFirst().orElse(Map.of());
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> programs() {
        return (List<Map<String, Object>>) codec.decodeObject(testbed.cli("status", "--json").out()).get("programs");
    }
}
