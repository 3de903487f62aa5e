package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.protocol.Destination;

class InMemoryMessageBusTest extends MessageBusContract {

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();

    @Override
    protected MessageBus newBus() {
        return broker.newBus();
    }

    @Test
    void recordsWhatWasSent() {
        Destination topic = Destination.topic("epictopic");
        bus().send(topic, "{\"msg_type\":\"stf_gen\"}");

        assertThat(broker.sent(topic)).extracting(InboundMessage::body).containsExactly("{\"msg_type\":\"stf_gen\"}");
        assertThat(broker.sent()).hasSize(1);
    }

    @Test
    void countsMessagesWaitingInAQueue() {
        Destination queue = Destination.queue(unique("waiting"));
        bus().send(queue, "{}");
        bus().send(queue, "{}");

        assertThat(broker.waiting(queue)).isEqualTo(2);
    }

    @Test
    void outageRefusesSendsAndSubscriptionsSurviveIt() throws InterruptedException {
        MessageBus receiver = bus();
        MessageBus sender = bus();
        Destination queue = Destination.queue(unique("outage"));
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        receiver.subscribe(queue, received::add);

        broker.setAvailable(false);
        assertThat(receiver.isConnected()).isFalse();
        assertThatThrownBy(() -> sender.send(queue, "{}")).isInstanceOf(ServiceUnavailableException.class);

        broker.setAvailable(true);
        sender.send(queue, "{\"n\":1}");
        assertThat(poll(received).body()).isEqualTo("{\"n\":1}");
    }

    @Test
    void viewsShareTheBroker() throws InterruptedException {
        InMemoryMessageBus first = new InMemoryMessageBus();
        InMemoryMessageBus second = first.newView();
        try (first; second) {
            Destination queue = Destination.queue(unique("view"));
            BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
            second.subscribe(queue, received::add);
            first.send(queue, "{}");
            assertThat(poll(received).body()).isEqualTo("{}");
            assertThat(second.broker()).isSameAs(first.broker());
        }
    }
}
