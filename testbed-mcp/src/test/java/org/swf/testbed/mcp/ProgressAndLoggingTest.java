package org.swf.testbed.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.CommandProgress;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/**
 * What a client hears besides results, over a stdio session: progress of start_user_testbed and
 * stop_user_testbed, step by step as the agent manager reports them, when the call carries a
 * progress token; and notable events as log messages, at the level the client set.
 */
class ProgressAndLoggingTest {

    private static final String NAMESPACE = "alice-ns";
    private static final List<String> START_STEPS = List.of("load config", "restart supervisord",
            "wait for READY heartbeats");

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private final JsonCodec codec = new JsonCodec();
    private final List<Map<String, Object>> commands = new CopyOnWriteArrayList<>();
    private InMemoryMessageBus manager;
    private PipedServer session;
    private JsonRpcPipe client;

    @BeforeEach
    void start() {
        manager = broker.newBus();
        // As the agent manager answers: each step of a start or stop as progress when asked, then the reply.
        manager.subscribe(Destinations.agentManagerControl("alice"), message -> {
            Map<String, Object> command = codec.decodeObject(message.body());
            commands.add(command);
            String name = String.valueOf(command.get("command"));
            List<String> steps = switch (name) {
                case "start_testbed" -> START_STEPS;
                case "stop_testbed" -> List.of("check supervisord", "stop data-agent, workflow-runner");
                default -> List.of();
            };
            if (Boolean.TRUE.equals(command.get("progress"))) {
                for (int i = 0; i < steps.size(); i++) {
                    manager.send(message.replyTo(), codec.encode(CommandProgress.now(name, i + 1, steps.size(),
                            steps.get(i), message.correlationId(), "agent-manager-alice")), null,
                            message.correlationId());
                }
            }
            Map<String, Object> result = switch (name) {
                case "start_testbed" -> Map.of("config", "/home/alice/workflows/testbed.toml", "namespace", NAMESPACE,
                        "programs", List.of("workflow-runner", "data-agent"));
                case "stop_testbed" -> Map.of("stopped", List.of("data-agent", "workflow-runner"));
                default -> Map.of("status", "alive", "username", "alice", "pid", 7);
            };
            manager.send(message.replyTo(), WireReply.ok(name, result).json(), null, message.correlationId());
        });
        session = PipedServer.of(broker, null);
        client = session.client;
    }

    @AfterEach
    void stop() throws Exception {
        session.close();
        manager.close();
    }

    @Test
    void aStartWithAProgressTokenHearsEachStepOfTheAgentManagerThenTheEnd() {
        client.initialize();

        Map<String, Object> result = client.callTool("start_user_testbed", Map.of(), "start-1");

        assertThat(result).containsEntry("isError", false);
        List<Map<String, Object>> progress = client.notifications("notifications/progress");
        assertThat(progress).allSatisfy(p -> assertThat(p).containsEntry("progressToken", "start-1"));
        // 1: the manager answered ping; 2..4: its three steps; 5: the reply.
        assertThat(progress).extracting(p -> ((Number) p.get("progress")).doubleValue())
                .containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
        assertThat(progress.subList(1, 5)).allSatisfy(p -> assertThat(((Number) p.get("total")).doubleValue())
                .isEqualTo(5.0));
        assertThat(progress).extracting(p -> p.get("message")).contains("load config", "restart supervisord",
                "wait for READY heartbeats");
        assertThat((String) progress.get(4).get("message")).isEqualTo("Started the testbed of alice in namespace "
                + NAMESPACE + ": workflow-runner, data-agent");
        assertThat(commands).filteredOn(c -> "start_testbed".equals(c.get("command"))).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("progress", true));
    }

    @Test
    void aStopWithAProgressTokenHearsItsStepsAndWhatStopped() {
        client.initialize();

        Map<String, Object> result = client.callTool("stop_user_testbed", Map.of(), 42);

        assertThat(result).containsEntry("isError", false);
        List<Map<String, Object>> progress = client.notifications("notifications/progress");
        assertThat(progress).hasSize(4).allSatisfy(p -> assertThat(p).containsEntry("progressToken", 42));
        assertThat(progress).extracting(p -> p.get("message")).contains("check supervisord",
                "stop data-agent, workflow-runner", "Stopped the testbed of alice: data-agent, workflow-runner");
        assertThat(((Number) progress.get(3).get("progress")).doubleValue())
                .isEqualTo(((Number) progress.get(3).get("total")).doubleValue());
    }

    @Test
    void withoutAProgressTokenNoProgressIsSentNorAskedFor() {
        client.initialize();

        client.callTool("start_user_testbed", Map.of());
        client.callTool("stop_user_testbed", Map.of());

        assertThat(client.notifications("notifications/progress")).isEmpty();
        assertThat(commands).filteredOn(c -> !"ping".equals(c.get("command")))
                .allSatisfy(c -> assertThat(c).doesNotContainKey("progress"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theServerDeclaresLoggingAndResources() {
        Map<String, Object> result = (Map<String, Object>) client.initialize().get("result");

        Map<String, Object> capabilities = (Map<String, Object>) result.get("capabilities");
        assertThat(capabilities).containsKeys("tools", "logging", "resources");
        assertThat((Map<String, Object>) capabilities.get("resources")).containsEntry("listChanged", true);
    }

    @Test
    void notableEventsAreLogMessagesAtOrAboveTheLevelTheClientSet() {
        client.initialize();

        // The default level is info: a missing runner (warning) and a start (notice) are told, an ok (debug) not.
        client.callTool("start_workflow", Map.of("namespace", "nobody"));
        client.callTool("start_user_testbed", Map.of());
        List<Map<String, Object>> atInfo = client.notifications("notifications/message");
        assertThat(atInfo).anySatisfy(m -> assertThat(m).containsEntry("level", "warning")
                .containsEntry("logger", "testbed")
                .satisfies(w -> assertThat((String) w.get("data")).contains("No workflow runner answers in namespace"
                        + " nobody")));
        assertThat(atInfo).anySatisfy(m -> assertThat(m).containsEntry("level", "notice")
                .satisfies(n -> assertThat((String) n.get("data")).startsWith("Started the testbed of alice")));
        assertThat(atInfo).noneSatisfy(m -> assertThat(m).containsEntry("level", "debug"));

        assertThat(client.request("logging/setLevel", Map.of("level", "error"))).containsKey("result");
        client.callTool("start_workflow", Map.of("namespace", "nobody"));
        assertThat(client.notifications("notifications/message")).hasSameSizeAs(atInfo);

        assertThat(client.request("logging/setLevel", Map.of("level", "debug"))).containsKey("result");
        client.callTool("check_agent_manager", Map.of());
        assertThat(client.notifications("notifications/message")).last().satisfies(m -> assertThat(m)
                .containsEntry("level", "debug").satisfies(d -> assertThat((String) d.get("data"))
                        .startsWith("check_agent_manager: ok in")));
    }
}
