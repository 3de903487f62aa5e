package org.swf.testbed.config;

import java.nio.file.Path;

/**
 * Which broker the testbed uses. Without a {@code [broker] url} the testbed runs an embedded
 * broker of its home as a supervised program on loopback; with one, it uses that broker.
 *
 * @param url the external broker's URL, or null for the embedded broker
 * @param amqpPort the embedded broker's AMQP port (the standard one unless configured)
 * @param stompPort the embedded broker's STOMP port (the standard one unless configured)
 * @param portsConfigured whether the config names the embedded broker's ports: then exactly those
 *     are used, otherwise the standard ports when free and ports of the home's own when not
 * @param caFile the CA certificates (PEM) to trust for an {@code amqps://} broker, or null for the
 *     JVM's default trust store
 */
public record BrokerSettings(String url, int amqpPort, int stompPort, boolean portsConfigured, Path caFile) {

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

    /**
     * @param url the external broker's URL, or null for the embedded broker
     * @param amqpPort the embedded broker's AMQP port, as configured
     * @param stompPort the embedded broker's STOMP port, as configured
     */
    public BrokerSettings(String url, int amqpPort, int stompPort) {
        this(url, amqpPort, stompPort, true, null);
    }

    /** @return the embedded broker, on the standard ports when they are free */
    public static BrokerSettings embeddedDefault() {
        return new BrokerSettings(null, DEFAULT_AMQP_PORT, DEFAULT_STOMP_PORT, false, null);
    }

    /** @return whether the testbed starts its own broker */
    public boolean embedded() {
        return url == null;
    }

    /**
     * @return the URL clients connect to: the external broker's, or the embedded broker's at its
     *     configured or standard port (the port a home's broker really uses is recorded in the
     *     home: see {@link org.swf.testbed.access.BrokerAccess})
     */
    public String amqpUrl() {
        return embedded() ? embeddedUrl(amqpPort) : url;
    }

    /**
     * @param port the embedded broker's AMQP port
     * @return the URL of the embedded broker at that port
     */
    public static String embeddedUrl(int port) {
        return "amqp://" + EMBEDDED_HOST + ":" + port;
    }

    private static void requirePort(int port, String key) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("[broker] " + key + " = " + port + " is not a port: use 1 to 65535");
        }
    }
}
