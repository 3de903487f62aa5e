package org.swf.testbed.agents.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.agents.AgentIdentity;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.lifecycle.ShutdownBudget;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.port.InMemoryExecutionStore;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/** The runner stopped while a real-time execution runs: within its budget, the execution terminated. */
class RunnerShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Small shares, so a test of a stuck step does not wait long. */
    private static final ShutdownBudget BUDGET = new ShutdownBudget(Duration.ofMillis(400), Duration.ofMillis(300),
            Duration.ofMillis(300));

    @TempDir
    Path home;

    private final JsonCodec codec = new JsonCodec();
    private final InMemoryMessageBus client = new InMemoryMessageBus();
    private final InMemoryExecutionStore store = new InMemoryExecutionStore();
    private HangingBus runnerBus;
    private AgentRuntime runner;

    @BeforeEach
    void start() throws IOException {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        Files.writeString(workflows.resolve("testbed.toml"), """
                [testbed]
                namespace = "ns1"
                [workflow]
                name = "stf_datataking"
                config = "wf_default"
                """);
        Files.writeString(workflows.resolve("wf_default.toml"), """
                [workflow]
                name = "stf_datataking"
                [daq_state_machine]
                no_beam_not_ready_delay = 0
                beam_not_ready_delay = 0
                beam_ready_delay = 0
                broadcast_delay = 0
                stf_interval = 0.2
                stf_count = 1000
                physics_period_count = 1
                """);
        ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
        TestbedConfig config = new TestbedConfigReader(locator).read((String) null);
        runnerBus = new HangingBus(client.newView());
        runner = new AgentRuntime(AgentIdentity.ofThisProcess("DAQ_Simulator", "ns1", "workflow-runner"), runnerBus,
                new WorkflowRunner(locator, config, store, codec), codec, Duration.ofHours(1), Optional.empty(), BUDGET);
        runner.start();
    }

    @AfterEach
    void stop() {
        runnerBus.release();
        runner.close();
        client.close();
    }

    @Test
    void aStoppedRunnerEndsTheRunThenSaysItExited() {
        String executionId = startRealTimeRun();

        assertTimeoutPreemptively(WAIT, runner::close);

        assertThat(status(executionId)).isEqualTo(ExecutionStatus.TERMINATED);
        List<Map<String, Object>> sent = client.broker().sentFields(Destinations.EPICTOPIC, "end_run");
        assertThat(sent).hasSize(1);
        List<String> states = client.broker().sentFields(Destinations.HEARTBEATS).stream()
                .filter(h -> "workflow-runner".equals(h.get("program")))
                .map(h -> String.valueOf(h.get("operational_state"))).toList();
        assertThat(states).last().isEqualTo("EXITED");
    }

    @Test
    void aBrokerThatStopsAnsweringCannotHoldTheShutdownAndTheExecutionStillEndsTerminated() {
        String executionId = startRealTimeRun();
        runnerBus.hang();

        // Without the budget this would wait for ever: every send blocks until the bus is closed.
        assertTimeoutPreemptively(WAIT, runner::close);

        assertThat(status(executionId)).isEqualTo(ExecutionStatus.TERMINATED);
        assertThat(store.find(executionId).map(ExecutionRecord::endedAt)).isPresent();
    }

    private String startRealTimeRun() {
        WireReply reply = WireReply.of(client.request(Destinations.workflowControl("ns1"), codec.encode(Map.of(
                "msg_type", "run_workflow", "namespace", "ns1", "realtime", true)), WAIT).body());
        assertThat(reply.success()).as(reply.error()).isTrue();
        String executionId = String.valueOf(reply.result().get("execution_id"));
        await().atMost(WAIT).until(() -> client.broker().sentFields(Destinations.EPICTOPIC, "stf_gen").size() >= 2);
        return executionId;
    }

    private ExecutionStatus status(String executionId) {
        return store.find(executionId).map(ExecutionRecord::status).orElseThrow();
    }

    /** A bus whose sends, once {@link #hang()} is called, block until it is closed: a broker that stopped answering. */
    private static final class HangingBus implements MessageBus {
        private final MessageBus bus;
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean hung;

        HangingBus(MessageBus bus) {
            this.bus = bus;
        }

        void hang() {
            hung = true;
        }

        void release() {
            released.countDown();
        }

        private void blockWhileHung() {
            if (hung) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("The message bus is closed");
            }
        }

        @Override
        public void send(Destination destination, String body) {
            blockWhileHung();
            bus.send(destination, body);
        }

        @Override
        public void send(Destination destination, String body, Destination replyTo, String correlationId) {
            blockWhileHung();
            bus.send(destination, body, replyTo, correlationId);
        }

        @Override
        public Subscription subscribe(Destination destination, Consumer<InboundMessage> listener) {
            return bus.subscribe(destination, listener);
        }

        @Override
        public InboundMessage request(Destination destination, String body, Duration timeout,
                Predicate<InboundMessage> interim) {
            blockWhileHung();
            return bus.request(destination, body, timeout, interim);
        }

        @Override
        public boolean isConnected() {
            return bus.isConnected();
        }

        @Override
        public void close() {
            released.countDown();
            bus.close();
        }
    }
}
