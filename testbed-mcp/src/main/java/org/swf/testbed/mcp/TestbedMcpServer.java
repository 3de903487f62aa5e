package org.swf.testbed.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.swf.testbed.TestbedException;
import org.swf.testbed.port.MessageBusFactory;
import org.swf.testbed.protocol.JsonCodec;

/**
 * The testbed's MCP server over stdio: tools that start, stop and observe a user's testbed through
 * their agent manager, and start and stop workflows through a namespace's workflow runner, all
 * over the broker.
 *
 * <p>stdout carries only JSON-RPC; this class and the SDK log through System.Logger / SLF4J, which
 * the CLI sends to stderr. Every tool returns within its timeout, also when the broker is down.
 *
 * <pre>{@code
 * BrokerEndpoint broker = new BrokerEndpoint("amqp://127.0.0.1:5672", user, password, null);
 * try (TestbedMcpServer server = new TestbedMcpServer(new JmsMessageBusFactory(),
 *         McpServerSettings.of(broker, "1.0"))) {
 *     server.serve(System.in, System.out); // returns when stdin closes
 * }
 * }</pre>
 */
public final class TestbedMcpServer implements AutoCloseable {

    /** The name MCP clients see. */
    public static final String NAME = "testbed";

    private static final System.Logger LOG = System.getLogger(TestbedMcpServer.class.getName());
    private static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    private static final int PIPE_BYTES = 64 * 1024;
    private static final String INSTRUCTIONS = "Controls the user's ePIC streaming workflow testbed (agents under"
            + " supervisord, talking over a message broker). Typical session: check_agent_manager;"
            + " start_user_testbed (returns the namespace); start_workflow(namespace, stf_count) (returns the"
            + " execution_id); get_testbed_status until the execution completes; stop_workflow or"
            + " stop_user_testbed. list_agents and tail_agent_log help when an agent fails; the resources"
            + " testbed://logs/PROGRAM are the programs' logs in the testbed home. Tool errors say what to call or"
            + " run to fix the problem.";

    private final McpServerSettings settings;
    private final BrokerClient broker;
    private final TestbedTools tools;
    private final McpJsonMapper mapper = McpJsonDefaults.getMapper();

    /**
     * @param buses opens the broker connection (lazily, at the first tool call)
     * @param settings broker URL, default user, version and timeouts
     */
    public TestbedMcpServer(MessageBusFactory buses, McpServerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.broker = new BrokerClient(Objects.requireNonNull(buses, "buses"), settings.broker(),
                "mcp-" + settings.defaultUser(), settings.timeouts().connect());
        this.tools = new TestbedTools(broker, new JsonCodec(), settings.defaultUser(), settings.otherUsers(),
                settings.timeouts());
    }

    /** @return the names of the tools this server offers */
    public static List<String> toolNames() {
        return ToolCatalog.names();
    }

    /**
     * Serves one MCP session over the given streams until {@code in} ends (the client closed the
     * server's stdin), then returns. Calls that are still running when it ends are not answered.
     *
     * @param in the client's requests, one JSON-RPC message per line (the process's stdin)
     * @param out where responses go (the process's stdout); nothing else is written to it
     */
    public void serve(InputStream in, OutputStream out) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        PipedInputStream transportIn = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream feed;
        try {
            feed = new PipedOutputStream(transportIn);
        } catch (IOException e) {
            // A fresh pipe pair cannot fail to connect; if it does, the JVM is broken, not the input.
            throw new TestbedException("Cannot connect the MCP server's stdin pipe: " + e.getMessage()
                    + ". Start 'testbed mcp' again", e);
        }
        LogResources logs = new LogResources(settings.logDirectory());
        // Set once the server is built, before the first request can arrive.
        AtomicReference<McpSyncServer> running = new AtomicReference<>();
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(mapper, transportIn, out))
                .serverInfo(NAME, settings.version())
                .instructions(INSTRUCTIONS)
                // logging: the SDK answers logging/setLevel and drops messages below the level set.
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, true).logging()
                        .build())
                .jsonMapper(mapper)
                .jsonSchemaValidator(McpJsonDefaults.getSchemaValidator())
                .validateToolInputs(true)
                .tools(tools.specifications().stream().map(tool -> refreshingLogsAfter(tool, logs, running)).toList())
                .resources(logs.initial())
                .resourceTemplates(List.of(logs.template()))
                .uriTemplateManagerFactory(LogResources.uriMatching())
                .build();
        running.set(server);
        LOG.log(Level.INFO, "testbed MCP server {0} serving {1} tools on stdio for {2}; broker {3}; logs {4}",
                settings.version(), toolNames().size(), settings.defaultUser(), broker.redacted(),
                settings.logDirectory() == null ? "none" : settings.logDirectory());
        try {
            new StdinGate(mapper, out, MAX_MESSAGE_BYTES, method -> {
                if (McpSchema.METHOD_RESOURCES_LIST.equals(method)) {
                    logs.refresh(server);
                }
            }).pump(in, feed);
        } finally {
            try {
                server.closeGracefully();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Closing the MCP session: {0}", e.toString());
            }
            LOG.log(Level.INFO, "stdin closed; testbed MCP server stops");
        }
    }

    /**
     * @return {@code tool} whose calls bring the log resources up to date before they return: a
     *     start creates logs and the client hears of them with the result
     */
    private static SyncToolSpecification refreshingLogsAfter(SyncToolSpecification tool, LogResources logs,
            AtomicReference<McpSyncServer> server) {
        return SyncToolSpecification.builder().tool(tool.tool()).callHandler((exchange, request) -> {
            try {
                return tool.callHandler().apply(exchange, request);
            } finally {
                logs.refresh(server.get());
            }
        }).build();
    }

    /** Closes the broker connection. */
    @Override
    public void close() {
        broker.close();
    }
}
