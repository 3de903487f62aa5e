package org.swf.testbed.messaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.swf.testbed.lifecycle.ShutdownBudget;

/**
 * How to reach the broker.
 *
 * <p>Credentials come from the caller (who reads them from the environment) and never appear in
 * logs, exception messages or {@link #toString()}. Over plain {@code amqp://} a client with a user
 * logs in only with SCRAM, which proves the password without sending it; over {@code amqps://}
 * the broker has proved itself with its certificate first, so any mechanism it offers is used.
 *
 * @param url {@code amqp://host:port}, {@code amqps://host:port} (optionally with Qpid transport
 *     options), or {@code failover:(amqp://a:5672,amqp://b:5672)}; a failover URL reconnects as
 *     it says, whatever {@code reconnect} is
 * @param user the user name, or null for an anonymous connection
 * @param password the password, or null
 * @param clientName who connects, for logs and thread names (e.g. {@code agent-manager})
 * @param connectTimeout the longest the first connection may take; null means 5 s
 * @param reconnect whether a connection lost later is re-established, forever, with back-off
 *     (for long-lived agents), instead of failing
 * @param caFile a PEM file with the CA certificates that {@code amqps://} brokers must be signed
 *     by, instead of the JVM's default trust store; null for the default. Host names are verified
 *     either way. Ignored for plain {@code amqp://}.
 * @param closeTimeout the longest {@link JmsMessageBus#close()} waits for the broker to confirm the
 *     close; null means {@link #DEFAULT_CLOSE_TIMEOUT}
 */
public record BusOptions(String url, String user, String password, String clientName, Duration connectTimeout,
        boolean reconnect, Path caFile, Duration closeTimeout) {

    /** The connect timeout used when none is given. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The close timeout used when none is given: the broker connection's share of the standard
     * shutdown budget, so a supervised program whose broker hangs still exits before SIGKILL.
     */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = ShutdownBudget.STANDARD.busClose();

    private static final Pattern PLAIN_URL = Pattern.compile("(?i)amqps?|amqpwss?");

    /** Validates the URL's form, the client name, the timeout and the CA file. */
    public BusOptions {
        if (url == null || url.isBlank() || url.chars().anyMatch(Character::isWhitespace)) {
            throw invalidUrl(url);
        }
        if (isFailover(url)) {
            if (!url.startsWith("failover:(") || url.indexOf(')') < 0) {
                throw invalidUrl(url);
            }
        } else {
            int colon = url.indexOf("://");
            if (colon <= 0 || !PLAIN_URL.matcher(url.substring(0, colon)).matches()
                    || url.length() == colon + 3) {
                throw invalidUrl(url);
            }
        }
        if (password != null && user == null) {
            throw new IllegalArgumentException("A broker password was given without a user name");
        }
        if (clientName == null || clientName.isBlank()) {
            throw new IllegalArgumentException("The bus client name must not be blank");
        }
        if (connectTimeout == null) {
            connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("The broker connect timeout must be positive, got " + connectTimeout);
        }
        if (closeTimeout == null) {
            closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        }
        if (closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("The broker close timeout must be positive, got " + closeTimeout);
        }
        if (caFile != null && (!Files.isRegularFile(caFile) || !Files.isReadable(caFile))) {
            throw new IllegalArgumentException("The broker CA file " + caFile + " is not a readable file. Set"
                    + " ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the PEM file with the broker's CA certificates");
        }
    }

    /**
     * Options with the {@linkplain #DEFAULT_CLOSE_TIMEOUT default close timeout}.
     *
     * @param url the broker URL
     * @param user the user name, or null
     * @param password the password, or null
     * @param clientName who connects
     * @param connectTimeout the longest the first connection may take; null means 5 s
     * @param reconnect whether a connection lost later is re-established
     * @param caFile a PEM file with the CA certificates to trust for {@code amqps://}, or null
     */
    public BusOptions(String url, String user, String password, String clientName, Duration connectTimeout,
            boolean reconnect, Path caFile) {
        this(url, user, password, clientName, connectTimeout, reconnect, caFile, null);
    }

    /**
     * Options without a CA file: {@code amqps://} brokers are checked against the JVM's default
     * trust store.
     *
     * @param url the broker URL
     * @param user the user name, or null
     * @param password the password, or null
     * @param clientName who connects
     * @param connectTimeout the longest the first connection may take; null means 5 s
     * @param reconnect whether a connection lost later is re-established
     */
    public BusOptions(String url, String user, String password, String clientName, Duration connectTimeout,
            boolean reconnect) {
        this(url, user, password, clientName, connectTimeout, reconnect, null);
    }

    /**
     * @param url the broker URL
     * @param clientName who connects
     * @return anonymous options with the default timeout and no reconnect
     */
    public static BusOptions of(String url, String clientName) {
        return new BusOptions(url, null, null, clientName, DEFAULT_CONNECT_TIMEOUT, false, null, null);
    }

    /**
     * @param newUser the user name, or null
     * @param newPassword the password, or null
     * @return these options with credentials
     */
    public BusOptions withCredentials(String newUser, String newPassword) {
        return new BusOptions(url, newUser, newPassword, clientName, connectTimeout, reconnect, caFile, closeTimeout);
    }

    /**
     * @param timeout the longest the first connection may take
     * @return these options with another connect timeout
     */
    public BusOptions withConnectTimeout(Duration timeout) {
        return new BusOptions(url, user, password, clientName, timeout, reconnect, caFile, closeTimeout);
    }

    /**
     * @param enabled whether to reconnect forever after the first connection
     * @return these options with reconnect on or off
     */
    public BusOptions withReconnect(boolean enabled) {
        return new BusOptions(url, user, password, clientName, connectTimeout, enabled, caFile, closeTimeout);
    }

    /**
     * @param file a PEM file with the CA certificates to trust for {@code amqps://}, or null for
     *     the JVM's default trust store
     * @return these options with that CA file
     */
    public BusOptions withCaFile(Path file) {
        return new BusOptions(url, user, password, clientName, connectTimeout, reconnect, file, closeTimeout);
    }

    /**
     * @param timeout the longest {@link JmsMessageBus#close()} waits for the broker
     * @return these options with another close timeout
     */
    public BusOptions withCloseTimeout(Duration timeout) {
        return new BusOptions(url, user, password, clientName, connectTimeout, reconnect, caFile, timeout);
    }

    /** @return the URL with anything that looks like a credential masked, for logs and messages */
    public String redactedUrl() {
        return QpidUrls.redact(url);
    }

    /** @return a description without credentials */
    @Override
    public String toString() {
        return "BusOptions[url=" + redactedUrl() + ", user=" + (user == null ? "none" : "***")
                + ", password=" + (password == null ? "none" : "***") + ", clientName=" + clientName
                + ", connectTimeout=" + connectTimeout + ", closeTimeout=" + closeTimeout + ", reconnect=" + reconnect
                + ", caFile=" + (caFile == null ? "default trust store" : caFile) + "]";
    }

    static boolean isFailover(String url) {
        return url.regionMatches(true, 0, "failover:", 0, "failover:".length());
    }

    private static IllegalArgumentException invalidUrl(String url) {
        return new IllegalArgumentException("Invalid broker URL '" + (url == null ? "" : QpidUrls.redact(url))
                + "': expected amqp://host:port, amqps://host:port or failover:(amqp://host:port,...)."
                + " Fix [broker] url");
    }
}
