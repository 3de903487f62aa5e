package org.swf.testbed.messaging;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.MessageBusContract;

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
}
