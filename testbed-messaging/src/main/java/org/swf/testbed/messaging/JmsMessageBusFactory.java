package org.swf.testbed.messaging;

import java.time.Duration;
import java.util.Map;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.MessageBusFactory;

/**
 * Connects {@link JmsMessageBus}es with the credentials of the environment, under the original
 * agents' names: {@code ACTIVEMQ_USER} and {@code ACTIVEMQ_PASSWORD} (both optional).
 */
public final class JmsMessageBusFactory implements MessageBusFactory {

    private final String user;
    private final String password;

    /** @param environment the process environment, for the broker credentials */
    public JmsMessageBusFactory(Map<String, String> environment) {
        this.user = blankToNull(environment.get("ACTIVEMQ_USER"));
        this.password = user == null ? null : blankToNull(environment.get("ACTIVEMQ_PASSWORD"));
    }

    @Override
    public MessageBus connect(String url, String clientName, Duration timeout) {
        return JmsMessageBus.connect(options(url, clientName, timeout, false));
    }

    /**
     * Connects a bus for a long-lived process: the first connection is bounded by
     * {@code timeout}, a connection lost later is re-established forever.
     *
     * @param url the broker URL
     * @param clientName who connects
     * @param timeout the longest the first connection may take
     * @return a connected, self-reconnecting bus
     */
    public MessageBus connectReconnecting(String url, String clientName, Duration timeout) {
        return JmsMessageBus.connect(options(url, clientName, timeout, true));
    }

    private BusOptions options(String url, String clientName, Duration timeout, boolean reconnect) {
        return new BusOptions(url, user, password, clientName, timeout, reconnect);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
