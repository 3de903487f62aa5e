package org.swf.testbed.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;

/** The server over a stdio session on pipes: the JSON-RPC a client sees, schema validation, end of stdin. */
class TestbedMcpServerTest {

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private PipedServer session;
    private CompletableFuture<Void> serving;
    private JsonRpcPipe client;

    @BeforeEach
    void start() {
        session = PipedServer.of(broker, null);
        serving = session.serving;
        client = session.client;
    }

    @AfterEach
    void stop() throws Exception {
        session.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void initializesAndListsEveryToolWithAStrictInputSchema() {
        Map<String, Object> initialized = client.initialize();
        Map<String, Object> serverInfo = (Map<String, Object>) ((Map<String, Object>) initialized.get("result"))
                .get("serverInfo");
        assertThat(serverInfo).containsEntry("name", "testbed").containsEntry("version", "9.9");

        Map<String, Object> result = (Map<String, Object>) client.request("tools/list", Map.of()).get("result");
        List<Map<String, Object>> tools = (List<Map<String, Object>>) result.get("tools");

        assertThat(tools).extracting(t -> t.get("name")).containsExactly("check_agent_manager", "start_user_testbed",
                "stop_user_testbed", "start_workflow", "stop_workflow", "get_testbed_status", "list_agents",
                "tail_agent_log");
        assertThat(tools).allSatisfy(tool -> {
            assertThat((String) tool.get("description")).hasSizeGreaterThan(80);
            Map<String, Object> input = (Map<String, Object>) tool.get("inputSchema");
            assertThat(input).containsEntry("type", "object").containsEntry("additionalProperties", false);
            ((Map<String, Object>) input.get("properties")).values().forEach(property -> assertThat(
                    (Map<String, Object>) property).containsKeys("type", "description"));
            assertThat(tool.get("outputSchema")).isNotNull();
        });
        Map<String, Object> startWorkflow = tools.get(3);
        assertThat(((Map<String, Object>) startWorkflow.get("inputSchema")).get("required")).isEqualTo(List.of("namespace"));
        assertThat(((Map<String, Object>) tools.get(4).get("inputSchema")).get("required"))
                .isEqualTo(List.of("execution_id"));
    }

    @Test
    void aCallWithoutARequiredArgumentIsAToolErrorAndSendsNothing() {
        client.initialize();

        Map<String, Object> noNamespace = client.callTool("start_workflow", Map.of("stf_count", 3));
        Map<String, Object> noExecution = client.callTool("stop_workflow", Map.of("namespace", "ns"));

        assertThat(noNamespace).containsEntry("isError", true);
        assertThat(text(noNamespace)).contains("namespace");
        assertThat(noExecution).containsEntry("isError", true);
        assertThat(text(noExecution)).contains("execution_id");
        assertThat(broker.sent()).isEmpty();
    }

    @Test
    void unknownArgumentsWrongTypesAndHostileNamesAreToolErrors() {
        client.initialize();

        assertThat(client.callTool("check_agent_manager", Map.of("user", "alice"))).containsEntry("isError", true);
        assertThat(client.callTool("start_workflow", Map.of("namespace", "ns", "stf_count", "ten")))
                .containsEntry("isError", true);
        assertThat(client.callTool("start_workflow", Map.of("namespace", "ns", "stf_count", 0)))
                .containsEntry("isError", true);
        assertThat(client.callTool("check_agent_manager", Map.of("username", "bob\n]evil")))
                .containsEntry("isError", true);
        assertThat(client.callTool("tail_agent_log", Map.of("program", "../../etc/passwd")))
                .containsEntry("isError", true);
        assertThat(broker.sent()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aToolCallReturnsStructuredContentAndTheSameJsonAsText() throws IOException {
        try (FakeConsumer manager = new FakeConsumer(broker, Destinations.agentManagerControl("alice"),
                command -> FakeConsumer.ok(command, Map.of("status", "alive", "username", "alice", "pid", 7)))) {
            client.initialize();

            Map<String, Object> result = client.callTool("check_agent_manager", Map.of());

            assertThat(result).containsEntry("isError", false);
            Map<String, Object> structured = (Map<String, Object>) result.get("structuredContent");
            assertThat(structured).containsEntry("alive", true).containsEntry("pid", 7);
            McpJsonMapper mapper = McpJsonDefaults.getMapper();
            assertThat(mapper.readValue(text(result), new TypeRef<Map<String, Object>>() {
            })).isEqualTo(structured);
        }
    }

    @Test
    void aLineThatIsNotJsonRpcIsAnsweredAndTheSessionGoesOn() {
        client.initialize();

        client.send("this is not json");
        Map<String, Object> parseError = client.await(null, Duration.ofSeconds(5));
        client.send("");
        client.send("{\"jsonrpc\": \"2.0\", \"id\": 99}");
        Map<String, Object> invalid = client.await(99, Duration.ofSeconds(5));

        assertThat(parseError.get("error").toString()).contains("-32700");
        assertThat(invalid.get("error").toString()).contains("-32600");
        assertThat(client.request("tools/list", Map.of())).containsKey("result");
    }

    @Test
    void everyLineOnStdoutIsJsonRpcAndTheServerReturnsWhenStdinCloses() throws Exception {
        client.initialize();
        client.callTool("check_agent_manager", Map.of("username", "nobody"));

        client.close();

        serving.get(5, TimeUnit.SECONDS);
        assertThat(client.lines()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{")
                .contains("\"jsonrpc\":\"2.0\""));
    }

    @SuppressWarnings("unchecked")
    private static String text(Map<String, Object> result) {
        return ((List<Map<String, Object>>) result.get("content")).get(0).get("text").toString();
    }
}
