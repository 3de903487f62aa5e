package org.swf.testbed.agentmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.protocol.Destinations;

/**
 * The agent manager's heartbeats: at start and then every interval, at once when asked (what
 * SIGUSR1 does), {@code EXITED} on close, and always with the broker connection and supervisord's
 * health as measured when sent.
 */
class AgentManagerHeartbeatTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path home;

    private ManagerTestbed testbed;

    @BeforeEach
    void setUp() throws IOException {
        testbed = new ManagerTestbed(home);
    }

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void sendsOneAtStartThenOneEveryInterval() {
        testbed.manager(Duration.ofMillis(50)).start();

        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() >= 3);
        Map<String, Object> first = testbed.managerHeartbeats().get(0);
        assertThat(first).containsEntry("msg_type", "heartbeat").containsEntry("instance_name", "agent-manager-alice")
                .containsEntry("agent_type", "agent_manager").containsEntry("status", "OK")
                .containsEntry("operational_state", "READY").containsEntry("pid", (int) ProcessHandle.current().pid())
                .containsEntry("hostname", "test-host").containsEntry("mq_connected", true)
                .containsEntry("supervisord_healthy", true)
                .containsEntry("metadata", Map.of("supervisord_healthy", true, "supervisord", "idle"))
                .containsEntry("description", "Agent manager for alice. namespace: none. MQ: connected."
                        + " supervisord: idle")
                .containsKey("timestamp").doesNotContainKeys("namespace", "program");
    }

    @Test
    void heartbeatNowSendsOneAtOnceWhateverTheInterval() {
        AgentManager manager = testbed.manager(Duration.ofHours(1));
        manager.start();
        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() == 1);

        // What SIGUSR1 does: the next periodic one is an hour away.
        manager.heartbeatNow();

        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() == 2);
        assertThat(testbed.lastManagerHeartbeat()).containsEntry("operational_state", "READY");
    }

    @Test
    void reportsSupervisordsHealthAsMeasured() {
        AgentManager manager = testbed.manager(Duration.ofHours(1));
        manager.start();
        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() == 1);

        testbed.fake.restart(List.of(new ProgramSpec("data-agent", ProgramRole.AGENT, List.of("test"), home, Map.of(),
                0, true)), Map.of());
        testbed.fake.start(List.of("data-agent"));
        assertThat(nextHeartbeat(manager)).containsEntry("status", "OK").containsEntry("supervisord_healthy", true)
                .containsEntry("metadata", Map.of("supervisord_healthy", true, "supervisord", "running"));

        // supervisord killed with SIGKILL: its agent runs on without it.
        testbed.fake.killDaemon();
        assertThat(nextHeartbeat(manager)).containsEntry("status", "ERROR").containsEntry("supervisord_healthy", false)
                .containsEntry("metadata", Map.of("supervisord_healthy", false, "supervisord", "error"))
                .containsEntry("operational_state", "READY");

        testbed.fake.setInstalled(false);
        assertThat(nextHeartbeat(manager)).containsEntry("status", "ERROR").containsEntry("supervisord_healthy", false);
    }

    @Test
    void reportsTheRunningTestbedsNamespaceAndAsksItsAgentsForHeartbeats() {
        testbed.orchestrator.run(new RunOptions(null, false, null, Map.of(), "test"));

        AgentManager manager = testbed.manager(Duration.ofHours(1));
        manager.start();

        assertThat(testbed.broker.sent(Destinations.HEARTBEATS).stream()
                .map(message -> testbed.codec.decodeObject(message.body()))
                .filter(fields -> "heartbeat_request".equals(fields.get("msg_type"))))
                .singleElement().satisfies(request -> assertThat(request)
                        .containsEntry("namespace", ManagerTestbed.NAMESPACE)
                        .containsEntry("sender", "agent-manager-alice"));
        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() == 1);
        assertThat(testbed.lastManagerHeartbeat()).containsEntry("namespace", ManagerTestbed.NAMESPACE)
                .containsEntry("description", "Agent manager for alice. namespace: am-test. MQ: connected."
                        + " supervisord: running");
    }

    @Test
    void reportsTheBrokerConnectionAsMeasuredToTheMonitorWhileTheBrokerIsDown() throws IOException {
        List<Map<String, Object>> posted = new CopyOnWriteArrayList<>();
        HttpServer monitor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        monitor.createContext("/", exchange -> {
            posted.add(testbed.codec.decodeObject(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        monitor.start();
        try {
            AgentManager manager = testbed.manager(testbed.broker.newBus(), Duration.ofHours(1), MonitorClient
                    .fromEnvironment(TestbedEnvironment.of(Map.of("SWF_MONITOR_HTTP_URL", "http://127.0.0.1:"
                    + monitor.getAddress().getPort()))));
            manager.start();
            await().atMost(WAIT).until(() -> posted.size() == 1);
            assertThat(posted.get(0)).containsEntry("mq_connected", true).containsEntry("status", "OK");

            testbed.broker.setAvailable(false);
            manager.heartbeatNow();

            await().atMost(WAIT).until(() -> posted.size() == 2);
            assertThat(posted.get(1)).containsEntry("mq_connected", false).containsEntry("status", "ERROR")
                    .containsEntry("description", "Agent manager for alice. namespace: none. MQ: disconnected."
                            + " supervisord: idle");
            // Not attempted on the topic while the bus is down: only the one from before the outage is there.
            assertThat(testbed.managerHeartbeats()).hasSize(1);

            testbed.broker.setAvailable(true);
            manager.heartbeatNow();
            await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() == 2);
            assertThat(testbed.lastManagerHeartbeat()).containsEntry("mq_connected", true);

            manager.close();
            assertThat(posted).last().satisfies(exited -> assertThat(exited).containsEntry("operational_state", "EXITED"));
        } finally {
            monitor.stop(0);
        }
    }

    @Test
    void closeSendsTheExitedHeartbeatThenDisconnects() {
        InMemoryMessageBus bus = testbed.broker.newBus();
        AgentManager manager = testbed.manager(bus, Duration.ofMillis(50), Optional.empty());
        manager.start();
        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() >= 2);

        manager.close();

        assertThat(bus.isConnected()).isFalse();
        assertThat(testbed.lastManagerHeartbeat()).containsEntry("status", "EXITED")
                .containsEntry("operational_state", "EXITED").containsEntry("mq_connected", true)
                .containsEntry("description", "Agent manager for alice. Shut down.")
                .containsEntry("metadata", Map.of("supervisord_healthy", true, "supervisord", "stopped"));
        manager.heartbeatNow();
        assertThat(testbed.lastManagerHeartbeat()).containsEntry("operational_state", "EXITED");
    }

    /** Asks for a heartbeat now and returns it once it was sent. */
    private Map<String, Object> nextHeartbeat(AgentManager manager) {
        int before = testbed.managerHeartbeats().size();
        manager.heartbeatNow();
        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() > before);
        return testbed.managerHeartbeats().get(before);
    }
}
