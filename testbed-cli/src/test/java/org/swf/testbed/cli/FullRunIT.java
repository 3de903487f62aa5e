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

/** The whole CLI control path with a real supervisord and the embedded broker over TCP. */
class FullRunIT {

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-full");

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void runWorkflowObserveAndStop() {
        testbed.quickWorkflow(3, "");

        // The agents start without the workflow, so the test subscribes before anything is
        // broadcast and sees run_imminent however slowly the machine runs.
        TestbedHome.Result run = testbed.cli("run", "--no-workflow");

        assertThat(run.code()).as(run.err()).isZero();
        String user = testbed.user.name;
        assertThat(run.out()).contains("Namespace: it-full").contains("Started: broker, workflow-runner, data-agent");
        List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
        List<Map<String, Object>> heartbeats = new CopyOnWriteArrayList<>();
        try (MessageBus bus = testbed.connect("it")) {
            bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
            bus.subscribe(Destinations.HEARTBEATS, message -> heartbeats.add(codec.decodeObject(message.body())));
            TestbedHome.Result trigger = testbed.cli("start-workflow");
            assertThat(trigger.code()).as(trigger.err()).isZero();
            assertThat(trigger.out()).containsPattern("Workflow triggered: stf_datataking-" + user
                    + "-0001 \\(run 100010\\)");
            await().atMost(Duration.ofSeconds(60)).until(() -> types(epictopic).contains("end_run"));
            await().atMost(Duration.ofSeconds(10)).until(() -> types(epictopic).stream().filter("stf_ready"::equals)
                    .count() == 3);

            assertThat(types(epictopic)).containsExactly("run_imminent", "start_run", "stf_gen", "stf_ready",
                    "stf_gen", "stf_ready", "stf_gen", "stf_ready", "end_run");
            assertThat(epictopic).allSatisfy(message -> assertThat(message).containsEntry("namespace", "it-full")
                    .containsEntry("execution_id", "stf_datataking-" + user + "-0001"));
            assertThat(epictopic.get(2)).containsEntry("filename", "swf.100010.000001.stf").containsEntry("run_id",
                    "100010").containsEntry("sequence", 1).containsKeys("simulation_tick", "timestamp", "sender");
            assertThat(epictopic.get(8)).containsEntry("total_stf_files", 3);

            TestbedHome.Result status = testbed.cli("status", "--json");
            assertThat(status.code()).isZero();
            Map<String, Object> observed = codec.decodeObject(status.out());
            assertThat(observed).containsEntry("state", "RUNNING").containsEntry("namespace", "it-full")
                    .containsEntry("supervisord_running", true).containsEntry("broker_reachable", true);
            assertThat(programs(observed)).extracting(p -> p.get("name")).containsExactly("broker", "workflow-runner",
                    "data-agent");
            assertThat(programs(observed)).allSatisfy(program -> {
                assertThat(program).containsEntry("state", "RUNNING").containsEntry("failing", false);
                assertThat(((Number) program.get("pid")).longValue()).isPositive();
                assertThat(program).containsKey("uptime_seconds");
            });
            assertThat(programs(observed).get(2)).containsEntry("operational_state", "READY")
                    .containsKey("seconds_since_heartbeat");
            @SuppressWarnings("unchecked")
            Map<String, Object> execution = (Map<String, Object>) observed.get("execution");
            assertThat(execution).containsEntry("execution_id", "stf_datataking-" + user + "-0001")
                    .containsEntry("status", "completed").containsEntry("stf_generated", 3);

            TestbedHome.Result human = testbed.cli("status");
            assertThat(human.out()).contains("Testbed: RUNNING").containsPattern("data-agent +RUNNING +\\d+")
                    .contains("Execution: stf_datataking-" + user + "-0001");

            TestbedHome.Result again = testbed.cli("run");
            assertThat(again.code()).isEqualTo(5);
            assertThat(again.err()).contains("agents already running").contains("Run 'testbed stop-agents' first");
            assertThat(again.err().lines().count()).isEqualTo(1);

            TestbedHome.Result stop = testbed.cli("stop-agents");
            assertThat(stop.code()).isZero();
            assertThat(stop.out()).contains("Stopped:").contains("data-agent").contains("workflow-runner")
                    .contains("broker");
            assertThat(heartbeats).anySatisfy(h -> assertThat(h).containsEntry("program", "data-agent")
                    .containsEntry("operational_state", "EXITED").containsEntry("status", "EXITED"));
        }
        assertThat(testbed.processesOfThisHome()).isEmpty();
        TestbedHome.Result none = testbed.cli("stop-agents");
        assertThat(none.code()).isZero();
        assertThat(none.out()).contains("No agents running");
        assertThat(codec.decodeObject(testbed.cli("status", "--json").out())).containsEntry("state", "STOPPED");

        // supervisord shut down by hand: the next stop-agents removes what it kept in /tmp.
        assertThat(testbed.runtimeDirectory()).isDirectory();
        testbed.shutDownSupervisord();
        assertThat(testbed.cli("stop-agents").code()).isZero();
        assertThat(testbed.runtimeDirectory()).doesNotExist();
    }

    private static List<String> types(List<Map<String, Object>> messages) {
        return messages.stream().map(m -> String.valueOf(m.get("msg_type"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> programs(Map<String, Object> status) {
        return (List<Map<String, Object>>) status.get("programs");
    }
}
