package org.swf.testbed.heartbeat;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.lifecycle.ShutdownBudget;

/**
 * POSTs heartbeats to the swf-monitor REST API ({@code /api/systemagents/heartbeat/}) when
 * {@code SWF_MONITOR_HTTP_URL} is set, with {@code Authorization: Token $SWF_API_TOKEN}.
 * Posting is asynchronous and never blocks or fails the agent.
 *
 * <p>Every POST is bounded by the client's timeout, connecting and awaiting the answer alike, so a
 * monitor that accepts connections and never answers holds no request longer than that; and
 * {@link #flush(Duration)} waits for the last one no longer than its deadline, so such a monitor
 * cannot hold up a program's shutdown either.
 */
public final class MonitorClient {

    /** The timeout of a client made without one: the monitor share of the standard shutdown budget. */
    public static final Duration DEFAULT_TIMEOUT = ShutdownBudget.STANDARD.monitorFlush();

    private static final System.Logger LOG = System.getLogger(MonitorClient.class.getName());

    private final URI heartbeatUri;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;
    private final AtomicReference<CompletableFuture<?>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));

    /**
     * @param baseUrl the monitor's base URL, e.g. {@code http://localhost:8002}
     * @param token the API token, or null
     */
    public MonitorClient(String baseUrl, String token) {
        this(baseUrl, token, DEFAULT_TIMEOUT);
    }

    /**
     * @param baseUrl the monitor's base URL, e.g. {@code http://localhost:8002}
     * @param token the API token, or null
     * @param timeout the longest a POST may take to connect, and to be answered once sent; also
     *     how long {@link #flush()} waits
     */
    public MonitorClient(String baseUrl, String token, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The monitor timeout must be positive, got " + timeout);
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.heartbeatUri = URI.create(base + "/api/systemagents/heartbeat/");
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * @param environment the process environment
     * @return a client with the {@linkplain #DEFAULT_TIMEOUT default timeout} when
     *     {@code SWF_MONITOR_HTTP_URL} is set
     */
    public static Optional<MonitorClient> fromEnvironment(TestbedEnvironment environment) {
        return fromEnvironment(environment, DEFAULT_TIMEOUT);
    }

    /**
     * @param environment the process environment
     * @param timeout the longest a POST may take to connect, and to be answered once sent
     * @return a client when {@code SWF_MONITOR_HTTP_URL} is set and is not the monitor API the
     *     testbed serves itself: that one turns POSTed heartbeats into broker heartbeats, which our
     *     own programs send already, so posting there would report them twice
     */
    public static Optional<MonitorClient> fromEnvironment(TestbedEnvironment environment, Duration timeout) {
        if (environment.ownMonitorPort().isPresent()) {
            return Optional.empty();
        }
        return environment.monitorUrl().map(url -> new MonitorClient(url, environment.apiToken().orElse(null), timeout));
    }

    /** @param json the heartbeat JSON */
    public void post(String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(heartbeatUri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Token " + token);
        }
        last.set(http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "Heartbeat POST to {0} failed: {1}", heartbeatUri, failure.getMessage());
                    } else if (response.statusCode() >= 300) {
                        LOG.log(Level.WARNING, "Heartbeat POST to {0} answered HTTP {1}", heartbeatUri,
                                response.statusCode());
                    }
                }));
    }

    /** Waits at most the client's timeout for the last POST, so the exit heartbeat leaves before the process does. */
    public void flush() {
        flush(timeout);
    }

    /**
     * Waits for the last POST, so the exit heartbeat leaves before the process does, but never
     * longer than {@code deadline}: a monitor that does not answer must not delay a shutdown
     * beyond its share of the budget. A POST still open then is abandoned with the process.
     *
     * @param deadline the longest to wait
     * @return whether the last POST completed (answered or failed) within the deadline
     */
    public boolean flush(Duration deadline) {
        try {
            last.get().get(Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | CancellationException e) {
            return true; // completed: its failure is logged where it happened
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "The monitor at {0} did not answer the last heartbeat within {1} ms; shutting down"
                    + " without its answer", heartbeatUri, deadline.toMillis());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
