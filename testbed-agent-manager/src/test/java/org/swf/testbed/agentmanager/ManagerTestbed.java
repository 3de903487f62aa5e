package org.swf.testbed.agentmanager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.heartbeat.HeartbeatPublisher;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.orchestrator.NamedPrograms;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.OrchestratorSettings;
import org.swf.testbed.port.FakeProcessSupervisor;
import org.swf.testbed.port.ForwardingProcessSupervisor;
import org.swf.testbed.port.InMemoryExecutionStore;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;

/**
 * One user's testbed as the agent manager sees it, with nothing external: a home with a config,
 * a real {@link Orchestrator} over a fake supervisord, and an in-memory broker. "Started"
 * programs report READY on the heartbeat topic, as real agents do, so a start completes.
 */
final class ManagerTestbed implements AutoCloseable {

    static final String USER = "alice";
    static final String NAMESPACE = "am-test";
    static final String HOSTNAME = "test-host";
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    final JsonCodec codec = new JsonCodec();
    final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    final FakeProcessSupervisor fake;
    final HoldingSupervisor supervisor;
    final Orchestrator orchestrator;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    /** @param home an empty directory to be the testbed home */
    ManagerTestbed(Path home) throws IOException {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        // An external broker, so the orchestrator connects through the factory below (to the
        // in-memory broker) instead of looking for a broker program of the home's own.
        Files.writeString(workflows.resolve("testbed.toml"), """
                [testbed]
                namespace = "%s"
                [agents.data]
                enabled = true
                [broker]
                url = "amqp://127.0.0.1:1"
                """.formatted(NAMESPACE));
        fake = new FakeProcessSupervisor(home.resolve("logs"));
        supervisor = new HoldingSupervisor(fake);
        OrchestratorSettings settings = new OrchestratorSettings(home, TestbedEnvironment.empty(), Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        orchestrator = new Orchestrator(settings, supervisor, (endpoint, clientName, timeout) -> broker.newBus(),
                new NamedPrograms("test"), new InMemoryExecutionStore());
    }

    /**
     * @param interval the heartbeat interval
     * @return a manager of {@link #USER} on a bus of its own, not started; closed with the testbed
     */
    AgentManager manager(Duration interval) {
        return manager(broker.newBus(), interval, Optional.empty());
    }

    /**
     * @param bus the manager's bus
     * @param interval the heartbeat interval
     * @param monitor where heartbeats are also POSTed
     * @return a manager of {@link #USER}, not started; closed with the testbed
     */
    AgentManager manager(MessageBus bus, Duration interval, Optional<MonitorClient> monitor) {
        AgentManager manager = new AgentManager(USER, orchestrator, bus, codec, interval, monitor, HOSTNAME);
        cleanup.add(manager);
        return manager;
    }

    /** @return a bus of another process (the MCP server's) on the same broker; closed with the testbed */
    InMemoryMessageBus client() {
        InMemoryMessageBus bus = broker.newBus();
        cleanup.add(bus);
        return bus;
    }

    /** @return the manager's control queue */
    static Destination control() {
        return Destinations.agentManagerControl(USER);
    }

    /**
     * Sends raw text to the control queue, with a private reply address, and decodes the answer.
     *
     * @param client the sending bus
     * @param body the command as it goes over the wire
     * @return the reply's JSON fields
     */
    Map<String, Object> command(MessageBus client, String body) {
        return codec.decodeObject(client.request(control(), body, REPLY_TIMEOUT).body());
    }

    /** @return the agent manager's heartbeats sent so far, oldest first, as JSON fields */
    List<Map<String, Object>> managerHeartbeats() {
        return broker.sent(Destinations.HEARTBEATS).stream().map(message -> codec.decodeObject(message.body()))
                .filter(fields -> HeartbeatSender.AGENT_MANAGER_TYPE.equals(fields.get("agent_type")))
                .toList();
    }

    /** @return the agent manager's last heartbeat on the topic */
    Map<String, Object> lastManagerHeartbeat() {
        List<Map<String, Object>> heartbeats = managerHeartbeats();
        return heartbeats.isEmpty() ? Map.of() : heartbeats.get(heartbeats.size() - 1);
    }

    @Override
    public void close() {
        supervisor.release();
        for (AutoCloseable closeable : cleanup) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("Closing " + closeable + " failed", e);
            }
        }
    }

    /**
     * The fake supervisord, whose started programs report READY like agents, and whose restart a
     * test can hold, to have a start in progress for as long as it needs.
     */
    final class HoldingSupervisor extends ForwardingProcessSupervisor {

        private final CountDownLatch restartEntered = new CountDownLatch(1);
        private volatile CountDownLatch release = new CountDownLatch(0);

        HoldingSupervisor(FakeProcessSupervisor delegate) {
            super(delegate);
        }

        /** Makes the next restarts wait until {@link #release()}. */
        void hold() {
            release = new CountDownLatch(1);
        }

        /** Lets held restarts go on. */
        void release() {
            release.countDown();
        }

        /** @return whether a restart began so far */
        boolean restartBegan() {
            return restartEntered.getCount() == 0;
        }

        /** @return whether a restart began within the reply timeout */
        boolean awaitRestartEntered() throws InterruptedException {
            return restartEntered.await(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void restart(List<ProgramSpec> programs, Map<String, String> environment) {
            restartEntered.countDown();
            try {
                // Bounded, so a test that forgets to release fails on its own deadline, not by hanging.
                release.await(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delegate.restart(programs, environment);
        }

        @Override
        public void start(List<String> programs) {
            delegate.start(programs);
            try (InMemoryMessageBus agents = broker.newBus()) {
                HeartbeatPublisher publisher = new HeartbeatPublisher(agents, codec, Optional.empty());
                for (String program : programs) {
                    publisher.publish(new HeartbeatSender(program + "-" + USER + "-1", "TEST", 1, HOSTNAME, program)
                            .agent(OperationalState.READY, NAMESPACE, true));
                }
            }
        }
    }
}
