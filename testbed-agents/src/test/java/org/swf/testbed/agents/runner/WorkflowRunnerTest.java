package org.swf.testbed.agents.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.agents.AgentIdentity;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.data.DataAgent;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.WireReply;
import org.swf.testbed.port.InMemoryExecutionStore;

/** The runner and data agent against the in-memory bus: commands, replies, broadcasts, heartbeats. */
class WorkflowRunnerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path home;

    private final JsonCodec codec = new JsonCodec();
    private final InMemoryMessageBus broker = new InMemoryMessageBus();
    private final List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> heartbeats = new CopyOnWriteArrayList<>();
    private AgentRuntime runner;
    private AgentRuntime data;
    private InMemoryMessageBus client;

    @BeforeEach
    void start() throws IOException {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        Files.writeString(workflows.resolve("testbed.toml"), """
                [testbed]
                namespace = "ns1"
                [agents.data]
                enabled = true
                [workflow]
                name = "stf_datataking"
                config = "wf_default"
                """);
        Files.writeString(workflows.resolve("wf_default.toml"), """
                [workflow]
                name = "stf_datataking"
                [daq_state_machine]
                no_beam_not_ready_delay = 5
                beam_not_ready_delay = 5
                beam_ready_delay = 2
                beam_not_ready_end_delay = 5
                broadcast_delay = 1
                stf_interval = 2.0
                stf_generation_time = 0.1
                stf_count = 4
                physics_period_count = 1
                """);
        ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
        TestbedConfig config = new TestbedConfigReader(locator).read((String) null);
        client = broker.newView();
        client.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
        client.subscribe(Destinations.HEARTBEATS, message -> heartbeats.add(codec.decodeObject(message.body())));
        runner = new AgentRuntime(AgentIdentity.ofThisProcess("DAQ_Simulator", "ns1", "workflow-runner"),
                broker.newView(), new WorkflowRunner(locator, config, new InMemoryExecutionStore(), codec),
                codec, Duration.ofHours(1), Optional.empty());
        data = new AgentRuntime(new AgentIdentity("data-agent-test", "DATA", "ns1", "data-agent", "u", 1, "h"),
                broker.newView(), new DataAgent(), codec, Duration.ofHours(1), Optional.empty());
        runner.start();
        data.start();
    }

    @AfterEach
    void stop() {
        runner.close();
        data.close();
        client.close();
    }

    private WireReply request(Map<String, Object> command) {
        return WireReply.of(client.request(Destinations.workflowControl("ns1"), codec.encode(command), WAIT).body());
    }

    private List<String> types() {
        return epictopic.stream().map(m -> String.valueOf(m.get("msg_type"))).toList();
    }

    @Test
    void fastRunIsAnsweredWithItsExecutionIdAndRunsToEndRun() {
        WireReply reply = request(Map.of("msg_type", "run_workflow", "namespace", "ns1", "workflow_name", "stf_datataking",
                "config", "wf_default", "realtime", false));

        assertThat(reply.success()).isTrue();
        String user = System.getProperty("user.name");
        assertThat(reply.result()).containsEntry("execution_id", "stf_datataking-" + user + "-0001")
                .containsEntry("run_id", "100010");
        await().atMost(WAIT).until(() -> types().contains("end_run"));
        assertThat(types().stream().filter(t -> !t.equals("stf_ready")).toList()).containsExactly("run_imminent",
                "start_run", "stf_gen", "stf_gen", "stf_gen", "stf_gen", "end_run");
        // On a virtual clock the data agent may answer the last STFs after end_run; each answer follows its STF.
        await().atMost(WAIT).until(() -> types().stream().filter("stf_ready"::equals).count() == 4);
        for (int sequence = 1; sequence <= 4; sequence++) {
            String file = String.format("swf.100010.%06d.stf", sequence);
            assertThat(indexOf("stf_gen", file)).isLessThan(indexOf("stf_ready", file));
        }
        Map<String, Object> ready = epictopic.stream().filter(m -> "stf_ready".equals(m.get("msg_type"))).findFirst()
                .orElseThrow();
        assertThat(ready).containsEntry("filename", "swf.100010.000001.stf").containsEntry("processed_by",
                "data-agent-test").containsEntry("namespace", "ns1");

        await().atMost(WAIT).until(() -> "completed".equals(execution().get("status")));
        WireReply second = request(Map.of("msg_type", "run_workflow", "namespace", "ns1", "realtime", false));
        assertThat(second.result()).containsEntry("execution_id", "stf_datataking-" + user + "-0002")
                .containsEntry("run_id", "100011");
    }

    @Test
    void aSecondRunIsRefusedAndStopEndsTheRunningOne() {
        WireReply first = request(Map.of("msg_type", "run_workflow", "namespace", "ns1", "realtime", true));
        assertThat(first.success()).isTrue();
        WireReply busy = request(Map.of("msg_type", "run_workflow", "namespace", "ns1", "realtime", true));
        assertThat(busy.success()).isFalse();
        assertThat(busy.errorCode().name()).isEqualTo("BUSY");
        assertThat(busy.error()).contains(String.valueOf(first.result().get("execution_id")));

        WireReply stop = request(Map.of("msg_type", "stop_workflow", "namespace", "ns1",
                "execution_id", first.result().get("execution_id")));
        assertThat(stop.success()).isTrue();
        await().atMost(WAIT).until(() -> "terminated".equals(execution().get("status")));
        WireReply nothing = request(Map.of("msg_type", "stop_workflow", "namespace", "ns1"));
        assertThat(nothing.errorCode().name()).isEqualTo("NOT_RUNNING");
    }

    @Test
    void statusReportsTheAgentsHeartbeats() {
        await().atMost(WAIT).until(() -> status().result().get("agents") instanceof List<?> agents
                && agents.stream().anyMatch(a -> ((Map<?, ?>) a).get("program").equals("data-agent")
                        && ((Map<?, ?>) a).get("operational_state").equals("READY")));
        assertThat(status().result()).containsEntry("operational_state", "READY").containsEntry("namespace", "ns1");
        assertThat(heartbeats).anySatisfy(h -> assertThat(h).containsEntry("instance_name", "data-agent-test")
                .containsEntry("operational_state", "READY").containsEntry("mq_connected", true));
    }

    @Test
    void aRestartedAgentIsListedOnceByItsNewInstanceWhateverArrivesLate() {
        await().atMost(WAIT).until(() -> dataAgents().size() == 1);
        Map<String, Object> beforeRestart = heartbeats.stream().filter(h -> "data-agent-test".equals(
                h.get("instance_name")) && "READY".equals(h.get("operational_state"))).findFirst().orElseThrow();
        data.close();
        // The new name sorts before the old one, whose EXITED heartbeat came first.
        AgentRuntime restarted = new AgentRuntime(new AgentIdentity("data-agent-new", "DATA", "ns1", "data-agent", "u",
                2, "h"), broker.newView(), new DataAgent(), codec, Duration.ofHours(1), Optional.empty());
        restarted.start();
        try {
            await().atMost(WAIT).until(() -> dataAgents().stream().anyMatch(a -> "data-agent-new".equals(
                    a.get("instance_name"))));
            // A heartbeat the old instance sent before it exited, still in flight.
            client.send(Destinations.HEARTBEATS, codec.encode(beforeRestart));
            // Heartbeats reach the runner in order: once it lists this one, it has seen the late one.
            client.send(Destinations.HEARTBEATS, codec.encode(new HeartbeatSender("marker-1", "TEST", 3, "h",
                    "marker").agent(OperationalState.READY, "ns1", true)));
            await().atMost(WAIT).until(() -> ((List<?>) status().result().get("agents")).stream()
                    .anyMatch(agent -> "marker".equals(((Map<?, ?>) agent).get("program"))));
            assertThat(dataAgents()).singleElement().satisfies(agent -> assertThat(agent)
                    .containsEntry("instance_name", "data-agent-new").containsEntry("operational_state", "READY"));
        } finally {
            restarted.close();
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> dataAgents() {
        return ((List<Map<String, Object>>) status().result().get("agents")).stream()
                .filter(agent -> "data-agent".equals(agent.get("program"))).toList();
    }

    @Test
    void aRunnerStartedAfterTheAgentsLearnsOfThemAtOnce() throws IOException {
        ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
        TestbedConfig config = new TestbedConfigReader(locator).read((String) null);
        runner.close();
        // The data agent's READY heartbeat went out long ago; its next periodic one is an hour away.
        AgentRuntime late = new AgentRuntime(AgentIdentity.ofThisProcess("DAQ_Simulator", "ns1", "workflow-runner"),
                broker.newView(), new WorkflowRunner(locator, config, new InMemoryExecutionStore(), codec), codec,
                Duration.ofHours(1), Optional.empty());
        late.start();
        try {
            await().atMost(WAIT).until(() -> status().result().get("agents") instanceof List<?> agents
                    && agents.stream().anyMatch(a -> "data-agent".equals(((Map<?, ?>) a).get("program"))));
        } finally {
            late.close();
        }
    }

    @Test
    void badCommandsGetErrorRepliesAndTheRunnerKeepsServing() {
        WireReply garbage = WireReply.of(client.request(Destinations.workflowControl("ns1"), "{not json", WAIT).body());
        assertThat(garbage.errorCode().name()).isEqualTo("MALFORMED");
        assertThat(request(Map.of("msg_type", "launch_rockets", "namespace", "ns1")).errorCode().name())
                .isEqualTo("UNKNOWN_COMMAND");
        assertThat(request(Map.of("msg_type", "run_workflow", "namespace", "other")).errorCode().name())
                .isEqualTo("WRONG_NAMESPACE");
        assertThat(request(Map.of("msg_type", "run_workflow", "namespace", "ns1", "workflow_name", "nope"))
                .error()).contains("Unknown workflow 'nope'");
        assertThat(request(Map.of("msg_type", "run_workflow", "namespace", "ns1", "config", "../etc"))
                .errorCode().name()).isEqualTo("INVALID_CONFIG");
        assertThat(status().success()).isTrue();
    }

    @Test
    void shutdownSendsTheExitHeartbeat() {
        data.close();
        await().atMost(WAIT).until(() -> heartbeats.stream().anyMatch(h -> "data-agent-test".equals(h.get("instance_name"))
                && "EXITED".equals(h.get("operational_state")) && "EXITED".equals(h.get("status"))));
    }

    private int indexOf(String type, String filename) {
        for (int i = 0; i < epictopic.size(); i++) {
            if (type.equals(epictopic.get(i).get("msg_type")) && filename.equals(epictopic.get(i).get("filename"))) {
                return i;
            }
        }
        return -1;
    }

    private WireReply status() {
        return request(Map.of("msg_type", "status_request", "namespace", "ns1"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> execution() {
        Object execution = status().result().get("execution");
        return execution == null ? Map.of() : (Map<String, Object>) execution;
    }
}
