package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.broker.BrokerOptions;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.mcp.ToolTimeouts;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/**
 * {@code testbed mcp} as a real process driven by the MCP SDK client over stdio, against a real
 * broker with no agent manager and no runner, and with no broker at all.
 */
class McpStdioIT {

    private static final String USER = TestUser.primary().name;
    /**
     * A tool that gets no answer gives up at its connect and probe timeouts (3 s each), long
     * before the operation timeout (50 s) and the client's request timeout (30 s): this deadline
     * lies between, with room for a busy machine.
     */
    private static final Duration WITHIN_ITS_TIMEOUTS = ToolTimeouts.defaults().connect()
            .plus(ToolTimeouts.defaults().probe()).plus(Duration.ofSeconds(15));

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Path home;
    private EmbeddedBroker broker;

    @BeforeEach
    void setUp() throws IOException {
        home = TestUser.primary().newDirectory("testbed-mcp-it-");
        Path runtime = TempLeftovers.made(TestUser.primary().runtimeDirectoryOf(home));
        cleanup.add(() -> {
            TestUser.deleteTree(runtime);
            TestUser.deleteTree(home);
        });
        broker = EmbeddedBroker.start(BrokerOptions.defaults().withPorts(freePort(), freePort()));
        cleanup.add(broker);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private Map<String, String> environment() {
        Map<String, String> environment = TestUser.primary().environment(System.getenv());
        environment.remove("SWF_TESTBED_CONFIG");
        environment.put("TESTBED_HOME", home.toString());
        return environment;
    }

    private McpClientProcess mcp(String brokerUrl) {
        McpClientProcess process = new McpClientProcess(TestUser.primary(), environment(), Duration.ofSeconds(30), "mcp", "--broker-url",
                brokerUrl);
        cleanup.add(process);
        return process;
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsEveryToolWithItsInputSchema() {
        McpClientProcess mcp = mcp(broker.amqpUrl());

        assertThat(mcp.client.getServerInfo().name()).isEqualTo("testbed");
        List<Tool> tools = mcp.client.listTools().tools();

        assertThat(tools).extracting(Tool::name).containsExactlyInAnyOrder("check_agent_manager", "start_user_testbed",
                "stop_user_testbed", "start_workflow", "stop_workflow", "get_testbed_status", "list_agents",
                "tail_agent_log");
        assertThat(tools).allSatisfy(tool -> {
            assertThat(tool.description()).isNotBlank();
            assertThat(tool.inputSchema()).containsEntry("type", "object").containsEntry("additionalProperties", false)
                    .containsKey("properties");
            assertThat(tool.outputSchema()).containsEntry("type", "object");
        });
        Tool startWorkflow = tools.stream().filter(t -> t.name().equals("start_workflow")).findFirst().orElseThrow();
        assertThat((List<String>) startWorkflow.inputSchema().get("required")).containsExactly("namespace");
        assertThat((Map<String, Object>) startWorkflow.inputSchema().get("properties")).containsKeys("namespace",
                "stf_count", "workflow_name", "config", "realtime", "duration", "params");
    }

    @Test
    void withoutAgentManagerOrRunnerEveryCallIsAToolErrorWithTheFixWithinSeconds() {
        McpClientProcess mcp = mcp(broker.amqpUrl());

        McpClientProcess.Call check = mcp.call("check_agent_manager", Map.of());
        McpClientProcess.Call start = mcp.call("start_workflow", Map.of("namespace", "it-nobody", "stf_count", 2));
        McpClientProcess.Call status = mcp.call("get_testbed_status", Map.of());
        McpClientProcess.Call noNamespace = mcp.call("start_workflow", Map.of("stf_count", 2));

        assertThat(check.isError()).isTrue();
        assertThat(check.text()).contains("agent manager of " + USER + " is not responding")
                .contains("nohup testbed agent-manager &");
        assertThat(check.structured()).containsEntry("error_code", "UNAVAILABLE");
        assertThat(start.isError()).isTrue();
        assertThat(start.text()).contains("No workflow runner answers in namespace it-nobody")
                .contains("start_user_testbed");
        assertThat(status.isError()).isTrue();
        assertThat(status.text()).contains("not responding");
        assertThat(noNamespace.isError()).isTrue();
        assertThat(noNamespace.text()).contains("namespace");
        assertThat(List.of(check, start, status, noNamespace)).allSatisfy(call ->
                assertThat(call.took()).isLessThan(WITHIN_ITS_TIMEOUTS));
        // Logs went to stderr (stdout is the protocol, which the client parsed without complaint).
        assertThat(mcp.stderr()).anySatisfy(line -> assertThat(line).contains("testbed MCP server"))
                .anySatisfy(line -> assertThat(line).contains("check_agent_manager: UNAVAILABLE"));
    }

    @Test
    void withTheBrokerDownEveryToolFailsQuicklyAndSaysSo() {
        McpClientProcess mcp = mcp("amqp://127.0.0.1:" + freePort());
        Map<String, Map<String, Object>> calls = new LinkedHashMap<>();
        calls.put("check_agent_manager", Map.of());
        calls.put("start_user_testbed", Map.of());
        calls.put("stop_user_testbed", Map.of());
        calls.put("start_workflow", Map.of("namespace", "it-down"));
        calls.put("stop_workflow", Map.of("execution_id", "stf_datataking-x-0001", "namespace", "it-down"));
        calls.put("get_testbed_status", Map.of());
        calls.put("list_agents", Map.of());
        calls.put("tail_agent_log", Map.of("program", "data-agent"));

        calls.forEach((tool, arguments) -> {
            McpClientProcess.Call call = mcp.call(tool, arguments);
            assertThat(call.isError()).as(tool).isTrue();
            assertThat(call.text()).as(tool).contains("is not reachable").contains("--broker-url");
            assertThat(call.took()).as(tool).isLessThan(WITHIN_ITS_TIMEOUTS);
        });
    }

    @Test
    void aBrokerThatGoesAwayIsReportedAtOnceAndUsedAgainWhenItIsBack() {
        BrokerOptions options = broker.options();
        McpClientProcess mcp = mcp(broker.amqpUrl());
        assertThat(mcp.call("check_agent_manager", Map.of()).text()).contains("not responding");

        broker.close();
        McpClientProcess.Call down = mcp.call("check_agent_manager", Map.of());
        assertThat(down.isError()).isTrue();
        assertThat(down.text()).contains("is not reachable");
        assertThat(down.took()).isLessThan(WITHIN_ITS_TIMEOUTS);

        broker = EmbeddedBroker.start(options);
        cleanup.add(broker);
        McpClientProcess.Call back = mcp.call("check_agent_manager", Map.of());
        assertThat(back.text()).contains("not responding");
        assertThat(back.took()).isLessThan(WITHIN_ITS_TIMEOUTS);
    }

    @Test
    void aLiveAgentManagerAnswersThroughTheServer() {
        JsonCodec codec = new JsonCodec();
        MessageBus manager = new JmsMessageBusFactory().connect(BrokerEndpoint.anonymous(broker.amqpUrl()), "it-fake-manager",
                Duration.ofSeconds(5));
        cleanup.add(manager);
        // Answers ping as the agent manager does; the real one runs in McpFullPathIT.
        manager.subscribe(Destinations.agentManagerControl(USER), message -> manager.send(message.replyTo(),
                WireReply.ok("ping", Map.of("status", "alive", "username", USER, "pid", 1, "mq_connected", true))
                        .json(),
                null, message.correlationId()));
        McpClientProcess mcp = mcp(broker.amqpUrl());

        List<Long> clientMillis = new ArrayList<>();
        List<Object> serverMillis = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            McpClientProcess.Call check = mcp.call("check_agent_manager", Map.of());
            assertThat(check.isError()).as(check.text()).isFalse();
            assertThat(check.structured()).containsEntry("alive", true).containsEntry("username", USER);
            clientMillis.add(check.took().toMillis());
            serverMillis.add(check.structured().get("round_trip_ms"));
        }
        System.err.println("check_agent_manager round trips, client side ms: " + clientMillis + ", server side"
                + " (ping over the broker) ms: " + serverMillis);
    }

    @Test
    void stdoutCarriesOnlyJsonRpcAndTheServerExitsWhenStdinCloses() throws Exception {
        Path err = home.resolve("mcp.err");
        ProcessBuilder builder = new ProcessBuilder(TestUser.primary().command(List.of(TestUser.launcher().toString(),
                "mcp", "--broker-url", broker.amqpUrl()))).redirectError(err.toFile());
        builder.environment().putAll(environment());
        Process process = builder.start();
        cleanup.add(process::destroyForcibly);
        McpJsonMapper mapper = McpJsonDefaults.getMapper();
        List<String> lines = new ArrayList<>();
        try (OutputStream in = process.getOutputStream();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
            write(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
            lines.add(out.readLine());
            write(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            // Log messages below errors off: the failing call below would add a warning line otherwise.
            write(in, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"logging/setLevel\",\"params\":{\"level\":"
                    + "\"error\"}}");
            assertThat(mapper.readValue(out.readLine(), new TypeRef<Map<String, Object>>() {
            })).containsEntry("id", 9).containsKey("result");
            write(in, "not json at all");
            lines.add(out.readLine());
            write(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            lines.add(out.readLine());
            write(in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"check_agent_manager\",\"arguments\":{}}}");
            lines.add(out.readLine());
            in.close();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exits when stdin closes").isTrue();
            String rest;
            while ((rest = out.readLine()) != null) {
                lines.add(rest);
            }
        }

        assertThat(process.exitValue()).isZero();
        assertThat(lines).hasSize(4).allSatisfy(line -> {
            Map<String, Object> message = mapper.readValue(line, new TypeRef<Map<String, Object>>() {
            });
            assertThat(message).containsEntry("jsonrpc", "2.0").containsKey("id");
        });
        assertThat(lines.get(1)).contains("-32700");
        assertThat(lines.get(3)).contains("\"isError\":true").contains("not responding");
        assertThat(Files.readString(err)).contains("testbed MCP server").contains("stdin closed");
    }

    private static void write(OutputStream in, String line) {
        try {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
