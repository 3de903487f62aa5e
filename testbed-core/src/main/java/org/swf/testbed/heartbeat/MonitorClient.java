package org.swf.testbed.heartbeat;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.swf.testbed.config.TestbedEnvironment;

/**
 * POSTs heartbeats to the swf-monitor REST API ({@code /api/systemagents/heartbeat/}) when
 * {@code SWF_MONITOR_HTTP_URL} is set, with {@code Authorization: Token $SWF_API_TOKEN}.
 * Posting is asynchronous and never blocks or fails the agent.
 */
public final class MonitorClient {

    private static final System.Logger LOG = System.getLogger(MonitorClient.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI heartbeatUri;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final AtomicReference<CompletableFuture<?>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));

    /**
     * @param baseUrl the monitor's base URL, e.g. {@code http://localhost:8002}
     * @param token the API token, or null
     */
    public MonitorClient(String baseUrl, String token) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.heartbeatUri = URI.create(base + "/api/systemagents/heartbeat/");
        this.token = token;
    }

    /**
     * @param environment the process environment
     * @return a client when {@code SWF_MONITOR_HTTP_URL} is set
     */
    public static Optional<MonitorClient> fromEnvironment(TestbedEnvironment environment) {
        return environment.monitorUrl().map(url -> new MonitorClient(url, environment.apiToken().orElse(null)));
    }

    /** @param json the heartbeat JSON */
    public void post(String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(heartbeatUri)
                .timeout(TIMEOUT)
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

    /** Waits (briefly) for the last POST, so the exit heartbeat leaves before the process does. */
    public void flush() {
        try {
            last.get().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Last heartbeat POST did not complete: {0}", e.toString());
        }
    }
}
