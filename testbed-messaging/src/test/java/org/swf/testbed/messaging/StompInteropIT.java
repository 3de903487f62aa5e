package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.protocol.Destination;

/**
 * The original Python agents speak STOMP ({@code /topic/epictopic}, {@code /queue/x}); ours speak
 * AMQP ({@code epictopic}, {@code x}). Through the embedded broker they meet at the same addresses.
 */
class StompInteropIT {

    private static final Logger LOG = LoggerFactory.getLogger(StompInteropIT.class);
    private static final Duration DELIVERY = Duration.ofSeconds(10);

    private static EmbeddedBroker broker;
    private JmsMessageBus bus;
    private StompTestClient stomp;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(TestBrokers.onFreePorts());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void connect() throws IOException {
        bus = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "interop"));
        stomp = StompTestClient.connect("127.0.0.1", broker.stompPort());
    }

    @AfterEach
    void disconnect() throws IOException {
        assertThat(stomp.drainErrors()).isEmpty();
        stomp.close();
        bus.close();
    }

    @Test
    void stompSubscriberOfEpictopicGetsWhatTheBusPublishes() throws InterruptedException {
        stomp.subscribe("sub-1", "/topic/epictopic");

        bus.send(Destination.topic("epictopic"), "{\"msg_type\":\"start_run\",\"run_id\":\"r1\",\"note\":\"é\"}");

        StompTestClient.Frame frame = stomp.receive(DELIVERY);
        assertThat(frame).isNotNull();
        LOG.info("STOMP MESSAGE headers for a JMS text message: {}", frame.headers());
        assertThat(frame.body()).isEqualTo("{\"msg_type\":\"start_run\",\"run_id\":\"r1\",\"note\":\"é\"}");
        // Artemis writes the address with the prefix the sender used: none for an AMQP sender.
        assertThat(frame.header("destination")).isEqualTo("epictopic");
        assertThat(frame.header("destination-type")).isEqualTo("MULTICAST");
        assertThat(frame.header("subscription")).isEqualTo("sub-1");
    }

    @Test
    void stompSendToQueueReachesTheBusSubscriber() throws InterruptedException {
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        bus.subscribe(Destination.queue("some.queue"), received::add);

        // With content-length, as stomp.py sends it: Artemis makes a bytes message of it.
        stomp.send("/queue/some.queue", "{\"command\":\"status\",\"note\":\"ü\"}", Map.of());

        InboundMessage message = received.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).isNotNull();
        assertThat(message.body()).isEqualTo("{\"command\":\"status\",\"note\":\"ü\"}");
        assertThat(message.destination()).isEqualTo(Destination.queue("some.queue"));
    }

    @Test
    void stompSendToTopicReachesTheBusTopicSubscriber() throws InterruptedException {
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        bus.subscribe(Destination.topic("epictopic"), received::add);

        stomp.send("/topic/epictopic", "{\"msg_type\":\"stf_ready\"}", Map.of());
        stomp.sendWithoutContentLength("/topic/epictopic", "{\"msg_type\":\"text-frame\"}");

        InboundMessage first = received.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        InboundMessage second = received.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(first).isNotNull();
        assertThat(first.body()).isEqualTo("{\"msg_type\":\"stf_ready\"}");
        assertThat(first.destination()).isEqualTo(Destination.topic("epictopic"));
        assertThat(second).isNotNull();
        assertThat(second.body()).isEqualTo("{\"msg_type\":\"text-frame\"}");
    }

    @Test
    void stompQueueSubscriberGetsWhatTheBusSendsToTheQueue() throws InterruptedException {
        stomp.subscribe("sub-q", "/queue/stomp.inbox");

        bus.send(Destination.queue("stomp.inbox"), "{\"command\":\"ping\"}", Destination.queue("replies.x"), "c-7");

        StompTestClient.Frame frame = stomp.receive(DELIVERY);
        assertThat(frame).isNotNull();
        LOG.info("STOMP MESSAGE headers for a JMS message with reply-to and correlation id: {}", frame.headers());
        assertThat(frame.body()).isEqualTo("{\"command\":\"ping\"}");
        assertThat(frame.header("correlation-id")).isEqualTo("c-7");
        // Artemis renders an AMQP reply address in its own URI form, which a STOMP client cannot
        // send to: STOMP peers need the reply address in the body (reply_to) as well.
        assertThat(frame.header("reply-to")).isEqualTo("queue://replies.x");
    }

    @Test
    void stompReplyHeadersReachTheBus() throws InterruptedException {
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        bus.subscribe(Destination.queue("stomp.requests"), received::add);

        stomp.send("/queue/stomp.requests", "{\"command\":\"ping\"}",
                Map.of("reply-to", "/queue/stomp.replies", "correlation-id", "c-9"));

        InboundMessage message = received.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).isNotNull();
        LOG.info("JMS view of a STOMP frame with reply-to and correlation-id: replyTo={}, correlationId={}",
                message.replyTo(), message.correlationId());
        assertThat(message.correlationId()).isEqualTo("c-9");
        assertThat(message.replyTo()).isEqualTo(Destination.queue("stomp.replies"));
    }

    @Test
    void busAnswersAStompRequesterAtItsReplyTo() throws InterruptedException {
        bus.subscribe(Destination.queue("stomp.control"), in ->
                bus.send(in.replyTo(), "{\"success\":true}", null, in.correlationId()));
        stomp.subscribe("replies", "/queue/stomp.answers");

        stomp.send("/queue/stomp.control", "{\"command\":\"ping\"}",
                Map.of("reply-to", "/queue/stomp.answers", "correlation-id", "c-10"));

        StompTestClient.Frame answer = stomp.receive(DELIVERY);
        assertThat(answer).isNotNull();
        assertThat(answer.body()).isEqualTo("{\"success\":true}");
        assertThat(answer.header("correlation-id")).isEqualTo("c-10");
    }
}
