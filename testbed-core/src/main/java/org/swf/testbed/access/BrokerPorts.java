package org.swf.testbed.access;

/**
 * Where a home's embedded broker listens on loopback.
 *
 * @param amqpPort the AMQP 1.0 port (our programs)
 * @param stompPort the STOMP port (the original Python agents)
 */
public record BrokerPorts(int amqpPort, int stompPort) {

    /** Requires two distinct ports in 1..65535. */
    public BrokerPorts {
        if (amqpPort < 1 || amqpPort > 65535 || stompPort < 1 || stompPort > 65535 || amqpPort == stompPort) {
            throw new IllegalArgumentException("Broker ports must be two different ports in 1..65535, got AMQP "
                    + amqpPort + " and STOMP " + stompPort);
        }
    }
}
