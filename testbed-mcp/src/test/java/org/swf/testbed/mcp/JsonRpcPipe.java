package org.swf.testbed.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client end of a stdio MCP session, speaking raw JSON-RPC lines, so a test sees exactly what
 * the server writes (every line must be a JSON-RPC message). Notifications from the server are
 * kept apart from responses, in the order they arrived.
 */
final class JsonRpcPipe implements AutoCloseable {

    private static final TypeRef<Map<String, Object>> OBJECT = new TypeRef<>() {
    };

    private final McpJsonMapper mapper = McpJsonDefaults.getMapper();
    private final OutputStream toServer;
    private final BlockingQueue<Map<String, Object>> responses = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> notifications = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Thread reader;

    JsonRpcPipe(OutputStream toServer, InputStream fromServer) {
        this.toServer = toServer;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    Map<String, Object> message = mapper.readValue(line, OBJECT);
                    if (message.containsKey("method") && !message.containsKey("id")) {
                        notifications.add(message);
                    } else {
                        responses.add(message);
                    }
                }
            } catch (IOException e) {
                // the server's end closed
            }
        }, "json-rpc-pipe-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends a request and returns its response. */
    Map<String, Object> request(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", id);
        request.put("method", method);
        request.put("params", params);
        send(json(request));
        return await(id, Duration.ofSeconds(10));
    }

    /** Sends a notification. */
    void notify(String method) {
        send(json(Map.of("jsonrpc", "2.0", "method", method)));
    }

    /** Sends a raw line. */
    void send(String line) {
        try {
            toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            toServer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the response with {@code id} (null: an error response without id). */
    Map<String, Object> await(Object id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Map<String, Object> response = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (response == null) {
                    throw new AssertionError("No response with id " + id + " within " + timeout + "; got " + lines);
                }
                Object got = response.get("id");
                if (id == null ? got == null : got instanceof Number n && n.intValue() == ((Number) id).intValue()) {
                    return response;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Initializes the session as a client would. */
    Map<String, Object> initialize() {
        Map<String, Object> response = request("initialize", Map.of("protocolVersion", "2025-06-18",
                "capabilities", Map.of(), "clientInfo", Map.of("name", "test", "version", "1")));
        notify("notifications/initialized");
        return response;
    }

    /** Calls a tool and returns the {@code result} object. */
    Map<String, Object> callTool(String name, Map<String, Object> arguments) {
        return callTool(name, arguments, null);
    }

    /**
     * Calls a tool with a progress token and returns the {@code result} object.
     *
     * @param progressToken sent as the request's {@code _meta.progressToken}; null for none
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> callTool(String name, Map<String, Object> arguments, Object progressToken) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("arguments", arguments);
        if (progressToken != null) {
            params.put("_meta", Map.of("progressToken", progressToken));
        }
        Map<String, Object> response = request("tools/call", params);
        if (response.get("result") == null) {
            throw new AssertionError("tools/call " + name + " failed: " + response);
        }
        return (Map<String, Object>) response.get("result");
    }

    /**
     * @param method e.g. {@code notifications/progress}
     * @return the {@code params} of every notification of that method received so far, oldest first
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> notifications(String method) {
        return notifications.stream().filter(n -> method.equals(n.get("method")))
                .map(n -> (Map<String, Object>) n.getOrDefault("params", Map.of())).toList();
    }

    /** @return every line the server wrote so far */
    List<String> lines() {
        return List.copyOf(lines);
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        toServer.close();
    }
}
