package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.MessageBusContract;
import org.swf.testbed.protocol.Destination;

/** The port's contract against the AMQP adapter and a real embedded Artemis. */
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

    @Test
    void requestReplyAddressIsATemporaryQueueTheResponderCanAnswer() throws InterruptedException {
        MessageBus requester = bus();
        MessageBus responder = bus();
        Destination control = Destination.queue(unique("control"));
        BlockingQueue<InboundMessage> requests = new LinkedBlockingQueue<>();
        responder.subscribe(control, in -> {
            requests.add(in);
            responder.send(in.replyTo(), "{\"success\":true}", null, in.correlationId());
        });

        InboundMessage reply = requester.request(control, "{\"command\":\"ping\"}", DELIVERY);

        InboundMessage request = poll(requests);
        assertThat(request.replyTo().kind()).isEqualTo(Destination.Kind.QUEUE);
        assertThat(reply.destination()).isEqualTo(request.replyTo());
        assertThat(reply.body()).isEqualTo("{\"success\":true}");
    }

    @Test
    void subscriptionCanBeClosedFromItsOwnListener() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("one-shot"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        MessageBus.Subscription[] self = new MessageBus.Subscription[1];
        self[0] = receiver.subscribe(queue, in -> {
            received.add(in);
            self[0].close();
        });

        sender.send(queue, "{\"n\":1}");
        assertThat(poll(received).body()).isEqualTo("{\"n\":1}");
        sender.send(queue, "{\"n\":2}");

        // The second message stays queued for the next subscriber.
        BlockingQueue<InboundMessage> next = new LinkedBlockingQueue<>();
        bus().subscribe(queue, next::add);
        assertThat(poll(next).body()).isEqualTo("{\"n\":2}");
        assertThat(received).isEmpty();
    }

    @Test
    void busCanBeClosedFromItsOwnListener() throws InterruptedException {
        MessageBus receiver = newBus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("stop-command"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribe(queue, in -> {
            receiver.close();
            received.add(in);
        });

        sender.send(queue, "{\"command\":\"stop\"}");

        assertThat(poll(received).body()).isEqualTo("{\"command\":\"stop\"}");
        assertThat(receiver.isConnected()).isFalse();
    }
}
