package org.swf.testbed.port;

import java.time.Duration;

/** Opens connections to a broker; the orchestrator opens one per operation and closes it after. */
public interface MessageBusFactory {

    /**
     * @param endpoint the broker's URL and credentials
     * @param clientName who connects, for the broker's and our logs
     * @param timeout how long connecting may take
     * @return a connected bus
     * @throws org.swf.testbed.ServiceUnavailableException when the broker cannot be reached in time,
     *     or refuses the login
     */
    MessageBus connect(BrokerEndpoint endpoint, String clientName, Duration timeout);
}
