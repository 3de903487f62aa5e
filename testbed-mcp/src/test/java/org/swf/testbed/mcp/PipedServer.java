package org.swf.testbed.mcp;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.port.InMemoryMessageBus;

/** A server serving one stdio session over pipes, with a raw JSON-RPC client at the other end. */
final class PipedServer implements AutoCloseable {

    /** Short waits, so that a missing consumer is reported within a test's patience. */
    static final ToolTimeouts FAST = new ToolTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1));

    final JsonRpcPipe client;
    final CompletableFuture<Void> serving;
    private final TestbedMcpServer server;

    PipedServer(TestbedMcpServer server) {
        this.server = server;
        try {
            PipedOutputStream clientOut = new PipedOutputStream();
            PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 16);
            PipedInputStream clientIn = new PipedInputStream(1 << 16);
            PipedOutputStream serverOut = new PipedOutputStream(clientIn);
            serving = CompletableFuture.runAsync(() -> {
                try (serverOut) {
                    server.serve(serverIn, serverOut);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            client = new JsonRpcPipe(clientOut, clientIn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param broker the in-memory broker the server's tools use
     * @param logDirectory the home's log directory, or null for a server without a home
     * @return a server of alice, version 9.9, serving a session
     */
    static PipedServer of(InMemoryMessageBus.Broker broker, Path logDirectory) {
        McpServerSettings settings = new McpServerSettings("amqp://127.0.0.1:1", "alice", "9.9", FAST);
        return new PipedServer(new TestbedMcpServer((url, name, timeout) -> broker.newBus(),
                logDirectory == null ? settings : settings.withLogDirectory(logDirectory)));
    }

    /** Closes the client's end (the server's stdin), waits until the server returns, closes it. */
    @Override
    public void close() throws Exception {
        client.close();
        serving.get(10, TimeUnit.SECONDS);
        server.close();
    }
}
