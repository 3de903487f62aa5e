package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.TestbedException;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.util.ListeningSockets;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/** The agent-manager daemon as a real process, with a real supervisord and broker. */
class AgentManagerIT {

    private static final String USER = TestUser.primary().name;

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-manager");
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Process manager;

    @AfterEach
    void tearDown() throws Exception {
        if (manager != null && manager.isAlive()) {
            manager.destroy();
            manager.waitFor();
        }
        testbed.close();
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    private void startManager(String... options) {
        List<String> command = new ArrayList<>(List.of("agent-manager"));
        command.addAll(List.of(options));
        try {
            Path log = testbed.home.resolve("agent-manager.log");
            manager = testbed.processBuilder(command.toArray(String[]::new)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MessageBus client() {
        MessageBus bus = new JmsMessageBusFactory().connectReconnecting(testbed.endpoint(), "it-client",
                Duration.ofSeconds(10));
        cleanup.add(0, bus);
        return bus;
    }

    private WireReply command(MessageBus bus, Duration timeout, Map<String, Object> command) {
        return WireReply.of(bus.request(Destinations.agentManagerControl(USER), codec.encode(command), timeout).body());
    }

    private WireReply command(MessageBus bus, String name) {
        return command(bus, Duration.ofSeconds(60), Map.of("command", name, "source", "it"));
    }

    private MessageBus awaitManager() {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (MessageBus probe = new JmsMessageBusFactory().connect(testbed.endpoint(), "probe",
                    Duration.ofSeconds(2))) {
                return command(probe, Duration.ofSeconds(2), Map.of("command", "ping")).success();
            }
        });
        return client();
    }

    @Test
    @SuppressWarnings("unchecked")
    void servesEveryCommandWithItsRealOutcome() throws Exception {
        testbed.quickWorkflow(2, "");
        startManager();
        MessageBus bus = awaitManager();
        List<Map<String, Object>> heartbeats = new CopyOnWriteArrayList<>();
        bus.subscribe(Destinations.HEARTBEATS, message -> heartbeats.add(codec.decodeObject(message.body())));

        WireReply ping = command(bus, "ping");
        assertThat(ping.result()).containsEntry("status", "alive").containsEntry("username", USER)
                .containsEntry("mq_connected", true);

        WireReply garbage = WireReply.of(bus.request(Destinations.agentManagerControl(USER), "{oops",
                Duration.ofSeconds(5)).body());
        assertThat(garbage.success()).isFalse();
        assertThat(garbage.errorCode().name()).isEqualTo("MALFORMED");
        WireReply unknown = command(bus, "launch_rockets");
        assertThat(unknown.errorCode().name()).isEqualTo("UNKNOWN_COMMAND");
        assertThat(unknown.error()).contains("start_testbed");
        assertThat(command(bus, "ping").success()).isTrue();

        // Two starts at once: one runs, the other is refused while it does.
        CompletableFuture<WireReply> first = CompletableFuture.supplyAsync(() -> command(bus, "start_testbed"));
        await().atMost(Duration.ofSeconds(10)).until(() -> command(bus, "ping").result().get("operation") != null);
        WireReply overlapping = command(bus, "start_testbed");
        assertThat(overlapping.errorCode().name()).isEqualTo("BUSY");
        WireReply started = first.get();
        assertThat(started.success()).as(started.error()).isTrue();
        assertThat(started.result()).containsEntry("namespace", "it-manager");
        // The broker the manager had supervisord start already runs, so only the runner and the agent start.
        assertThat((List<Object>) started.result().get("programs")).containsExactly("workflow-runner", "data-agent");

        WireReply again = command(bus, "start_testbed");
        assertThat(again.errorCode().name()).isEqualTo("ALREADY_RUNNING");
        assertThat(again.error()).contains("stop-agents");

        WireReply status = command(bus, "status");
        @SuppressWarnings("unchecked")
        Map<String, Object> observed = (Map<String, Object>) status.result().get("status");
        assertThat(observed).containsEntry("state", "RUNNING").containsEntry("namespace", "it-manager");
        await().atMost(Duration.ofSeconds(20)).until(() -> ((List<?>) command(bus, "status").result().get("agents"))
                .stream().anyMatch(a -> "data-agent".equals(((Map<?, ?>) a).get("program"))));

        Map<String, Object> logs = new LinkedHashMap<>(Map.of("command", "logs", "program", "data-agent", "lines", 5));
        WireReply log = command(bus, Duration.ofSeconds(10), logs);
        assertThat((List<?>) log.result().get("lines")).anySatisfy(line -> assertThat(String.valueOf(line))
                .contains("READY in namespace it-manager"));
        WireReply badLog = command(bus, Duration.ofSeconds(10), Map.of("command", "logs", "program", "../../etc/passwd"));
        assertThat(badLog.errorCode().name()).isEqualTo("MALFORMED");

        WireReply stopped = command(bus, "stop_testbed");
        assertThat((List<Object>) stopped.result().get("stopped")).containsExactlyInAnyOrder("workflow-runner", "data-agent");
        assertThat(command(bus, "stop_testbed").result()).containsEntry("message", "No agents running");

        assertThat(heartbeats).anySatisfy(h -> assertThat(h).containsEntry("agent_type", "agent_manager")
                .containsEntry("mq_connected", true).containsEntry("operational_state", "READY"));
        manager.destroy();
        assertThat(manager.waitFor()).isIn(0, 143);
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats.stream().anyMatch(h ->
                "agent_manager".equals(h.get("agent_type")) && "EXITED".equals(h.get("operational_state"))));
    }

    @Test
    void sigusr1SendsAHeartbeatAtOnce() throws Exception {
        testbed.quickWorkflow(1, "");
        startManager("--heartbeat-seconds", "3600");
        MessageBus bus = awaitManager();
        List<Map<String, Object>> heartbeats = new CopyOnWriteArrayList<>();
        bus.subscribe(Destinations.HEARTBEATS, message -> {
            Map<String, Object> heartbeat = codec.decodeObject(message.body());
            if ("agent_manager".equals(heartbeat.get("agent_type"))) {
                heartbeats.add(heartbeat);
            }
        });
        // The next periodic heartbeat is an hour away: only the signal can bring one now.
        assertThat(new ProcessBuilder("kill", "-USR1", Long.toString(manager.pid())).start().waitFor()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> !heartbeats.isEmpty());
        assertThat(heartbeats.get(0)).containsEntry("operational_state", "READY").containsEntry("mq_connected", true)
                .containsKeys("supervisord_healthy", "instance_name", "pid", "hostname", "description");
    }

    @Test
    void reconnectsAfterTheBrokerRestartsAndRunsTheCommandSentMeanwhile() throws Exception {
        testbed.quickWorkflow(1, "");
        // The home's broker as its own program (as its user, with its login), so it can be stopped
        // and started again under the running manager.
        Process broker = startBroker();
        startManager();
        awaitManager().close();
        broker.destroy();
        assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Process restarted = startBroker();
        cleanup.add(() -> {
            restarted.destroy();
            restarted.waitFor(30, TimeUnit.SECONDS);
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            testbed.connect("it-probe").close();
            return true;
        });
        try (MessageBus bus = testbed.connect("it-after")) {
            // Sent before the manager has reconnected: it waits in the queue until the manager is back.
            WireReply ping = command(bus, Duration.ofSeconds(60), Map.of("command", "ping"));
            assertThat(ping.result()).containsEntry("status", "alive").containsEntry("mq_connected", true);
        } catch (TestbedException e) {
            throw new AssertionError("The manager did not answer after the broker restart: " + e.getMessage()
                    + "\n" + Files.readString(testbed.home.resolve("agent-manager.log")), e);
        }
    }

    private Process startBroker() throws IOException {
        Process broker = testbed.processBuilder("broker", "--amqp-port", Integer.toString(testbed.amqpPort),
                "--stomp-port", Integer.toString(testbed.stompPort), "--data-dir", testbed.home.resolve("journal")
                        .toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                                testbed.home.resolve("broker-it.log").toFile())).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !ListeningSockets.free("127.0.0.1", testbed.amqpPort));
        return broker;
    }
}
