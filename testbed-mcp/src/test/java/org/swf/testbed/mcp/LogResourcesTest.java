package org.swf.testbed.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.InMemoryMessageBus;

/**
 * The home's program logs as MCP resources over a stdio session: listed as they are on disk,
 * read as their tail, and nothing outside the log directory ever read.
 */
class LogResourcesTest {

    private static final String SECRET = "broker password is hunter2";
    private static final int INVALID_PARAMS = -32602;
    private static final int RESOURCE_NOT_FOUND = -32002;

    @TempDir
    Path home;

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private Path logs;
    private PipedServer session;
    private JsonRpcPipe client;

    @BeforeEach
    void start() throws IOException {
        logs = Files.createDirectories(home.resolve("logs"));
        Files.writeString(logs.resolve("data-agent.log"), IntStream.rangeClosed(1, 600).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n", "", "\n")));
        Files.writeString(logs.resolve("workflow-runner.log"), "runner READY\n");
        Files.writeString(logs.resolve("supervisord.log"), "supervisord started\n");
        Files.writeString(logs.resolve("data-agent.log.1"), "rotated away\n");
        Files.createDirectories(logs.resolve("directory.log"));
        Path secret = Files.writeString(home.resolve("secret.txt"), SECRET + "\n");
        Files.createSymbolicLink(logs.resolve("escape.log"), secret);
        session = PipedServer.of(broker, logs);
        client = session.client;
        client.initialize();
    }

    @AfterEach
    void stop() throws Exception {
        session.close();
    }

    @SuppressWarnings("unchecked")
    private List<String> listedUris() {
        Map<String, Object> result = (Map<String, Object>) client.request("resources/list", Map.of()).get("result");
        return ((List<Map<String, Object>>) result.get("resources")).stream().map(r -> (String) r.get("uri")).toList();
    }

    private Map<String, Object> read(String uri) {
        return client.request("resources/read", Map.of("uri", uri));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyContent(Map<String, Object> response) {
        Map<String, Object> result = (Map<String, Object>) response.get("result");
        assertThat(result).as("a result, got " + response).isNotNull();
        List<Map<String, Object>> contents = (List<Map<String, Object>>) result.get("contents");
        assertThat(contents).hasSize(1);
        return contents.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(Map<String, Object> response) {
        assertThat(response).as("an error, got " + response).doesNotContainKey("result");
        return (Map<String, Object>) response.get("error");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyProgramsLogIsListedAndNothingElse() {
        assertThat(listedUris()).containsExactlyInAnyOrder("testbed://logs/data-agent", "testbed://logs/supervisord",
                "testbed://logs/workflow-runner");
        Map<String, Object> templates = (Map<String, Object>) client.request("resources/templates/list", Map.of())
                .get("result");
        assertThat((List<Map<String, Object>>) templates.get("resourceTemplates")).singleElement()
                .satisfies(t -> assertThat(t).containsEntry("uriTemplate", "testbed://logs/{program}")
                        .containsEntry("mimeType", "text/plain"));
    }

    @Test
    void aReadReturnsTheTailOfTheLogAsText() {
        Map<String, Object> content = onlyContent(read("testbed://logs/data-agent"));

        assertThat(content).containsEntry("uri", "testbed://logs/data-agent").containsEntry("mimeType", "text/plain");
        String text = (String) content.get("text");
        assertThat(text.lines()).hasSize(LogResources.TAIL_LINES).startsWith("line 101").endsWith("line 600");
        assertThat(onlyContent(read("testbed://logs/workflow-runner"))).containsEntry("text", "runner READY\n");
    }

    @Test
    void aLogThatAppearsIsListedAndReadableAtOnceAndOneThatGoesIsListedNoMore() throws IOException {
        listedUris();
        Files.writeString(logs.resolve("fastmon-agent.log"), "fastmon READY\n");
        Files.delete(logs.resolve("supervisord.log"));

        assertThat(onlyContent(read("testbed://logs/fastmon-agent"))).containsEntry("text", "fastmon READY\n");
        assertThat(listedUris()).contains("testbed://logs/fastmon-agent").doesNotContain("testbed://logs/supervisord");
    }

    @Test
    void aToolCallThatChangesTheLogsTellsTheClientTheListChanged() throws IOException {
        Files.writeString(logs.resolve("fastmon-agent.log"), "fastmon READY\n");

        client.callTool("check_agent_manager", Map.of());

        assertThat(client.notifications("notifications/resources/list_changed")).isNotEmpty();
        assertThat(listedUris()).contains("testbed://logs/fastmon-agent");
    }

    @Test
    @SuppressWarnings("unchecked")
    void urisThatLeadOutOfTheLogDirectoryOrNameNoProgramAreRefusedWithTheReason() {
        Map<String, Integer> refused = Map.of(
                "testbed://logs/..", INVALID_PARAMS,
                "testbed://logs/../secret.txt", INVALID_PARAMS,
                "testbed://logs/..%2fsecret", INVALID_PARAMS,
                "testbed://logs/%2e%2e%2fsecret", INVALID_PARAMS,
                "testbed://logs/data-agent/../../secret", INVALID_PARAMS,
                "testbed://logs/", INVALID_PARAMS,
                "testbed://secrets/x", INVALID_PARAMS,
                "testbed://logs/escape", RESOURCE_NOT_FOUND,
                "testbed://logs/directory", RESOURCE_NOT_FOUND,
                "testbed://logs/nobody", RESOURCE_NOT_FOUND);
        refused.forEach((uri, code) -> {
            Map<String, Object> error = error(read(uri));
            assertThat(((Number) error.get("code")).intValue()).as(uri).isEqualTo(code);
            assertThat((String) error.get("message")).as(uri).contains("testbed://logs/")
                    .containsAnyOf("resources/list", "list_agents");
        });
        assertThat((String) error(read("testbed://logs/..")).get("message")).contains("no '/', no '..'");
        assertThat((String) error(read("testbed://logs/nobody")).get("message")).contains("program 'nobody' has no"
                + " log file in " + logs);
        assertThat(((Number) error(read("file://" + home.resolve("secret.txt"))).get("code")).intValue())
                .isEqualTo(RESOURCE_NOT_FOUND);
        assertThat(client.lines()).noneSatisfy(line -> assertThat(line).contains(SECRET));
    }

    @Test
    void aServerWithoutAHomeListsNoLogsAndSaysWhyItReadsNone() throws Exception {
        try (PipedServer homeless = PipedServer.of(broker, null)) {
            homeless.client.initialize();

            assertThat(homeless.client.request("resources/list", Map.of()).toString()).contains("resources=[]");
            Map<String, Object> error = error(homeless.client.request("resources/read",
                    Map.of("uri", "testbed://logs/data-agent")));
            assertThat((String) error.get("message")).contains("without a testbed home").contains("tail_agent_log");
        }
    }
}
