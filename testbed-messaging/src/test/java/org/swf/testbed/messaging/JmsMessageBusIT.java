package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.MessageBusContract;
import org.swf.testbed.protocol.Destination;

/**
 * The port's contract against the AMQP adapter and a real embedded Artemis: the same tests as
 * {@link org.swf.testbed.port.InMemoryMessageBus}, the fake every module's unit tests use, so that
 * fake behaves as this adapter does.
 */
class JmsMessageBusIT extends MessageBusContract {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(TestBrokers.onFreePorts());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected MessageBus newBus() {
        return JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "contract"));
    }

    /** A producer that can outrun its subscribers sees how far behind they are, at the broker. */
    @Test
    void theBrokerTellsHowManyBroadcastsWaitForASubscriberThatIsBehindUntilItCatchesUp() throws Exception {
        MessageBus observer = bus();
        MessageBus sender = bus();
        Destination topic = Destination.topic(unique("behind"));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        bus().subscribe(topic, message -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.incrementAndGet();
        });
        assertThat(observer.undelivered(topic)).hasValue(0);

        int sent = 3_000;
        for (int i = 0; i < sent; i++) {
            sender.send(topic, "{\"n\":" + i + "}");
        }

        // The subscriber's client takes at most its prefetch (100); the rest waits at the broker.
        await().atMost(DELIVERY).until(() -> observer.undelivered(topic).orElse(-1) >= sent - 101);
        release.countDown();
        await().atMost(DELIVERY).until(() -> received.get() == sent);
        await().atMost(DELIVERY).until(() -> observer.undelivered(topic).orElse(-1) == 0);
    }

    /**
     * A worker catches up with its queue again and again (each time its receive finds nothing
     * local). Qpid's default drains the link's credit at each such moment, and against Artemis that
     * now and then left the consumer without credit: it stalled with messages waiting.
     */
    @Test
    void anIdempotentSubscriberThatCatchesUpAgainAndAgainNeverStalls() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("bursts"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribeIdempotent(queue, received::add);

        int bursts = 40;
        int perBurst = 100;
        for (int burst = 0; burst < bursts; burst++) {
            for (int i = 0; i < perBurst; i++) {
                sender.send(queue, "{\"burst\":" + burst + ",\"sequence\":" + i + "}");
            }
            for (int i = 0; i < perBurst; i++) {
                assertThat(poll(received).body()).isEqualTo("{\"burst\":" + burst + ",\"sequence\":" + i + "}");
            }
        }
    }

    /** What an idempotent subscriber had not acknowledged when its bus went goes to the next one, marked redelivered. */
    @Test
    void anIdempotentSubscriberThatGoesLosesNothingAndItsMessagesComeAgainMarkedRedelivered()
            throws InterruptedException {
        MessageBus sender = bus();
        MessageBus first = newBus();
        Destination queue = Destination.queue(unique("redelivery"));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        first.subscribeIdempotent(queue, message -> {
            // Takes the first message and never finishes it, as a worker that is killed.
            holding.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 5; i++) {
            sender.send(queue, "{\"n\":" + i + "}");
        }
        assertThat(holding.await(DELIVERY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        first.close();
        never.countDown();

        BlockingQueue<InboundMessage> second = new LinkedBlockingQueue<>();
        bus().subscribeIdempotent(queue, second::add);
        InboundMessage redelivered = second.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(redelivered).isNotNull();
        assertThat(redelivered.body()).isEqualTo("{\"n\":0}");
        assertThat(redelivered.redelivered()).isTrue();
        for (int i = 1; i < 5; i++) {
            InboundMessage next = second.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).isNotNull();
            assertThat(next.body()).isEqualTo("{\"n\":" + i + "}");
        }
    }
}
