package org.swf.testbed.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.MessageBusFactory;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/**
 * Every tool against the in-memory bus, with fakes answering as the agent manager and the runner
 * would. Every result, success or error, is checked as a validating client checks it against the
 * tool's output schema.
 */
class TestbedToolsTest {

    private static final String USER = "alice";
    private static final String NAMESPACE = "alice-ns";
    private static final ToolTimeouts FAST = new ToolTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1));

    /**
     * Connect and probe as {@link #FAST}, every other wait far longer: a tool that must answer at
     * its probe or connect timeout is told apart from one that waits for an operation by a deadline
     * between the two, generous enough that a busy machine cannot fail it.
     */
    private static final ToolTimeouts LONG_WAITS = new ToolTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120));
    private static final Duration BEFORE_THE_LONG_WAITS = Duration.ofSeconds(60);

    /** A client that validates every structured result against the advertised output schemas. */
    private static final StrictResultValidator CLIENT = new StrictResultValidator(ToolCatalog.all());

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final BrokerClient client = new BrokerClient((url, name, timeout) -> broker.newBus(), "amqp://127.0.0.1:1",
            "mcp-test", FAST.connect());
    private final TestbedTools tools = new TestbedTools(client, new JsonCodec(), USER, false, FAST);
    private final TestbedTools longWaitTools = new TestbedTools(client, new JsonCodec(), USER, false, LONG_WAITS);
    /** As on a shared broker whose authorization keeps users apart: tools may name other users. */
    private final TestbedTools anyUserTools = new TestbedTools(client, new JsonCodec(), USER, true, FAST);

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    private CallToolResult call(String tool, Map<String, Object> arguments) {
        return call(tools, tool, arguments);
    }

    private static CallToolResult call(TestbedTools tools, String tool, Map<String, Object> arguments) {
        SyncToolSpecification specification = tools.specifications().stream()
                .filter(s -> s.tool().name().equals(tool)).findFirst().orElseThrow();
        return CLIENT.requireValid(tool, specification.callHandler().apply(null, new CallToolRequest(tool, arguments)));
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structured(CallToolResult result) {
        return (Map<String, Object>) result.structuredContent();
    }

    private FakeConsumer manager(String user, Function<Map<String, Object>, WireReply> answer) {
        FakeConsumer fake = new FakeConsumer(broker, Destinations.agentManagerControl(user), answer);
        cleanup.add(fake);
        return fake;
    }

    private FakeConsumer runner(String namespace, Function<Map<String, Object>, WireReply> answer) {
        FakeConsumer fake = new FakeConsumer(broker, Destinations.workflowControl(namespace), answer);
        cleanup.add(fake);
        return fake;
    }

    /** A manager that answers ping, and the other commands with {@code others}. */
    private FakeConsumer managerAnswering(Function<Map<String, Object>, WireReply> others) {
        return manager(USER, command -> "ping".equals(command.get("command"))
                ? FakeConsumer.ok(command, ping(NAMESPACE)) : others.apply(command));
    }

    private static Map<String, Object> ping(String namespace) {
        Map<String, Object> ping = new LinkedHashMap<>();
        ping.put("status", "alive");
        ping.put("username", USER);
        ping.put("pid", 4242);
        ping.put("hostname", "host");
        if (namespace != null) {
            ping.put("namespace", namespace);
        }
        ping.put("mq_connected", true);
        ping.put("operation", null);
        ping.put("uptime_seconds", 12);
        return ping;
    }

    private static Map<String, Object> program(String name, String state, boolean failing, String operational) {
        Map<String, Object> program = new LinkedHashMap<>();
        program.put("name", name);
        program.put("state", state);
        program.put("pid", 100);
        program.put("uptime_seconds", 30);
        program.put("detail", "pid 100, uptime 0:00:30");
        program.put("failing", failing);
        program.put("operational_state", operational);
        program.put("seconds_since_heartbeat", 1);
        program.put("log_tail", failing ? List.of("Traceback", "boom") : List.of());
        return program;
    }

    private static Map<String, Object> status(String state, String runnerState, List<Map<String, Object>> programs,
            Map<String, Object> execution) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", state);
        status.put("supervisord_running", true);
        status.put("config", "/home/alice/workflows/testbed.toml");
        status.put("namespace", NAMESPACE);
        status.put("broker_url", "amqp://127.0.0.1:5672");
        status.put("broker_reachable", true);
        status.put("programs", programs);
        status.put("runner_state", runnerState);
        status.put("execution", execution);
        status.put("problems", List.of());
        return Map.of("status", status, "agents", List.of(), "manager", ping(NAMESPACE));
    }

    @Test
    void checkAgentManagerReturnsTheLivePing() {
        FakeConsumer manager = manager(USER, command -> FakeConsumer.ok(command, ping(NAMESPACE)));

        CallToolResult result = call("check_agent_manager", Map.of());

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("alive", true).containsEntry("username", USER)
                .containsEntry("pid", 4242).containsEntry("namespace", NAMESPACE).containsKey("round_trip_ms");
        assertThat(text(result)).contains("\"alive\":true");
        assertThat(manager.received()).singleElement().satisfies(command -> assertThat(command)
                .containsEntry("command", "ping").containsEntry("source", "mcp").containsKey("timestamp"));
    }

    @Test
    void checkAgentManagerOfAnotherUserAddressesTheirQueue() {
        FakeConsumer bob = manager("bob", command -> FakeConsumer.ok(command, Map.of("status", "alive",
                "username", "bob")));

        CallToolResult result = call(anyUserTools, "check_agent_manager", Map.of("username", "bob"));

        assertThat(result.isError()).isFalse();
        assertThat(structured(result)).containsEntry("username", "bob");
        assertThat(bob.names()).containsExactly("ping");
    }

    @Test
    void aMissingAgentManagerIsAToolErrorWithTheFixWithinTheProbeTimeout() {
        long start = System.nanoTime();

        CallToolResult result = call(longWaitTools, "check_agent_manager", Map.of());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BEFORE_THE_LONG_WAITS);
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("agent manager of alice is not responding")
                .contains("nohup testbed agent-manager &");
        assertThat(structured(result)).containsEntry("error_code", "UNAVAILABLE");
    }

    @Test
    void anInvalidUsernameIsAToolErrorAndNothingIsSent() {
        CallToolResult result = call("check_agent_manager", Map.of("username", "../evil user"));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("Invalid username").contains("letters, digits");
        assertThat(structured(result)).containsEntry("error_code", "MALFORMED");
        assertThat(broker.sent()).isEmpty();
    }

    @Test
    void anotherUsersTestbedIsRefusedWithoutSendingAnything() {
        for (String tool : List.of("check_agent_manager", "start_user_testbed", "stop_user_testbed",
                "get_testbed_status")) {
            CallToolResult result = call(tool, Map.of("username", "bob"));

            assertThat(result.isError()).as(tool).isTrue();
            assertThat(text(result)).as(tool).contains("acts for 'alice' alone").contains("'bob'")
                    .contains("Leave username out");
        }
        assertThat(broker.sent()).isEmpty();
    }

    @Test
    void aLoginNameThatCannotNameAQueueAsksForAUsername() {
        TestbedTools odd = new TestbedTools(client, new JsonCodec(), "DOMAIN\\alice", false, FAST);
        SyncToolSpecification check = odd.specifications().get(0);

        CallToolResult result = CLIENT.requireValid("check_agent_manager",
                check.callHandler().apply(null, new CallToolRequest("check_agent_manager", Map.of())));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("DOMAIN\\alice").contains("Pass username");
        assertThat(broker.sent()).isEmpty();
    }

    @Test
    void startUserTestbedReturnsTheManagersRealOutcome() {
        FakeConsumer manager = managerAnswering(command -> FakeConsumer.ok(command, Map.of(
                "config", "/home/alice/workflows/fast.toml", "namespace", NAMESPACE,
                "programs", List.of("workflow-runner", "data-agent"), "step_millis", Map.of("start", 4000))));

        CallToolResult result = call("start_user_testbed", Map.of("config_name", "fast"));

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("started", true).containsEntry("namespace", NAMESPACE)
                .containsEntry("programs", List.of("workflow-runner", "data-agent"));
        assertThat(structured(result).get("next_step").toString()).contains("start_workflow with namespace=" + NAMESPACE);
        assertThat(manager.names()).containsExactly("ping", "start_testbed");
        assertThat(manager.received().get(1)).containsEntry("config_name", "fast").containsEntry("source", "mcp");
    }

    @Test
    void startUserTestbedWhileAgentsRunSaysToStopThemFirst() {
        managerAnswering(command -> FakeConsumer.failed(command, ErrorCode.ALREADY_RUNNING,
                "2 programs are already running (data-agent, workflow-runner). Run testbed stop-agents first"));

        CallToolResult result = call("start_user_testbed", Map.of());

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("ALREADY_RUNNING").contains("already running")
                .contains("Call stop_user_testbed first");
        assertThat(structured(result)).containsEntry("error_code", "ALREADY_RUNNING");
    }

    @Test
    void aFailedStartCarriesTheProgramsLogTail() {
        managerAnswering(command -> {
            WireReply failed = FakeConsumer.failed(command, ErrorCode.TIMEOUT, "data-agent did not report READY in 60 s");
            failed.fields().put("log_tail", List.of("line 1", "Traceback"));
            return failed;
        });

        CallToolResult result = call("start_user_testbed", Map.of());

        assertThat(result.isError()).isTrue();
        assertThat(structured(result)).containsEntry("error_code", "TIMEOUT")
                .containsEntry("log_tail", List.of("line 1", "Traceback"));
        assertThat(text(result)).contains("tail_agent_log");
    }

    @Test
    void aStartTheManagerDoesNotFinishInTimeIsATimeoutThatPointsToTheStatus() {
        managerAnswering(command -> null);

        CallToolResult result = call("start_user_testbed", Map.of());

        assertThat(result.isError()).isTrue();
        assertThat(structured(result)).containsEntry("error_code", "TIMEOUT");
        assertThat(text(result)).contains("answered ping but not start_testbed").contains("get_testbed_status");
    }

    @Test
    void startUserTestbedWithoutManagerFailsFastAndSendsNoStart() {
        long start = System.nanoTime();

        CallToolResult result = call(longWaitTools, "start_user_testbed", Map.of());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BEFORE_THE_LONG_WAITS);
        assertThat(text(result)).contains("not responding");
        assertThat(broker.sent(Destinations.agentManagerControl(USER))).extracting(m -> m.body())
                .noneMatch(body -> body.contains("start_testbed"));
    }

    @Test
    void stopUserTestbedListsWhatStopped() {
        managerAnswering(command -> FakeConsumer.ok(command, Map.of("stopped", List.of("data-agent", "workflow-runner"),
                "message", "Stopped: data-agent, workflow-runner")));

        CallToolResult result = call("stop_user_testbed", Map.of("username", USER));

        assertThat(result.isError()).isFalse();
        assertThat(structured(result)).containsEntry("stopped", List.of("data-agent", "workflow-runner"));
    }

    @Test
    void startWorkflowSendsRunWorkflowToTheNamespacesRunnerAndReturnsTheExecutionId() {
        FakeConsumer runner = runner(NAMESPACE, command -> "status_request".equals(command.get("msg_type"))
                ? FakeConsumer.ok(command, Map.of("operational_state", "READY"))
                : FakeConsumer.ok(command, Map.of("execution_id", "stf_datataking-alice-0007", "run_id", "100016",
                        "workflow_name", "stf_datataking", "config", "stf_datataking_default", "namespace", NAMESPACE,
                        "realtime", true)));

        CallToolResult result = call("start_workflow", Map.of("namespace", NAMESPACE, "stf_count", 5,
                "params", Map.of("stf_interval", 0.5)));

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("execution_id", "stf_datataking-alice-0007")
                .containsEntry("run_id", "100016").containsEntry("namespace", NAMESPACE);
        assertThat(runner.names()).containsExactly("status_request", "run_workflow");
        Map<String, Object> run = runner.received().get(1);
        assertThat(run).containsEntry("namespace", NAMESPACE).containsEntry("workflow_name", "stf_datataking")
                .containsEntry("realtime", true).containsEntry("duration", 0.0).containsEntry("source", "mcp")
                .containsKey("timestamp").doesNotContainKey("config");
        assertThat(run.get("params")).isEqualTo(Map.of("stf_count", 5, "stf_interval", 0.5));
    }

    @Test
    void startWorkflowWithoutRunnerSaysToStartTheTestbedAndSendsNoRunWorkflow() {
        long start = System.nanoTime();

        CallToolResult result = call(longWaitTools, "start_workflow", Map.of("namespace", NAMESPACE));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BEFORE_THE_LONG_WAITS);
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("No workflow runner answers in namespace " + NAMESPACE)
                .contains("start_user_testbed");
        assertThat(broker.sent(Destinations.workflowControl(NAMESPACE))).extracting(m -> m.body())
                .noneMatch(body -> body.contains("run_workflow"));
    }

    @Test
    void startWorkflowWhileOneRunsSaysToStopIt() {
        runner(NAMESPACE, command -> "status_request".equals(command.get("msg_type"))
                ? FakeConsumer.ok(command, Map.of("operational_state", "PROCESSING"))
                : FakeConsumer.failed(command, ErrorCode.BUSY, "Workflow execution stf_datataking-alice-0006 is still"
                        + " running. Stop it first (stop_workflow) or wait until it ends"));

        CallToolResult result = call("start_workflow", Map.of("namespace", NAMESPACE));

        assertThat(result.isError()).isTrue();
        assertThat(structured(result)).containsEntry("error_code", "BUSY");
        assertThat(text(result)).contains("stf_datataking-alice-0006").contains("stop_workflow");
    }

    @Test
    void startWorkflowRefusesAHostileNamespace() {
        CallToolResult result = call("start_workflow", Map.of("namespace", "a/b>c"));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("Invalid namespace");
        assertThat(broker.sent()).isEmpty();
    }

    @Test
    void stopWorkflowRemembersTheNamespaceOfAWorkflowItStarted() {
        FakeConsumer runner = runner(NAMESPACE, command -> switch (String.valueOf(command.get("msg_type"))) {
            case "run_workflow" -> FakeConsumer.ok(command, Map.of("execution_id", "stf_datataking-alice-0008"));
            case "stop_workflow" -> FakeConsumer.ok(command, Map.of("execution_id", "stf_datataking-alice-0008",
                    "stopping", true));
            default -> FakeConsumer.ok(command, Map.of());
        });
        assertThat(call("start_workflow", Map.of("namespace", NAMESPACE)).isError()).isFalse();

        CallToolResult result = call("stop_workflow", Map.of("execution_id", "stf_datataking-alice-0008"));

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("stopping", true).containsEntry("namespace", NAMESPACE);
        assertThat(runner.received().get(runner.received().size() - 1)).containsEntry("msg_type", "stop_workflow")
                .containsEntry("execution_id", "stf_datataking-alice-0008").containsEntry("namespace", NAMESPACE);
    }

    @Test
    void stopWorkflowAsksTheAgentManagerForTheNamespace() {
        managerAnswering(command -> null);
        FakeConsumer runner = runner(NAMESPACE, command -> FakeConsumer.ok(command, Map.of("stopping", true)));

        CallToolResult result = call("stop_workflow", Map.of("execution_id", "stf_datataking-alice-0001"));

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(runner.names()).containsExactly("status_request", "stop_workflow");
    }

    @Test
    void stopWorkflowWithoutAnyWayToKnowTheNamespaceAsksForIt() {
        CallToolResult result = call("stop_workflow", Map.of("execution_id", "stf_datataking-alice-0001"));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("Pass namespace").contains("not responding");
    }

    @Test
    void stopWorkflowOfNoRunningExecutionReportsNotRunning() {
        runner(NAMESPACE, command -> "status_request".equals(command.get("msg_type"))
                ? FakeConsumer.ok(command, Map.of())
                : FakeConsumer.failed(command, ErrorCode.NOT_RUNNING, "No workflow is running in namespace "
                        + NAMESPACE + ", so there is nothing to stop"));

        CallToolResult result = call("stop_workflow", Map.of("execution_id", "x-1", "namespace", NAMESPACE));

        assertThat(result.isError()).isTrue();
        assertThat(structured(result)).containsEntry("error_code", "NOT_RUNNING");
        assertThat(text(result)).contains("nothing to stop");
    }

    @Test
    void getTestbedStatusAddsReadyAndASummary() {
        managerAnswering(command -> FakeConsumer.ok(command, status("RUNNING", "PROCESSING",
                List.of(program("workflow-runner", "RUNNING", false, "PROCESSING"),
                        program("data-agent", "RUNNING", false, "READY")),
                Map.of("execution_id", "stf_datataking-alice-0003", "status", "running", "state", "run",
                        "substate", "physics", "stf_generated", 2, "stf_expected", 5))));

        CallToolResult result = call("get_testbed_status", Map.of());

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("ready", true).containsKeys("status", "agents", "manager");
        assertThat(structured(result).get("summary").toString()).contains("Ready in namespace " + NAMESPACE)
                .contains("stf_datataking-alice-0003 running").contains("STFs 2 of 5");
    }

    @Test
    void aFailingProgramMakesTheTestbedNotReady() {
        managerAnswering(command -> FakeConsumer.ok(command, status("RUNNING", "READY",
                List.of(program("workflow-runner", "RUNNING", false, "READY"),
                        program("data-agent", "BACKOFF", true, null)), null)));

        CallToolResult result = call("get_testbed_status", Map.of());

        assertThat(structured(result)).containsEntry("ready", false);
        assertThat(structured(result).get("summary").toString()).contains("failing: data-agent")
                .contains("tail_agent_log");
    }

    @Test
    void listAgentsReportsEveryProgram() {
        managerAnswering(command -> FakeConsumer.ok(command, status("RUNNING", "READY",
                List.of(program("workflow-runner", "RUNNING", false, "READY"),
                        program("data-agent", "FATAL", true, null)), null)));

        CallToolResult result = call("list_agents", Map.of());

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("state", "RUNNING").containsEntry("failing", List.of("data-agent"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> agents = (List<Map<String, Object>>) structured(result).get("agents");
        assertThat(agents).extracting(a -> a.get("name")).containsExactly("workflow-runner", "data-agent");
        assertThat(agents.get(0)).containsEntry("state", "RUNNING").containsEntry("pid", 100)
                .containsEntry("operational_state", "READY").containsEntry("failing", false)
                .containsKeys("uptime_seconds", "seconds_since_heartbeat");
    }

    @Test
    void tailAgentLogAsksTheManagerForTheLines() {
        FakeConsumer manager = managerAnswering(command -> FakeConsumer.ok(command, Map.of("program", "data-agent",
                "log_file", "/home/alice/logs/data-agent.log", "lines", List.of("a", "b"))));

        CallToolResult result = call("tail_agent_log", Map.of("program", "data-agent"));

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("lines", List.of("a", "b"))
                .containsEntry("log_file", "/home/alice/logs/data-agent.log");
        assertThat(manager.received().get(1)).containsEntry("command", "logs").containsEntry("program", "data-agent")
                .containsEntry("lines", 50);
    }

    @Test
    void tailAgentLogOfAnUnknownProgramPointsToListAgents() {
        managerAnswering(command -> FakeConsumer.failed(command, ErrorCode.MALFORMED, "No program 'nope'"));

        CallToolResult result = call("tail_agent_log", Map.of("program", "nope", "lines", 5));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("No program 'nope'").contains("list_agents");
    }

    @Test
    void everyToolFailsQuicklyWithTheFixWhenTheBrokerIsDown() {
        broker.setAvailable(false);
        Map<String, Map<String, Object>> calls = Map.of(
                "check_agent_manager", Map.of(), "start_user_testbed", Map.of(), "stop_user_testbed", Map.of(),
                "start_workflow", Map.of("namespace", NAMESPACE),
                "stop_workflow", Map.of("execution_id", "x-1", "namespace", NAMESPACE),
                "get_testbed_status", Map.of(), "list_agents", Map.of(), "tail_agent_log", Map.of("program", "x"));
        assertThat(calls.keySet()).containsExactlyInAnyOrderElementsOf(TestbedMcpServer.toolNames());
        calls.forEach((tool, arguments) -> {
            long start = System.nanoTime();
            CallToolResult result = call(longWaitTools, tool, arguments);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(tool).isLessThan(BEFORE_THE_LONG_WAITS);
            assertThat(result.isError()).as(tool).isTrue();
            assertThat(text(result)).as(tool).contains("message broker at amqp://127.0.0.1:1 is not reachable")
                    .contains("--broker-url");
        });
    }

    @Test
    void aBrokerThatComesBackIsUsedAgain() {
        manager(USER, command -> FakeConsumer.ok(command, ping(NAMESPACE)));
        broker.setAvailable(false);
        assertThat(call("check_agent_manager", Map.of()).isError()).isTrue();

        broker.setAvailable(true);

        assertThat(call("check_agent_manager", Map.of()).isError()).isFalse();
    }

    @Test
    void aBrokerThatRefusesConnectionsIsReportedWithItsReasonAndNoCredentials() {
        MessageBusFactory refusing = (url, name, timeout) -> {
            throw new ServiceUnavailableException("Cannot reach the broker", new java.net.ConnectException(
                    "Connection refused"));
        };
        BrokerClient down = new BrokerClient(refusing, "amqp://user:secret@broker:5672", "mcp-test", FAST.connect());
        cleanup.add(down);
        SyncToolSpecification check = new TestbedTools(down, new JsonCodec(), USER, false, FAST).specifications().get(0);

        CallToolResult result = CLIENT.requireValid("check_agent_manager",
                check.callHandler().apply(null, new CallToolRequest("check_agent_manager", Map.of())));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("amqp://***@broker:5672").contains("Connection refused")
                .doesNotContain("secret");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOutputSchemaIsAValidSchemaThatAcceptsTheResultOrTheErrorShape() {
        assertThat(CLIENT.schemaProblems()).isEmpty();
        assertThat(ToolCatalog.all()).allSatisfy(tool -> {
            List<Map<String, Object>> shapes = (List<Map<String, Object>>) tool.outputSchema().get("anyOf");
            assertThat(shapes).hasSize(2);
            assertThat((List<String>) shapes.get(0).get("required")).isNotEmpty();
            assertThat(shapes.get(1).get("required")).isEqualTo(List.of("error", "error_code"));
            assertThat((Map<String, Object>) tool.outputSchema().get("properties")).containsKeys("error",
                    "error_code", "log_tail");
        });
    }

    @Test
    void theValidatingClientRejectsWhatBreaksTheSchema() {
        Map<String, Map<String, Object>> invalid = new LinkedHashMap<>();
        invalid.put("a success without a required field", Map.of("alive", true, "username", USER));
        invalid.put("a field of the wrong type", Map.of("alive", "yes", "username", USER, "round_trip_ms", 3));
        invalid.put("an error without its code", Map.of("error", "The agent manager is not responding"));
        invalid.put("an error with an unknown code", Map.of("error", "x", "error_code", "NOT_A_CODE"));
        invalid.put("neither shape", Map.of("message", "x"));
        invalid.forEach((what, structured) -> assertThat(CLIENT.problems("check_agent_manager", CallToolResult.builder()
                .addTextContent("x").structuredContent(structured).isError(structured.containsKey("error")).build()))
                .as(what).isNotEmpty());
        assertThat(CLIENT.problems("check_agent_manager", CallToolResult.builder().addTextContent("{}").isError(false)
                .build())).as("a success without structured content").isNotEmpty();
        assertThat(CLIENT.problems("check_agent_manager", CallToolResult.builder().structuredContent(Map.of(
                "alive", true, "username", USER, "round_trip_ms", 1)).isError(false).build()))
                .as("a result without text").isNotEmpty();
    }

    @Test
    void aPingReplyWithoutTheUsersNameStillGivesEveryRequiredField() {
        manager(USER, command -> FakeConsumer.ok(command, Map.of("status", "alive")));

        CallToolResult result = call("check_agent_manager", Map.of());

        assertThat(result.isError()).as(text(result)).isFalse();
        assertThat(structured(result)).containsEntry("username", USER).containsKey("round_trip_ms");
    }

    @Test
    void aStartReplyWithoutNamespaceIsAnErrorNotAResultMissingIt() {
        managerAnswering(command -> FakeConsumer.ok(command, Map.of("programs", List.of("data-agent"))));

        CallToolResult result = call("start_user_testbed", Map.of());

        assertThat(result.isError()).isTrue();
        assertThat(structured(result)).containsEntry("error_code", "INTERNAL");
        assertThat(text(result)).contains("no namespace").contains("get_testbed_status");
    }

    @Test
    void theResultsOfAStoppedTestbedMatchTheirSchemas() {
        managerAnswering(command -> {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("state", "STOPPED");
            status.put("supervisord_running", false);
            status.put("programs", List.of());
            status.put("problems", List.of("supervisord is not running"));
            return FakeConsumer.ok(command, Map.of("status", status, "agents", List.of()));
        });

        CallToolResult status = call("get_testbed_status", Map.of());
        CallToolResult agents = call("list_agents", Map.of());

        assertThat(status.isError()).as(text(status)).isFalse();
        assertThat(structured(status)).containsEntry("ready", false).doesNotContainKey("manager");
        assertThat(agents.isError()).as(text(agents)).isFalse();
        assertThat(structured(agents)).containsEntry("state", "STOPPED").containsEntry("agents", List.of());
    }

    @Test
    void aStatusReplyWithoutTheStatusIsAnError() {
        managerAnswering(command -> FakeConsumer.ok(command, Map.of("agents", List.of())));

        CallToolResult result = call("list_agents", Map.of());

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("without the testbed's status");
    }

    @Test
    void anUnexpectedFailureIsAToolErrorNotACrash() {
        CallToolResult result = CLIENT.requireValid("check_agent_manager", tools.call("check_agent_manager", Map.of(),
                CallFeedback.none(), (arguments, feedback) -> {
                    throw new IllegalStateException("surprise");
                }));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("surprise");
        assertThat(structured(result)).containsEntry("error_code", "INTERNAL");
    }
}
