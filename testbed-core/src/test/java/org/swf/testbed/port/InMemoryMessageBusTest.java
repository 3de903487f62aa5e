package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.protocol.Destination;

/** The in-memory bus passes the port's contract, and offers tests a record of what was sent and outages. */
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
    void decodesWhatWasSentAndSendsEncoded() {
        Destination topic = Destination.topic("epictopic");
        InMemoryMessageBus bus = broker.newBus();
        bus.sendJson(topic, Map.of("msg_type", "stf_gen", "sequence", 1));
        bus.sendJson(topic, Map.of("msg_type", "end_run"));

        assertThat(broker.sentFields(topic)).extracting(m -> m.get("msg_type")).containsExactly("stf_gen", "end_run");
        assertThat(broker.sentFields(topic, "stf_gen")).singleElement().satisfies(m ->
                assertThat(m).containsEntry("sequence", 1));
        bus.close();
    }

    @Test
    void brokerThatDoesNotRecordRefusesToShowARecord() throws InterruptedException {
        InMemoryMessageBus.Broker lean = InMemoryMessageBus.Broker.notRecording();
        InMemoryMessageBus sender = lean.newBus();
        InMemoryMessageBus receiver = lean.newBus();
        try (sender; receiver) {
            Destination queue = Destination.queue(unique("unrecorded"));
            BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
            receiver.subscribe(queue, received::add);
            sender.send(queue, "{}");

            assertThat(poll(received).body()).isEqualTo("{}");
            // An empty list would let "nothing was sent" assertions pass on a broker that never looked.
            assertThatThrownBy(lean::sent).isInstanceOf(IllegalStateException.class).hasMessageContaining("record");
            assertThatThrownBy(() -> lean.sentFields(queue)).isInstanceOf(IllegalStateException.class);
        }
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

        assertThatThrownBy(() -> sender.subscribe(queue, in -> { })).isInstanceOf(ServiceUnavailableException.class);
        assertThatThrownBy(() -> sender.request(queue, "{}", DELIVERY)).isInstanceOf(ServiceUnavailableException.class);

        broker.setAvailable(true);
        assertThat(receiver.isConnected()).isTrue();
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
