package org.swf.testbed.messaging;

import java.time.Duration;
import java.util.Objects;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.MessageBusFactory;

/** Connects {@link JmsMessageBus}es to a broker endpoint: its URL, login and trusted CAs. */
public final class JmsMessageBusFactory implements MessageBusFactory {

    private final Duration closeTimeout;

    /** Buses close within {@link BusOptions#DEFAULT_CLOSE_TIMEOUT}. */
    public JmsMessageBusFactory() {
        this(BusOptions.DEFAULT_CLOSE_TIMEOUT);
    }

    /** @param closeTimeout the longest each bus's {@code close()} waits for the broker */
    public JmsMessageBusFactory(Duration closeTimeout) {
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    @Override
    public MessageBus connect(BrokerEndpoint endpoint, String clientName, Duration timeout) {
        return JmsMessageBus.connect(options(endpoint, clientName, timeout, false));
    }

    /**
     * Connects a bus for a long-lived process: the first connection is bounded by
     * {@code timeout}, a connection lost later is re-established forever.
     *
     * @param endpoint the broker's URL and login
     * @param clientName who connects
     * @param timeout the longest the first connection may take
     * @return a connected, self-reconnecting bus
     */
    public MessageBus connectReconnecting(BrokerEndpoint endpoint, String clientName, Duration timeout) {
        return JmsMessageBus.connect(options(endpoint, clientName, timeout, true));
    }

    private BusOptions options(BrokerEndpoint endpoint, String clientName, Duration timeout, boolean reconnect) {
        return new BusOptions(endpoint.url(), endpoint.user(), endpoint.password(), clientName, timeout, reconnect,
                endpoint.caFile(), closeTimeout);
    }
}
