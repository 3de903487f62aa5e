package org.swf.testbed.config;

/**
 * Which broker the testbed uses. Without a {@code [broker] url} the testbed runs an embedded
 * broker as a supervised program on loopback; with one, it uses that broker.
 *
 * @param url the external broker's URL, or null for the embedded broker
 * @param amqpPort the embedded broker's AMQP port
 * @param stompPort the embedded broker's STOMP port
 */
public record BrokerSettings(String url, int amqpPort, int stompPort) {

    /** The standard AMQP port. */
    public static final int DEFAULT_AMQP_PORT = 5672;
    /** The standard STOMP port. */
    public static final int DEFAULT_STOMP_PORT = 61613;
    /** The embedded broker listens on loopback only. */
    public static final String EMBEDDED_HOST = "127.0.0.1";

    /** Checks the ports. */
    public BrokerSettings {
        requirePort(amqpPort, "amqp_port");
        requirePort(stompPort, "stomp_port");
        if (amqpPort == stompPort) {
            throw new IllegalArgumentException("[broker] amqp_port and stomp_port are both " + amqpPort
                    + ": give them different ports");
        }
    }

    /** @return the embedded broker on the standard ports */
    public static BrokerSettings embeddedDefault() {
        return new BrokerSettings(null, DEFAULT_AMQP_PORT, DEFAULT_STOMP_PORT);
    }

    /** @return whether the testbed starts its own broker */
    public boolean embedded() {
        return url == null;
    }

    /** @return the URL clients connect to */
    public String amqpUrl() {
        return embedded() ? "amqp://" + EMBEDDED_HOST + ":" + amqpPort : url;
    }

    private static void requirePort(int port, String key) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("[broker] " + key + " = " + port + " is not a port: use 1 to 65535");
        }
    }
}
