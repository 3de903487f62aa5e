package org.swf.testbed.port;

import java.time.Duration;

/** Opens connections to a broker; the orchestrator opens one per operation and closes it after. */
public interface MessageBusFactory {

    /**
     * @param url the broker URL, e.g. {@code amqp://127.0.0.1:5672}
     * @param clientName who connects, for the broker's and our logs
     * @param timeout how long connecting may take
     * @return a connected bus
     * @throws org.swf.testbed.ServiceUnavailableException when the broker cannot be reached in time
     */
    MessageBus connect(String url, String clientName, Duration timeout);
}
