package org.swf.testbed.cli;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.swf.testbed.mcp.StrictResultValidator;
import reactor.core.publisher.Mono;

/**
 * {@code bin/testbed mcp} as a separate process, driven by the MCP Java SDK's client over stdio, as
 * an assistant's MCP client would drive it, and checked as a validating client checks it: after
 * {@code tools/list}, every result of every call, success or error, must pass
 * {@link StrictResultValidator} against the tool's advertised output schema. Progress
 * notifications and log messages the server sends are kept for the test to read.
 */
final class McpClientProcess implements AutoCloseable {

    final McpSyncClient client;
    private final StrictResultValidator validator;
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
    private final List<LoggingMessageNotification> logMessages = new CopyOnWriteArrayList<>();

    McpClientProcess(TestUser user, Map<String, String> environment, Duration requestTimeout, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(TestUser.launcher().toString()));
        command.addAll(List.of(arguments));
        command = user.command(command);
        ServerParameters parameters = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size())).env(environment).build();
        StdioClientTransport transport = new StdioClientTransport(parameters, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> {
            stderr.add(line);
            System.err.println("[testbed mcp] " + line);
        });
        // The client checks each structured result against the tool's output schema. Progress is
        // kept in the order it came over the wire: the SDK hands each notification to its consumer
        // on a thread of its own, so a consumer sees two that come close together in either order.
        client = McpClient.sync(new WireOrder(transport, progress::add)).requestTimeout(requestTimeout)
                .initializationTimeout(Duration.ofSeconds(30)).enableCallToolSchemaCaching(true)
                .loggingConsumer(logMessages::add).build();
        client.initialize();
        validator = new StrictResultValidator(client.listTools().tools());
        if (!validator.schemaProblems().isEmpty()) {
            throw new AssertionError(String.join("\n", validator.schemaProblems()));
        }
    }

    /** A finished call, with how long the client waited for it. */
    record Call(CallToolResult result, Duration took) {

        boolean isError() {
            return Boolean.TRUE.equals(result.isError());
        }

        String text() {
            return ((TextContent) result.content().get(0)).text();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> structured() {
            return (Map<String, Object>) result.structuredContent();
        }
    }

    Call call(String tool, Map<String, Object> arguments) {
        return call(CallToolRequest.builder(tool).arguments(arguments).build());
    }

    /** Calls a tool with a progress token in its {@code _meta}, as a client that shows progress does. */
    Call callWithProgress(String tool, Map<String, Object> arguments, String progressToken) {
        return call(CallToolRequest.builder(tool).arguments(arguments).progressToken(progressToken).build());
    }

    private Call call(CallToolRequest request) {
        String tool = request.name();
        Map<String, Object> arguments = request.arguments();
        long start = System.nanoTime();
        CallToolResult result = validator.requireValid(tool, client.callTool(request));
        Call call = new Call(result, Duration.ofNanos(System.nanoTime() - start));
        System.err.printf("%s %s -> %s in %d ms%n", tool, arguments, call.isError() ? "error" : "ok",
                call.took().toMillis());
        return call;
    }

    /** @return the progress notifications received so far, oldest first */
    List<ProgressNotification> progress() {
        return List.copyOf(progress);
    }

    /** @return the log messages received so far, oldest first */
    List<LoggingMessageNotification> logMessages() {
        return List.copyOf(logMessages);
    }

    /** @return the lines the server wrote to stderr so far */
    List<String> stderr() {
        return List.copyOf(stderr);
    }

    @Override
    public void close() {
        client.closeGracefully();
    }

    /** The stdio transport, telling {@code onProgress} of each progress notification as it arrives, in order. */
    private static final class WireOrder implements McpClientTransport {
        private final StdioClientTransport delegate;
        private final Consumer<ProgressNotification> onProgress;

        WireOrder(StdioClientTransport delegate, Consumer<ProgressNotification> onProgress) {
            this.delegate = delegate;
            this.onProgress = onProgress;
        }

        @Override
        public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
            // Runs on the transport's single inbound thread, message by message.
            return delegate.connect(inbound -> handler.apply(inbound.doOnNext(message -> {
                if (message instanceof JSONRPCNotification notification
                        && McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(notification.method())) {
                    onProgress.accept(delegate.unmarshalFrom(notification.params(),
                            new TypeRef<ProgressNotification>() { }));
                }
            })));
        }

        @Override
        public void setExceptionHandler(Consumer<Throwable> handler) {
            delegate.setExceptionHandler(handler);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return delegate.closeGracefully();
        }

        @Override
        public Mono<Void> sendMessage(JSONRPCMessage message) {
            return delegate.sendMessage(message);
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return delegate.unmarshalFrom(data, type);
        }

        @Override
        public List<String> protocolVersions() {
            return delegate.protocolVersions();
        }
    }
}
