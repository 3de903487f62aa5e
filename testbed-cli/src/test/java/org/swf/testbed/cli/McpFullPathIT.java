package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole MCP control path with real parts: MCP SDK client -> {@code testbed mcp} -> broker ->
 * {@code testbed agent-manager} -> supervisord -> workflow runner and data agent. The client
 * validates as a conforming client does: {@link McpClientProcess} rejects any structured result,
 * success or error, that does not fit the tool's advertised output schema. Along the way the
 * client hears progress of the start and stop and the server's log messages, reads a program's
 * log as a resource, and gets the errors of a missing broker, a second start, an unknown
 * execution and a missing agent manager.
 */
class McpFullPathIT {

    private static final String USER = TestUser.primary().name;
    private static final String NAMESPACE = "it-mcp";

    private final TestbedHome testbed = new TestbedHome(NAMESPACE);
    private Process manager;
    private McpClientProcess mcp;

    @AfterEach
    void tearDown() throws Exception {
        if (mcp != null) {
            mcp.close();
        }
        if (manager != null && manager.isAlive()) {
            manager.destroy();
            manager.waitFor();
        }
        testbed.close();
    }

    private void startManager() {
        Path log = testbed.home.resolve("agent-manager.log");
        ProcessBuilder builder = testbed.processBuilder("agent-manager").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        try {
            manager = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void startsRunsObservesAndStopsATestbedThroughTheMcpTools() throws InterruptedException {
        // 50 STFs at 0.5 s: the workflow is still running when it is stopped.
        testbed.quickWorkflow(50, "");
        // No --broker-url: the server takes the broker from the home's default config, as the manager does.
        mcp = new McpClientProcess(testbed.user, testbed.environment(), Duration.ofSeconds(70), "mcp");
        mcp.client.setLoggingLevel(LoggingLevel.INFO);
        // No agent manager yet, so no broker either (the manager starts the home's): an error the client accepts.
        McpClientProcess.Call nothingRuns = mcp.call("check_agent_manager", Map.of());
        assertThat(nothingRuns.isError()).isTrue();
        assertThat(nothingRuns.structured()).containsEntry("error_code", "UNAVAILABLE");
        assertThat(nothingRuns.text()).contains("is not reachable");
        startManager();

        AtomicReference<McpClientProcess.Call> alive = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            alive.set(mcp.call("check_agent_manager", Map.of()));
            return !alive.get().isError();
        });
        assertThat(alive.get().structured()).containsEntry("alive", true).containsEntry("username", USER)
                .containsEntry("mq_connected", true);
        List<Long> clientMillis = new ArrayList<>();
        List<Object> serverMillis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            McpClientProcess.Call check = mcp.call("check_agent_manager", Map.of("username", USER));
            clientMillis.add(check.took().toMillis());
            serverMillis.add(check.structured().get("round_trip_ms"));
        }
        System.err.println("check_agent_manager against the real agent manager, client side ms: " + clientMillis
                + ", server side ms: " + serverMillis);

        McpClientProcess.Call started = mcp.callWithProgress("start_user_testbed", Map.of(), "start-1");
        assertThat(started.isError()).as(started.text()).isFalse();
        assertThat(started.structured()).containsEntry("started", true).containsEntry("namespace", NAMESPACE);
        assertThat((List<String>) started.structured().get("programs")).contains("workflow-runner", "data-agent");
        await().atMost(Duration.ofSeconds(10)).until(() -> progressOf("start-1").size() >= 3);
        List<ProgressNotification> startProgress = progressOf("start-1");
        assertThat(startProgress).extracting(ProgressNotification::progress).isSorted().doesNotHaveDuplicates();
        // Around the agent manager's broker, supervisord is updated rather than restarted.
        assertThat(startProgress).extracting(ProgressNotification::message).contains("check running agents",
                "update supervisord", "start runner and agents", "wait for READY heartbeats");
        ProgressNotification end = startProgress.get(startProgress.size() - 1);
        assertThat(end.progress()).isEqualTo(end.total());

        McpClientProcess.Call again = mcp.call("start_user_testbed", Map.of());
        assertThat(again.isError()).isTrue();
        assertThat(again.structured()).containsEntry("error_code", "ALREADY_RUNNING");
        assertThat(again.text()).contains("stop_user_testbed");

        McpClientProcess.Call workflow = mcp.call("start_workflow", Map.of("namespace", NAMESPACE, "stf_count", 50));
        assertThat(workflow.isError()).as(workflow.text()).isFalse();
        String executionId = (String) workflow.structured().get("execution_id");
        assertThat(executionId).startsWith("stf_datataking-" + USER + "-");
        assertThat(workflow.structured()).containsKey("run_id").containsEntry("namespace", NAMESPACE);

        AtomicReference<McpClientProcess.Call> status = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            status.set(mcp.call("get_testbed_status", Map.of()));
            Map<String, Object> observed = (Map<String, Object>) status.get().structured().get("status");
            return Boolean.TRUE.equals(status.get().structured().get("ready"))
                    && observed.get("execution") instanceof Map<?, ?> execution
                    && executionId.equals(execution.get("execution_id"));
        });
        Map<String, Object> observed = (Map<String, Object>) status.get().structured().get("status");
        assertThat(observed).containsEntry("state", "RUNNING").containsEntry("namespace", NAMESPACE);
        assertThat(status.get().structured().get("summary").toString()).contains("Ready in namespace " + NAMESPACE)
                .contains(executionId);

        McpClientProcess.Call agents = mcp.call("list_agents", Map.of());
        assertThat(agents.isError()).as(agents.text()).isFalse();
        assertThat((List<Map<String, Object>>) agents.structured().get("agents")).extracting(a -> a.get("name"))
                .contains("workflow-runner", "data-agent");
        assertThat((List<Map<String, Object>>) agents.structured().get("agents"))
                .allSatisfy(agent -> assertThat(agent).containsEntry("state", "RUNNING").containsEntry("failing", false));

        McpClientProcess.Call log = mcp.call("tail_agent_log", Map.of("program", "data-agent", "lines", 20));
        assertThat(log.isError()).as(log.text()).isFalse();
        assertThat((List<String>) log.structured().get("lines")).isNotEmpty();
        assertThat(mcp.client.listResources().resources()).extracting(Resource::uri)
                .contains("testbed://logs/data-agent", "testbed://logs/workflow-runner");
        ReadResourceResult dataAgentLog = mcp.client.readResource(new ReadResourceRequest("testbed://logs/data-agent"));
        assertThat(dataAgentLog.contents()).singleElement().satisfies(content -> assertThat(
                ((TextResourceContents) content).text()).isNotBlank());

        McpClientProcess.Call unknown = mcp.call("stop_workflow", Map.of("execution_id", "stf_datataking-nobody-9999",
                "namespace", NAMESPACE));
        assertThat(unknown.isError()).isTrue();
        assertThat(unknown.structured()).containsEntry("error_code", "NOT_RUNNING");
        assertThat(unknown.text()).contains("stf_datataking-nobody-9999");

        McpClientProcess.Call stopWorkflow = mcp.call("stop_workflow", Map.of("execution_id", executionId));
        assertThat(stopWorkflow.isError()).as(stopWorkflow.text()).isFalse();
        assertThat(stopWorkflow.structured()).containsEntry("stopping", true).containsEntry("namespace", NAMESPACE);

        McpClientProcess.Call stopped = mcp.callWithProgress("stop_user_testbed", Map.of(), "stop-1");
        assertThat(stopped.isError()).as(stopped.text()).isFalse();
        assertThat((List<String>) stopped.structured().get("stopped")).contains("workflow-runner", "data-agent");
        await().atMost(Duration.ofSeconds(10)).until(() -> !progressOf("stop-1").isEmpty());
        McpClientProcess.Call after = mcp.call("get_testbed_status", Map.of());
        assertThat(after.structured()).containsEntry("ready", false);
        assertThat(after.structured().get("summary").toString()).startsWith("STOPPED");

        // The manager killed, its broker runs on under supervisord: the manager alone is missing.
        manager.destroyForcibly();
        assertThat(manager.waitFor(30, TimeUnit.SECONDS)).isTrue();
        McpClientProcess.Call noManager = mcp.call("check_agent_manager", Map.of());
        assertThat(noManager.isError()).isTrue();
        assertThat(noManager.structured()).containsEntry("error_code", "UNAVAILABLE").containsEntry("username", USER);
        assertThat(noManager.text()).contains("not responding").contains("nohup testbed agent-manager &");

        await().atMost(Duration.ofSeconds(10)).until(() -> mcp.logMessages().stream().anyMatch(message ->
                message.level() == LoggingLevel.NOTICE && message.data().startsWith("Started the testbed of " + USER)));
        assertThat(mcp.logMessages()).anySatisfy(message -> assertThat(message.level()).isEqualTo(LoggingLevel.WARNING))
                .allSatisfy(message -> assertThat(message.logger()).isEqualTo("testbed"));
    }

    private List<ProgressNotification> progressOf(String token) {
        return mcp.progress().stream().filter(p -> token.equals(p.progressToken())).toList();
    }
}
