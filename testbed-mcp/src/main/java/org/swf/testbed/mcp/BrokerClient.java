package org.swf.testbed.mcp;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBusFactory;
import org.swf.testbed.protocol.CommandRefusedException;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.MalformedMessageException;

/**
 * The MCP server's one broker connection, opened at the first tool call and opened again when it
 * was lost, so a broker that is down when the server starts, or restarts later, costs no restart
 * of the server. A broker that cannot be reached fails the call within the connect timeout.
 */
final class BrokerClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BrokerClient.class.getName());

    private final MessageBusFactory factory;
    private final BrokerEndpoint endpoint;
    private final String clientName;
    private final Duration connectTimeout;
    private MessageBus bus; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param factory opens connections
     * @param url the broker URL, connected to anonymously
     * @param clientName who connects, for the broker's log
     * @param connectTimeout the longest a connection attempt may take
     */
    BrokerClient(MessageBusFactory factory, String url, String clientName, Duration connectTimeout) {
        this(factory, BrokerEndpoint.anonymous(url), clientName, connectTimeout);
    }

    /**
     * @param factory opens connections
     * @param endpoint the broker and the login to use there
     * @param clientName who connects, for the broker's log
     * @param connectTimeout the longest a connection attempt may take
     */
    BrokerClient(MessageBusFactory factory, BrokerEndpoint endpoint, String clientName, Duration connectTimeout) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.clientName = Objects.requireNonNull(clientName, "clientName");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /**
     * Runs one exchange with a consumer over the broker connection, connecting first when needed.
     *
     * @param destination the consumer's queue, for messages
     * @param exchange what to send and read, e.g. a typed client's call
     * @param <T> what the exchange returns
     * @return what it returned
     * @throws TestbedTimeoutException when no reply came in time (the caller knows who should
     *     have answered, so it words the fix)
     * @throws CommandRefusedException when the consumer answered with a failure
     * @throws MalformedMessageException when its answer could not be read
     * @throws ToolFailure when the broker cannot be reached or the request fails on it
     */
    <T> T exchange(Destination destination, Function<MessageBus, T> exchange) {
        MessageBus current = connected();
        try {
            return exchange.apply(current);
        } catch (TestbedTimeoutException | CommandRefusedException | MalformedMessageException e) {
            throw e;
        } catch (ServiceUnavailableException e) {
            discard(current);
            throw unreachable(e);
        } catch (TestbedException | IllegalStateException e) {
            // The connection broke under the request; the next call connects again.
            discard(current);
            throw new ToolFailure(ErrorCode.UNAVAILABLE, "The request to " + destination.stompAddress()
                    + " failed on the broker at " + redacted() + ": " + e.getMessage()
                    + ". Call the tool again; if it fails again, check that the broker runs", Map.of(),
                    List.of(), e);
        }
    }

    /** @return the broker URL without credentials, for messages */
    String redacted() {
        return endpoint.redactedUrl();
    }

    private MessageBus connected() {
        MessageBus stale;
        synchronized (this) {
            if (closed) {
                throw new ToolFailure(ErrorCode.UNAVAILABLE, "The MCP server is shutting down; start it again");
            }
            if (bus != null && bus.isConnected()) {
                return bus;
            }
            stale = bus;
            bus = null;
        }
        closeQuietly(stale);
        synchronized (this) {
            if (bus == null) {
                try {
                    bus = factory.connect(endpoint, clientName, connectTimeout);
                    LOG.log(Level.INFO, "Connected to the broker at {0}", redacted());
                } catch (ServiceUnavailableException e) {
                    throw unreachable(e);
                } catch (RuntimeException e) {
                    // e.g. a URL the client library refuses: nothing a retry would change.
                    throw new ToolFailure(ErrorCode.UNAVAILABLE, "Cannot connect to the message broker at " + redacted()
                            + ": " + e.getMessage() + ". Restart this MCP server with the broker's address: testbed"
                            + " mcp --broker-url amqp://HOST:PORT", Map.of("broker_url", redacted()), List.of(), e);
                }
            }
            return bus;
        }
    }

    private void discard(MessageBus broken) {
        synchronized (this) {
            if (bus != broken) {
                return;
            }
            bus = null;
        }
        closeQuietly(broken);
    }

    private ToolFailure unreachable(ServiceUnavailableException e) {
        return new ToolFailure(ErrorCode.UNAVAILABLE, "The message broker at " + redacted() + " is not reachable ("
                + rootReason(e) + "). Start it on the testbed machine (testbed agent-manager runs one when none"
                + " runs, or testbed broker), or restart this MCP server with the broker's address: testbed mcp"
                + " --broker-url URL", Map.of("broker_url", redacted()), List.of(), e);
    }

    private static String rootReason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null || cause.getMessage().isBlank() ? e.getMessage() : cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }

    private static void closeQuietly(MessageBus bus) {
        if (bus != null) {
            try {
                bus.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Closing a broken broker connection failed: {0}", e.toString());
            }
        }
    }

    /** Closes the connection; later calls fail with a tool error. */
    @Override
    public void close() {
        MessageBus last;
        synchronized (this) {
            closed = true;
            last = bus;
            bus = null;
        }
        closeQuietly(last);
    }
}
