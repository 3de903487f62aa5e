package org.swf.testbed.broker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Where the embedded broker listens, whether it keeps messages on disk, who may log in and
 * whether AMQP uses TLS.
 *
 * <p>Without {@link #security()} the broker lets anyone in, so it may only listen on a loopback
 * address: any other host is refused here rather than silently exposing an unauthenticated broker.
 * That mode is for tests inside one process; a testbed home's broker always has security.
 *
 * @param host the address to listen on, e.g. {@code 127.0.0.1}; a loopback address unless
 *     {@code security} is set
 * @param amqpPort the AMQP 1.0 port (Qpid JMS clients)
 * @param stompPort the STOMP port (the original Python agents)
 * @param dataDir the directory for the journal, or null to keep everything in memory
 * @param security who may log in and what they may do, or null for no login at all
 * @param tls the broker's TLS identity, making the AMQP port TLS-only, or null for plain AMQP
 */
public record BrokerOptions(String host, int amqpPort, int stompPort, Path dataDir, BrokerSecurity security,
        BrokerTls tls) {

    /** The address the broker listens on unless configured. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The standard AMQP port. */
    public static final int DEFAULT_AMQP_PORT = 5672;
    /** The standard STOMP port. */
    public static final int DEFAULT_STOMP_PORT = 61613;

    /** Requires two distinct ports in 1..65535, and a loopback host when security is off. */
    public BrokerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("Broker host must not be blank; use " + DEFAULT_HOST);
        }
        if (security == null) {
            requireLoopback(host);
        }
        requirePort("amqp_port", amqpPort);
        requirePort("stomp_port", stompPort);
        if (amqpPort == stompPort) {
            throw new IllegalArgumentException("[broker] amqp_port and stomp_port must differ, both are " + amqpPort);
        }
    }

    /**
     * Options without security and without TLS.
     *
     * @param host the loopback address to listen on
     * @param amqpPort the AMQP 1.0 port
     * @param stompPort the STOMP port
     * @param dataDir the journal directory, or null to keep everything in memory
     */
    public BrokerOptions(String host, int amqpPort, int stompPort, Path dataDir) {
        this(host, amqpPort, stompPort, dataDir, null, null);
    }

    /**
     * @return the standard options: 127.0.0.1, AMQP 5672, STOMP 61613, no persistence, no
     *     security, no TLS
     */
    public static BrokerOptions defaults() {
        return new BrokerOptions(DEFAULT_HOST, DEFAULT_AMQP_PORT, DEFAULT_STOMP_PORT, null);
    }

    /**
     * @param amqp the AMQP port
     * @param stomp the STOMP port
     * @return these options listening on other ports
     */
    public BrokerOptions withPorts(int amqp, int stomp) {
        return new BrokerOptions(host, amqp, stomp, dataDir, security, tls);
    }

    /**
     * @param directory the journal directory, or null for no persistence
     * @return these options with persistence under {@code directory}
     */
    public BrokerOptions withDataDir(Path directory) {
        return new BrokerOptions(host, amqpPort, stompPort, directory, security, tls);
    }

    /**
     * @param newSecurity who may log in and what they may do, or null for no login
     * @return these options with that security
     */
    public BrokerOptions withSecurity(BrokerSecurity newSecurity) {
        return new BrokerOptions(host, amqpPort, stompPort, dataDir, newSecurity, tls);
    }

    /**
     * @param newTls the broker's TLS identity, or null for plain AMQP
     * @return these options with that TLS setting
     */
    public BrokerOptions withTls(BrokerTls newTls) {
        return new BrokerOptions(host, amqpPort, stompPort, dataDir, security, newTls);
    }

    /** @return whether messages survive a broker restart */
    public boolean persistent() {
        return dataDir != null;
    }

    private static void requirePort(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("[broker] " + key + " must be between 1 and 65535, got " + port);
        }
    }

    private static void requireLoopback(String host) {
        InetAddress address;
        try {
            // For an IP literal or "localhost" this resolves locally, without DNS.
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Broker host '" + host + "' is not a known address; use " + DEFAULT_HOST, e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("The embedded broker without security has no authentication, so it"
                    + " listens only on loopback; '" + host + "' is not a loopback address. Use " + DEFAULT_HOST
                    + ", give the broker users (BrokerSecurity), or run a secured broker and set [broker] url");
        }
    }
}
