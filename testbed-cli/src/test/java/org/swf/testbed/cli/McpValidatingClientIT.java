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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session as a conforming, validating MCP client has it with the real parts: MCP SDK client ->
 * {@code testbed mcp} -> broker -> {@code testbed agent-manager} -> supervisord -> workflow runner
 * and data agent. The client validates every structured result, errors included, against the
 * tool's advertised output schema ({@link McpClientProcess} rejects any that does not fit), hears
 * progress and log messages, and reads a program's log as a resource.
 */
class McpValidatingClientIT {

    private static final String USER = TestUser.primary().name;
    private static final String NAMESPACE = "it-mcp-valid";

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
        try {
            manager = testbed.processBuilder("agent-manager").redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyResultSuccessOrErrorIsOneTheClientAcceptsAndStartAndStopReportProgress() throws InterruptedException {
        // 50 STFs at 0.5 s: the workflow still runs when the unknown execution is stopped.
        testbed.quickWorkflow(50, "");
        mcp = new McpClientProcess(testbed.user, testbed.environment(), Duration.ofSeconds(70), "mcp");
        mcp.client.setLoggingLevel(LoggingLevel.INFO);

        // No agent manager yet, so no broker either (the manager starts the home's): an error the client accepts.
        McpClientProcess.Call nothingRuns = mcp.call("check_agent_manager", Map.of());
        assertThat(nothingRuns.isError()).isTrue();
        assertThat(nothingRuns.structured()).containsEntry("error_code", "UNAVAILABLE");
        assertThat(nothingRuns.text()).contains("is not reachable");

        startManager();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> !mcp.call("check_agent_manager", Map.of()).isError());

        McpClientProcess.Call started = mcp.callWithProgress("start_user_testbed", Map.of(), "start-1");
        assertThat(started.isError()).as(started.text()).isFalse();
        assertThat(started.structured()).containsEntry("started", true).containsEntry("namespace", NAMESPACE);
        await().atMost(Duration.ofSeconds(10)).until(() -> progressOf("start-1").size() >= 3);
        List<ProgressNotification> startProgress = progressOf("start-1");
        assertThat(startProgress).extracting(ProgressNotification::progress).isSorted().doesNotHaveDuplicates();
        // Around the agent manager's broker, supervisord is updated rather than restarted.
        assertThat(startProgress).extracting(ProgressNotification::message).contains("check running agents",
                "update supervisord", "start runner and agents", "wait for READY heartbeats");
        assertThat(startProgress.get(startProgress.size() - 1).progress())
                .isEqualTo(startProgress.get(startProgress.size() - 1).total());

        McpClientProcess.Call again = mcp.call("start_user_testbed", Map.of());
        assertThat(again.isError()).isTrue();
        assertThat(again.structured()).containsEntry("error_code", "ALREADY_RUNNING");
        assertThat(again.text()).contains("stop_user_testbed");

        McpClientProcess.Call workflow = mcp.call("start_workflow", Map.of("namespace", NAMESPACE, "stf_count", 50));
        assertThat(workflow.isError()).as(workflow.text()).isFalse();
        assertThat((String) workflow.structured().get("execution_id")).startsWith("stf_datataking-" + USER + "-");

        AtomicReference<McpClientProcess.Call> status = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            status.set(mcp.call("get_testbed_status", Map.of()));
            return Boolean.TRUE.equals(status.get().structured().get("ready"));
        });
        assertThat(status.get().structured().get("summary").toString()).contains("Ready in namespace " + NAMESPACE);

        McpClientProcess.Call agents = mcp.call("list_agents", Map.of());
        assertThat(agents.isError()).as(agents.text()).isFalse();
        assertThat((List<Map<String, Object>>) agents.structured().get("agents")).extracting(a -> a.get("name"))
                .contains("workflow-runner", "data-agent");

        List<Resource> logs = mcp.client.listResources().resources();
        assertThat(logs).extracting(Resource::uri).contains("testbed://logs/data-agent",
                "testbed://logs/workflow-runner");
        ReadResourceResult dataAgentLog = mcp.client.readResource(new ReadResourceRequest("testbed://logs/data-agent"));
        assertThat(dataAgentLog.contents()).singleElement().satisfies(content -> assertThat(
                ((TextResourceContents) content).text()).isNotBlank());

        McpClientProcess.Call unknown = mcp.call("stop_workflow", Map.of("execution_id", "stf_datataking-nobody-9999",
                "namespace", NAMESPACE));
        assertThat(unknown.isError()).isTrue();
        assertThat(unknown.structured()).containsEntry("error_code", "NOT_RUNNING");
        assertThat(unknown.text()).contains("stf_datataking-nobody-9999");

        McpClientProcess.Call stopped = mcp.callWithProgress("stop_user_testbed", Map.of(), "stop-1");
        assertThat(stopped.isError()).as(stopped.text()).isFalse();
        assertThat((List<String>) stopped.structured().get("stopped")).contains("workflow-runner", "data-agent");
        await().atMost(Duration.ofSeconds(10)).until(() -> !progressOf("stop-1").isEmpty());

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
