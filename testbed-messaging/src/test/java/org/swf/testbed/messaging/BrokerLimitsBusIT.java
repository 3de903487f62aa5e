package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.swf.testbed.TestbedException;
import org.swf.testbed.broker.BrokerLimits;
import org.swf.testbed.broker.BrokerSecurity;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;

/**
 * The bus against the testbed's bounded broker: what a sender sees when the broker refuses its
 * message (a full queue, an oversized message), and that consumers carry on.
 */
class BrokerLimitsBusIT {

    private static final String USER = "testbed-owner";
    private static final String PASSWORD = "Owner-Pa55word";
    private static final Duration DELIVERY = Duration.ofSeconds(10);
    /** Below the cap; a handful fill a queue. */
    private static final String BIG = "w".repeat(BrokerLimits.MAX_MESSAGE_BYTES * 3 / 4);
    private static final String OVERSIZED = "o".repeat(BrokerLimits.MAX_MESSAGE_BYTES + 1);
    /** Far more of {@link #BIG} than any queue of the testbed holds. */
    private static final int MANY = 40;

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(TestBrokers.onFreePorts().withSecurity(BrokerSecurity.ownerOnly(USER, PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aCommandSenderIsToldWhichQueueIsFullAndWhy() {
        Destination control = Destinations.workflowControl("no-runner");
        try (JmsMessageBus cli = JmsMessageBus.connect(owner("cli"))) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < MANY; i++) {
                    cli.send(control, BIG);
                }
            }).isInstanceOf(TestbedException.class)
                    .hasMessageStartingWith("Cannot send to queue " + control.name() + ": the broker at "
                            + broker.amqpUrl() + " refused the message (")
                    .hasMessageContaining(control.name())
                    .hasMessageContaining("full")
                    .hasMessageContaining("start its consumer");
            assertThat(cli.isConnected()).isTrue();

            assertThatThrownBy(() -> cli.send(Destinations.sliceResults("any"), OVERSIZED))
                    .isInstanceOf(TestbedException.class)
                    .hasMessageContaining("the broker takes messages of at most " + BrokerLimits.MAX_MESSAGE_BYTES + " bytes");
        }
    }

    @Test
    void aWorkQueueWithoutWorkersDropsWhatItCannotHoldAndItsProducerCarriesOn() throws InterruptedException {
        Destination slices = Destinations.sliceQueue("no-workers");
        Destination heartbeats = Destinations.HEARTBEATS;
        try (JmsMessageBus producer = JmsMessageBus.connect(owner("fast-processing"));
                JmsMessageBus monitor = JmsMessageBus.connect(owner("monitor"))) {
            BlockingQueue<InboundMessage> seen = new LinkedBlockingQueue<>();
            monitor.subscribe(heartbeats, seen::add);

            for (int i = 0; i < MANY; i++) {
                producer.send(slices, BIG);
            }
            producer.send(heartbeats, "{\"instance_name\":\"fast-processing\"}");

            InboundMessage heartbeat = seen.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(heartbeat).isNotNull();
            assertThat(heartbeat.body()).contains("fast-processing");
            assertThat(producer.isConnected()).isTrue();
        }
    }

    @Test
    void anAgentWhoseSendsAreRefusedStaysConnectedAndKeepsTalking() throws InterruptedException {
        Destination full = Destinations.workflowControl("agent-ns");
        Destination control = Destinations.agentManagerControl("alice");
        Destination heartbeats = Destinations.HEARTBEATS;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(new Tee(originalErr, log), true, StandardCharsets.UTF_8));
        // Agents send asynchronously (a reconnecting bus): a refusal reaches them later, through
        // the connection's exception listener, which must not take it for a lost connection.
        try (JmsMessageBus agent = JmsMessageBus.connect(owner("agent").withReconnect(true));
                JmsMessageBus manager = JmsMessageBus.connect(owner("agent-manager"))) {
            for (int i = 0; i < MANY; i++) {
                agent.send(full, BIG);
            }
            agent.send(Destinations.sliceQueue("agent-ns"), OVERSIZED);

            String refused = "agent: the broker at " + broker.amqpUrl() + " refused a message: ";
            await().atMost(DELIVERY).until(() -> log.toString(StandardCharsets.UTF_8).contains(refused + "Message of"));
            assertThat(log.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(refused)))
                    .anySatisfy(line -> assertThat(line).contains(full.name(), "full"));
            assertThat(agent.isConnected()).isTrue();

            manager.subscribe(control, in -> manager.send(in.replyTo(), "{\"success\":true}", null, in.correlationId()));
            BlockingQueue<InboundMessage> seen = new LinkedBlockingQueue<>();
            manager.subscribe(heartbeats, seen::add);
            assertThat(agent.request(control, "{\"command\":\"ping\"}", DELIVERY).body()).isEqualTo("{\"success\":true}");
            agent.send(heartbeats, "{\"instance_name\":\"agent\"}");
            InboundMessage heartbeat = seen.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(heartbeat).isNotNull();
            assertThat(heartbeat.body()).isEqualTo("{\"instance_name\":\"agent\"}");
            assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("agent: the connection to");
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void anOversizedMessageNeverReachesTheRunnerWhichAnswersTheNextStatusRequest() throws Exception {
        Destination runnerQueue = Destinations.workflowControl("big-ns");
        List<Integer> received = new CopyOnWriteArrayList<>();
        try (JmsMessageBus runner = JmsMessageBus.connect(owner("workflow-runner").withReconnect(true));
                JmsMessageBus cli = JmsMessageBus.connect(owner("cli"));
                StompTestClient pythonAgent = StompTestClient.connect("127.0.0.1", broker.stompPort(), USER, PASSWORD)) {
            MessageBus.Subscription serving = runner.subscribe(runnerQueue, in -> {
                received.add(in.body().length());
                if (in.replyTo() != null) {
                    runner.send(in.replyTo(), "{\"msg_type\":\"status_response\",\"success\":true}", null,
                            in.correlationId());
                }
            });

            // From an original agent over STOMP: an ERROR frame, and the frame is gone.
            assertThatThrownBy(() -> pythonAgent.send(runnerQueue.stompAddress(), OVERSIZED, Map.of()))
                    .hasMessageContaining("frame too large");
            assertThat(pythonAgent.drainErrors()).singleElement()
                    .satisfies(error -> assertThat(error.body()).contains("larger than the broker takes"));
            // From an AMQP client: an error from send.
            assertThatThrownBy(() -> cli.send(runnerQueue, OVERSIZED)).isInstanceOf(TestbedException.class)
                    .hasMessageContaining("refused the message");

            InboundMessage reply = cli.request(runnerQueue, "{\"msg_type\":\"status_request\"}", DELIVERY);

            assertThat(reply.body()).contains("\"success\":true");
            assertThat(received).containsExactly("{\"msg_type\":\"status_request\"}".length());
            serving.close();
        }
    }

    private static BusOptions owner(String clientName) {
        return BusOptions.of(broker.amqpUrl(), clientName).withCredentials(USER, PASSWORD);
    }

    /** Writes to the original stream and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) {
            copy.write(b);
            original.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            copy.write(bytes, offset, length);
            original.write(bytes, offset, length);
        }
    }
}
