package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.broker.BrokerOptions;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.protocol.Destination;

/** A long-lived agent's bus survives a broker restart; a short-lived one reports the loss. */
class ReconnectIT {

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectIT.class);
    private static final Duration DELIVERY = Duration.ofSeconds(10);

    @Test
    void subscriptionsWorkAgainAfterTheBrokerRestarts() throws InterruptedException {
        BrokerOptions ports = TestBrokers.onFreePorts();
        EmbeddedBroker first = EmbeddedBroker.start(ports);
        String url = first.amqpUrl();
        Destination queue = Destination.queue("reconnect.queue");
        Destination topic = Destination.topic("reconnect.topic");
        BlockingQueue<InboundMessage> atQueue = new LinkedBlockingQueue<>();
        BlockingQueue<InboundMessage> atTopic = new LinkedBlockingQueue<>();

        try (JmsMessageBus agent = JmsMessageBus.connect(BusOptions.of(url, "agent").withReconnect(true))) {
            agent.subscribe(queue, atQueue::add);
            agent.subscribe(topic, atTopic::add);
            try (JmsMessageBus sender = JmsMessageBus.connect(BusOptions.of(url, "sender"))) {
                sender.send(queue, "{\"before\":true}");
                assertThat(atQueue.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
            }

            first.close();
            await().atMost(DELIVERY).until(() -> !agent.isConnected());

            long restart = System.nanoTime();
            try (EmbeddedBroker second = EmbeddedBroker.start(ports)) {
                assertThat(second.isRunning()).isTrue();
                await().atMost(Duration.ofSeconds(15)).until(agent::isConnected);
                LOG.info("reconnected {} ms after the new broker started",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart));

                try (JmsMessageBus sender = JmsMessageBus.connect(BusOptions.of(url, "sender"))) {
                    sender.send(queue, "{\"after\":\"queue\"}");
                    sender.send(topic, "{\"after\":\"topic\"}");
                }
                InboundMessage fromQueue = atQueue.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
                InboundMessage fromTopic = atTopic.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(fromQueue).isNotNull();
                assertThat(fromQueue.body()).isEqualTo("{\"after\":\"queue\"}");
                assertThat(fromTopic).isNotNull();
                assertThat(fromTopic.body()).isEqualTo("{\"after\":\"topic\"}");

                // The agent can send again too.
                agent.send(queue, "{\"from\":\"agent\"}");
                assertThat(atQueue.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
            }
        } finally {
            first.close();
        }
    }

    @Test
    void persistentBrokerKeepsQueuedMessagesAcrossARestart(@TempDir Path dataDir) throws InterruptedException {
        BrokerOptions options = TestBrokers.onFreePorts().withDataDir(dataDir);
        Destination queue = Destination.queue("persistent.queue");
        try (EmbeddedBroker broker = EmbeddedBroker.start(options);
                JmsMessageBus sender = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "sender"))) {
            sender.send(queue, "{\"kept\":true}");
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(options);
                JmsMessageBus receiver = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "receiver"))) {
            BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
            receiver.subscribe(queue, received::add);
            InboundMessage message = received.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).isNotNull();
            assertThat(message.body()).isEqualTo("{\"kept\":true}");
        }
    }

    @Test
    void withoutReconnectALostBrokerIsReportedAndCloseDoesNotHang() {
        EmbeddedBroker broker = EmbeddedBroker.start(TestBrokers.onFreePorts());
        JmsMessageBus bus = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "cli"));
        try {
            broker.close();
            await().atMost(DELIVERY).until(() -> !bus.isConnected());

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                assertThatThrownBy(() -> bus.send(Destination.queue("lost"), "{}"))
                        .isInstanceOf(ServiceUnavailableException.class)
                        .hasMessageContaining("start it (testbed broker) or fix [broker] url");
                assertThatThrownBy(() -> bus.subscribe(Destination.queue("lost"), in -> { }))
                        .isInstanceOf(ServiceUnavailableException.class);
            });
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(10), bus::close);
        }
    }

    @Test
    void reconnectingBusFailsSendsDuringTheOutageAndClosesPromptly() {
        EmbeddedBroker broker = EmbeddedBroker.start(TestBrokers.onFreePorts());
        BusOptions options = BusOptions.of(broker.amqpUrl(), "agent").withReconnect(true)
                .withConnectTimeout(Duration.ofSeconds(2));
        JmsMessageBus bus = JmsMessageBus.connect(options);
        try {
            broker.close();
            await().atMost(DELIVERY).until(() -> !bus.isConnected());

            long millis = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                long start = System.nanoTime();
                assertThatThrownBy(() -> bus.send(Destination.queue("outage"), "{}"))
                        .isInstanceOf(ServiceUnavailableException.class);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            });
            LOG.info("send during an outage failed after {} ms", millis);
        } finally {
            long start = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(10), bus::close);
            LOG.info("close during an outage took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }
}
