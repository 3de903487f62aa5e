package org.swf.testbed.agents.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Serves the {@link MonitorApi} over HTTP on the loopback interface only, with the JDK's own HTTP
 * server: the workflow runner runs it for as long as it serves the home's agents. Bound to
 * 127.0.0.1, so no other host can reach it, and every request from anything but a loopback
 * address is refused besides; on the host itself, the home's token keeps other users out.
 */
public final class MonitorApiServer implements AutoCloseable {

    /** Requests larger than this are refused: agents send a few hundred bytes. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final System.Logger LOG = System.getLogger(MonitorApiServer.class.getName());
    private static final int THREADS = 2;

    private final HttpServer server;
    private final ExecutorService executor;
    private final MonitorApi api;
    private final JsonCodec codec;

    private MonitorApiServer(HttpServer server, ExecutorService executor, MonitorApi api, JsonCodec codec) {
        this.server = server;
        this.executor = executor;
        this.api = api;
        this.codec = codec;
    }

    /**
     * Starts serving, or says loudly why it cannot: the runner carries on without the API (its
     * own agents need none), and agents that need it keep retrying, as BaseAgent does.
     *
     * @param port the loopback port the launcher chose (0 for any free port)
     * @param api the endpoints
     * @param codec the JSON codec
     * @return the running server, or empty when the port cannot be bound
     */
    public static Optional<MonitorApiServer> start(int port, MonitorApi api, JsonCodec codec) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "Cannot serve the monitor API on " + InetAddress.getLoopbackAddress().getHostAddress()
                    + ":" + port + " (" + e.getMessage() + "). Agents written on the original's BaseAgent will wait"
                    + " for it and never start; the built-in agents are not affected. Stop the program holding the"
                    + " port, then 'testbed stop-agents' and 'testbed run' (which chooses a free port)");
            return Optional.empty();
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "monitor-api");
            thread.setDaemon(true);
            return thread;
        });
        MonitorApiServer started = new MonitorApiServer(server, executor, api, codec);
        server.createContext("/", started::exchange);
        server.setExecutor(executor);
        server.start();
        LOG.log(Level.INFO, "Serving the monitor API on {0}", "http://" + server.getAddress().getAddress()
                .getHostAddress() + ":" + server.getAddress().getPort());
        return Optional.of(started);
    }

    /** @return the port it serves on */
    public int port() {
        return server.getAddress().getPort();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            MonitorApi.Answer answer;
            if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
                answer = new MonitorApi.Answer(403, Map.of("detail",
                        "The testbed's monitor API answers this host only."));
            } else {
                byte[] body = readBody(exchange.getRequestBody());
                answer = body == null ? new MonitorApi.Answer(413, Map.of("detail", "Request body larger than "
                        + MAX_BODY_BYTES + " bytes."))
                        : api.answer(new MonitorApi.Request(exchange.getRequestMethod(), exchange.getRequestURI()
                                .getRawPath(), exchange.getRequestHeaders().getFirst("Authorization"),
                                new String(body, StandardCharsets.UTF_8)));
            }
            byte[] json = codec.encode(answer.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (answer.status() == 403 || answer.status() == 401) {
                // As DRF says it for a token-authenticated API.
                exchange.getResponseHeaders().set("WWW-Authenticate", "Token");
            }
            exchange.sendResponseHeaders(answer.status(), json.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(json);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "A monitor API request failed: {0}", e.toString());
        }
    }

    /** @return the body, or null when it is larger than {@link #MAX_BODY_BYTES} */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    /** Stops serving at once: agents still calling get connection errors and retry. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
