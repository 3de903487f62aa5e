package org.swf.testbed.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;

/** Heartbeats go on the topic while the bus is up; one written while it is down is not attempted there. */
class HeartbeatPublisherTest {

    private final JsonCodec codec = new JsonCodec();
    private final InMemoryMessageBus bus = new InMemoryMessageBus();
    private final HeartbeatSender sender = new HeartbeatSender("data-agent-alice-7", "DATA", 7, "host", "data-agent");
    private final HeartbeatPublisher publisher = new HeartbeatPublisher(bus, codec, Optional.empty());

    @Test
    void sendsOnTheHeartbeatTopicWhenConnected() {
        publisher.publish(sender.agent(OperationalState.READY, "n", bus.isConnected()));

        assertThat(bus.broker().sent(Destinations.HEARTBEATS)).singleElement()
                .satisfies(message -> assertThat(codec.decodeObject(message.body()))
                        .containsEntry("instance_name", "data-agent-alice-7").containsEntry("mq_connected", true));
    }

    @Test
    void neitherSendsNorThrowsWhileTheBrokerIsDown() {
        bus.broker().setAvailable(false);
        publisher.publish(sender.agent(OperationalState.READY, "n", bus.isConnected()));
        // A heartbeat that claims a connection the bus no longer has fails to send: logged, not thrown.
        publisher.publish(sender.agent(OperationalState.READY, "n", true));
        publisher.flush();

        assertThat(bus.broker().sent(Destinations.HEARTBEATS)).isEmpty();
    }
}
