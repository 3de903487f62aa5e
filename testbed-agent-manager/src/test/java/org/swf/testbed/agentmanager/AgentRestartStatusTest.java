package org.swf.testbed.agentmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.swf.testbed.agentmanager.ManagerTestbed.HOSTNAME;
import static org.swf.testbed.agentmanager.ManagerTestbed.NAMESPACE;
import static org.swf.testbed.agentmanager.ManagerTestbed.REPLY_TIMEOUT;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.heartbeat.HeartbeatPublisher;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.RunnerStatus;
import org.swf.testbed.status.AgentLiveness;

/**
 * After an agent restarts, its program shows the new instance's state: neither the old
 * instance's EXITED heartbeat (arriving late, or sorting after the new name) nor a runner's list
 * that still holds the old instance makes a healthy program look failing.
 */
class AgentRestartStatusTest {

    @TempDir
    Path home;

    private ManagerTestbed testbed;
    private InMemoryMessageBus client;
    private volatile List<AgentLiveness> runnerAgents = List.of();

    @BeforeEach
    void startTestbed() throws IOException {
        testbed = new ManagerTestbed(home);
        testbed.manager(Duration.ofHours(1)).start();
        client = testbed.client();
        // Stands in for the workflow runner, answering status requests with the agents it lists.
        client.subscribe(Destinations.workflowControl(NAMESPACE), request -> {
            Map<String, Object> fields = testbed.codec.decodeObject(request.body());
            client.send(request.replyAddress(fields), testbed.codec.encodeReply(Reply.ok("status_request",
                    request.correlationId(fields), "workflow-runner-alice-1", new RunnerStatus(NAMESPACE, "READY",
                            null, runnerAgents))), null, request.correlationId(fields));
        });
        assertThat(testbed.command(client, "{\"command\": \"start_testbed\"}")).containsEntry("success", true);
    }

    @AfterEach
    void closeTestbed() {
        testbed.close();
    }

    private void heartbeat(String instance, OperationalState state) {
        new HeartbeatPublisher(client, testbed.codec, Optional.empty()).publish(
                new HeartbeatSender(instance, "TEST", 1, HOSTNAME, "data-agent").agent(state, NAMESPACE, true));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRestartedAgentsProgramIsReadyNotFailing() {
        // The old instance's name sorts after the new one's, and its EXITED arrives after the new READY.
        heartbeat("data-agent-alice-9", OperationalState.READY);
        heartbeat("data-agent-alice-10", OperationalState.STARTING);
        heartbeat("data-agent-alice-10", OperationalState.READY);
        heartbeat("data-agent-alice-9", OperationalState.EXITED);
        runnerAgents = List.of(
                new AgentLiveness("data-agent-alice-10", "TEST", "data-agent", 10L, "READY", "OK", true, 0),
                new AgentLiveness("data-agent-alice-9", "TEST", "data-agent", 9L, "EXITED", "EXITED", true, 0),
                new AgentLiveness("workflow-runner-alice-1", "TEST", "workflow-runner", 1L, "READY", "OK", true, 0));

        await().atMost(REPLY_TIMEOUT).untilAsserted(() -> {
            Map<String, Object> status = testbed.command(client, "{\"command\": \"status\"}");
            List<Map<String, Object>> agents = (List<Map<String, Object>>) status.get("agents");
            assertThat(agents).filteredOn(agent -> "data-agent".equals(agent.get("program"))).singleElement()
                    .satisfies(agent -> assertThat(agent).containsEntry("instance_name", "data-agent-alice-10")
                            .containsEntry("operational_state", "READY"));
            List<Map<String, Object>> programs = (List<Map<String, Object>>) ((Map<String, Object>) status.get(
                    "status")).get("programs");
            assertThat(programs).filteredOn(program -> "data-agent".equals(program.get("name"))).singleElement()
                    .satisfies(program -> assertThat(program).containsEntry("failing", false)
                            .containsEntry("operational_state", "READY"));
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void manyRestartsLeaveOneEntryPerProgram() {
        for (int pid = 2; pid < 200; pid++) {
            heartbeat("data-agent-alice-" + pid, OperationalState.READY);
            heartbeat("data-agent-alice-" + pid, OperationalState.EXITED);
        }
        heartbeat("data-agent-alice-200", OperationalState.READY);

        await().atMost(REPLY_TIMEOUT).untilAsserted(() -> {
            List<Map<String, Object>> agents = (List<Map<String, Object>>) testbed.command(client,
                    "{\"command\": \"status\"}").get("agents");
            assertThat(agents).extracting(agent -> agent.get("program"))
                    .containsExactlyInAnyOrder("workflow-runner", "data-agent");
            assertThat(agents).filteredOn(agent -> "data-agent".equals(agent.get("program"))).singleElement()
                    .satisfies(agent -> assertThat(agent).containsEntry("instance_name", "data-agent-alice-200"));
        });
    }
}
