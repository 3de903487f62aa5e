package org.swf.testbed.mcp;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.control.AgentManagerClient;
import org.swf.testbed.control.RunnerClient;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.CommandProgress;
import org.swf.testbed.protocol.CommandRefusedException;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.LogLines;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.ManagerInfo;
import org.swf.testbed.protocol.ManagerStatus;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.TestbedStarted;
import org.swf.testbed.protocol.TestbedStopped;
import org.swf.testbed.protocol.WorkflowStarted;
import org.swf.testbed.protocol.WorkflowStopping;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.status.TestbedStatus;

/**
 * What the tools do: each turns its arguments into a command for the user's agent manager or a
 * namespace's workflow runner, waits for the reply within its timeout, and returns the reply's
 * real outcome, or a tool error that says what failed and what to call or run to fix it.
 *
 * <p>Before each command, its consumer is asked whether it is there at all (the manager's
 * {@code ping}, the runner's {@code status_request}, with the short probe timeout). A command
 * sent to a queue nobody consumes stays there and would be carried out whenever a consumer
 * starts, perhaps long after the caller was told it failed (a {@code start_testbed} or
 * {@code run_workflow} out of the blue); and the caller learns of a missing manager or runner
 * within seconds rather than after the command's timeout of up to 50 s.
 */
final class TestbedTools {

    private static final System.Logger LOG = System.getLogger(TestbedTools.class.getName());
    private static final String SOURCE = "mcp";
    private static final int REMEMBERED_EXECUTIONS = 256;

    private final BrokerClient broker;
    private final JsonCodec codec;
    private final String defaultUser;
    private final boolean otherUsers;
    private final ToolTimeouts timeouts;
    /** Execution id to namespace, of workflows this server started, so stop_workflow needs no namespace. */
    private final Map<String, String> executions = Collections.synchronizedMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_EXECUTIONS;
        }
    });

    /**
     * @param broker the broker connection
     * @param codec the JSON codec of the wire records
     * @param defaultUser whose agent manager to address when a call names no user
     * @param otherUsers whether a call may name another user (only where the broker's
     *     authorization keeps users apart)
     * @param timeouts how long to wait
     */
    TestbedTools(BrokerClient broker, JsonCodec codec, String defaultUser, boolean otherUsers, ToolTimeouts timeouts) {
        this.otherUsers = otherUsers;
        this.broker = Objects.requireNonNull(broker, "broker");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.defaultUser = Objects.requireNonNull(defaultUser, "defaultUser");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    /** What one tool does with its arguments, telling its client how it goes. */
    @FunctionalInterface
    interface ToolHandler {
        /**
         * @param arguments the call's arguments
         * @param feedback progress and log messages to the call's client
         * @return the tool's structured result
         * @throws ToolFailure for a problem the caller can act on
         */
        Map<String, Object> run(ToolArguments arguments, CallFeedback feedback);
    }

    /** @return every tool with its handler, for the MCP server */
    List<SyncToolSpecification> specifications() {
        Map<String, ToolHandler> handlers = Map.of(
                ToolCatalog.CHECK_AGENT_MANAGER, this::checkAgentManager,
                ToolCatalog.START_USER_TESTBED, this::startUserTestbed,
                ToolCatalog.STOP_USER_TESTBED, this::stopUserTestbed,
                ToolCatalog.START_WORKFLOW, this::startWorkflow,
                ToolCatalog.STOP_WORKFLOW, this::stopWorkflow,
                ToolCatalog.GET_TESTBED_STATUS, this::getTestbedStatus,
                ToolCatalog.LIST_AGENTS, this::listAgents,
                ToolCatalog.TAIL_AGENT_LOG, this::tailAgentLog);
        return ToolCatalog.all().stream().map(tool -> specification(tool, handlers.get(tool.name()))).toList();
    }

    private SyncToolSpecification specification(Tool tool, ToolHandler handler) {
        Objects.requireNonNull(handler, () -> "No handler for tool " + tool.name());
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) ->
                call(tool.name(), request.arguments(), CallFeedback.of(exchange, request), handler)).build();
    }

    /**
     * Runs one tool. Its result, success or error, is structured content the tool's output
     * schema accepts (see ToolCatalog), with the same words as text; the outcome also goes to
     * the client as a log message.
     *
     * @param name the tool
     * @param arguments its arguments, or null
     * @param feedback progress and log messages to the call's client
     * @param handler what it does
     * @return its structured result, or a tool error
     */
    CallToolResult call(String name, Map<String, Object> arguments, CallFeedback feedback, ToolHandler handler) {
        long start = System.nanoTime();
        ToolFailure failure;
        try {
            // As a client reads it: through JSON, so a number is a number whatever Java type built it.
            Map<String, Object> result = codec.toFields(handler.run(new ToolArguments(arguments), feedback));
            LOG.log(Level.INFO, "{0}: ok in {1} ms", name, Long.toString(millisSince(start)));
            feedback.log(LoggingLevel.DEBUG, name + ": ok in " + millisSince(start) + " ms");
            // The text is the same JSON, for clients that read only text content.
            return CallToolResult.builder().addTextContent(codec.encode(result)).structuredContent(result)
                    .isError(false).build();
        } catch (ToolFailure e) {
            LOG.log(Level.INFO, "{0}: {1} in {2} ms: {3}", name, e.code(), Long.toString(millisSince(start)),
                    e.getMessage());
            failure = e;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + " failed unexpectedly", e);
            failure = new ToolFailure(ErrorCode.INTERNAL, name + " failed unexpectedly: " + e + ". This is a bug in"
                    + " the MCP server; its log (stderr) has the stack trace");
        }
        feedback.log(levelOf(failure.code()), name + ": " + failure.code() + ": " + failure.getMessage());
        return CallToolResult.builder().addTextContent(failure.getMessage()).structuredContent(failure.toContent())
                .isError(true).build();
    }

    /**
     * @return how notable a failure is for the client's log: the broker or a consumer missing, or
     *     not answering in time, is a warning; a bug of this server an error; anything else (a
     *     call the caller can correct) is information
     */
    private static LoggingLevel levelOf(ErrorCode code) {
        return switch (code) {
            case UNAVAILABLE, TIMEOUT -> LoggingLevel.WARNING;
            case INTERNAL -> LoggingLevel.ERROR;
            default -> LoggingLevel.INFO;
        };
    }

    Map<String, Object> checkAgentManager(ToolArguments arguments, CallFeedback feedback) {
        String user = user(arguments);
        long start = System.nanoTime();
        ManagerInfo ping = ping(user);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("alive", true);
        result.put("username", user);
        result.putAll(codec.toFields(ping));
        result.put("round_trip_ms", millisSince(start));
        return result;
    }

    Map<String, Object> startUserTestbed(ToolArguments arguments, CallFeedback feedback) {
        String user = user(arguments);
        String config = arguments.string("config_name", ToolArguments.CONFIG, "testbed.toml").orElse(null);
        TestbedStarted started = manager(user, MessageType.START_TESTBED, timeouts.operation(), feedback,
                client -> client.startTestbed(config, timeouts.operation(), managerSteps(feedback)));
        if (started.namespace() == null) {
            throw new ToolFailure(ErrorCode.INTERNAL, "The agent manager of " + user + " started the testbed but sent"
                    + " no namespace. Call get_testbed_status to see it");
        }
        String done = "Started the testbed of " + user + " in namespace " + started.namespace() + ": "
                + String.join(", ", started.programs());
        feedback.finish(done);
        feedback.log(LoggingLevel.NOTICE, done + " (config " + started.config() + ")");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", true);
        result.put("username", user);
        result.putAll(codec.toFields(started));
        result.put("next_step", "Call start_workflow with namespace=" + started.namespace()
                + " to run a workflow; get_testbed_status shows the agents.");
        return result;
    }

    Map<String, Object> stopUserTestbed(ToolArguments arguments, CallFeedback feedback) {
        String user = user(arguments);
        TestbedStopped stopped = manager(user, MessageType.STOP_TESTBED, timeouts.operation(), feedback,
                client -> client.stopTestbed(timeouts.operation(), managerSteps(feedback)));
        String done = stopped.stopped().isEmpty() ? "Nothing ran in the testbed of " + user
                : "Stopped the testbed of " + user + ": " + String.join(", ", stopped.stopped());
        feedback.finish(done);
        feedback.log(LoggingLevel.NOTICE, done);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("username", user);
        result.put("stopped", List.of());
        result.putAll(codec.toFields(stopped));
        return result;
    }

    Map<String, Object> startWorkflow(ToolArguments arguments, CallFeedback feedback) {
        String namespace = arguments.required("namespace", ToolArguments.WORD, "alice");
        Optional<Long> stfCount = arguments.integer("stf_count", 1, 100_000);
        String workflow = arguments.string("workflow_name", ToolArguments.WORD, ToolCatalog.DEFAULT_WORKFLOW)
                .orElse(ToolCatalog.DEFAULT_WORKFLOW);
        String config = arguments.string("config", ToolArguments.CONFIG, "fast_processing_default").orElse(null);
        boolean realtime = arguments.bool("realtime").orElse(true);
        double duration = arguments.number("duration", 0, 86_400).orElse(0.0);
        Map<String, Object> params = new LinkedHashMap<>(arguments.parameters("params"));
        stfCount.ifPresent(count -> params.put("stf_count", count));

        probeRunner(namespace);
        WorkflowStarted started = runner(namespace, MessageType.RUN_WORKFLOW,
                client -> client.runWorkflow(workflow, config, realtime, duration, params));
        if (started.executionId() == null) {
            throw new ToolFailure(ErrorCode.INTERNAL, "The workflow runner of namespace " + namespace + " accepted"
                    + " run_workflow but sent no execution_id. Call get_testbed_status to see what runs");
        }
        executions.put(started.executionId(), namespace);
        feedback.log(LoggingLevel.NOTICE, "Started workflow execution " + started.executionId() + " in namespace "
                + namespace);
        Map<String, Object> result = codec.toFields(started);
        result.putIfAbsent("namespace", namespace);
        result.put("next_step", "get_testbed_status shows its progress; stop_workflow with execution_id="
                + started.executionId() + " stops it.");
        return result;
    }

    Map<String, Object> stopWorkflow(ToolArguments arguments, CallFeedback feedback) {
        String executionId = arguments.required("execution_id", ToolArguments.WORD, "stf_datataking-alice-0001");
        String namespace = arguments.string("namespace", ToolArguments.WORD, "alice")
                .or(() -> Optional.ofNullable(executions.get(executionId)))
                .orElseGet(() -> namespaceOfRunningTestbed(executionId));
        probeRunner(namespace);
        WorkflowStopping stopping = runner(namespace, MessageType.STOP_WORKFLOW,
                client -> client.stopWorkflow(executionId));
        feedback.log(LoggingLevel.NOTICE, "Workflow execution " + executionId + " in namespace " + namespace
                + " stops at its next step");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("execution_id", executionId);
        result.put("namespace", namespace);
        result.put("stopping", true);
        result.putAll(codec.toFields(stopping));
        return result;
    }

    Map<String, Object> getTestbedStatus(ToolArguments arguments, CallFeedback feedback) {
        String user = user(arguments);
        ManagerStatus reply = status(user, feedback);
        StatusSummary summary = StatusSummary.of(user, reply.status());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("username", user);
        result.put("ready", summary.ready());
        result.put("summary", summary.summary());
        result.put("status", codec.toFields(reply.status()));
        result.put("agents", reply.agents().stream().map(codec::toFields).toList());
        if (reply.manager() != null) {
            result.put("manager", codec.toFields(reply.manager()));
        }
        return result;
    }

    Map<String, Object> listAgents(ToolArguments arguments, CallFeedback feedback) {
        String user = user(arguments);
        TestbedStatus status = status(user, feedback).status();
        List<Map<String, Object>> agents = new ArrayList<>();
        for (ProgramReport program : status.programs()) {
            Map<String, Object> agent = new LinkedHashMap<>();
            agent.put("name", program.name());
            agent.put("agent", program.agent());
            agent.put("host", program.host());
            agent.put("state", program.state());
            agent.put("pid", program.pid());
            agent.put("uptime_seconds", program.uptimeSeconds());
            agent.put("operational_state", program.operationalState());
            agent.put("seconds_since_heartbeat", program.secondsSinceHeartbeat());
            agent.put("failing", program.failing());
            agent.put("detail", program.detail());
            agents.add(agent);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("username", user);
        result.put("namespace", status.namespace());
        result.put("state", status.state());
        result.put("agents", agents);
        result.put("failing", status.programs().stream().filter(ProgramReport::failing).map(ProgramReport::name)
                .toList());
        return result;
    }

    Map<String, Object> tailAgentLog(ToolArguments arguments, CallFeedback feedback) {
        String program = arguments.required("program", ToolArguments.PROGRAM, "data-agent");
        String user = user(arguments);
        long lines = arguments.integer("lines", 1, ToolCatalog.MAX_LOG_LINES).orElse((long) ToolCatalog.DEFAULT_LOG_LINES);
        LogLines log = manager(user, MessageType.LOGS, timeouts.query(), feedback,
                client -> client.logs(program, (int) lines, timeouts.query()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("username", user);
        result.put("program", program);
        result.put("lines", List.of());
        result.putAll(codec.toFields(log));
        return result;
    }

    private String user(ToolArguments arguments) {
        Optional<String> given = arguments.string("username", ToolArguments.WORD, "alice");
        if (given.isPresent() && !given.get().equals(defaultUser) && !otherUsers) {
            throw new ToolFailure(ErrorCode.MALFORMED, "This MCP server acts for '" + defaultUser + "' alone and"
                    + " cannot address the testbed of '" + given.get() + "'. Leave username out (or pass '"
                    + defaultUser + "'); to act for " + given.get() + ", run their own 'testbed mcp' as that user");
        }
        if (given.isPresent()) {
            return given.get();
        }
        if (!ToolArguments.WORD.matcher(defaultUser).matches()) {
            throw new ToolFailure(ErrorCode.MALFORMED, "The login name of this MCP server's user, '" + defaultUser
                    + "', cannot name an agent manager queue (use letters, digits, '_', '.' or '-'). Pass username"
                    + " explicitly" + (otherUsers ? "" : ", after restarting this server with 'testbed mcp --any-user'"));
        }
        return defaultUser;
    }

    private ManagerInfo ping(String user) {
        try {
            return broker.exchange(control(user), bus -> managerClient(bus, user).ping(timeouts.probe()));
        } catch (TestbedTimeoutException e) {
            throw new ToolFailure(ErrorCode.UNAVAILABLE, "The agent manager of " + user + " is not responding (no"
                    + " reply on /queue/" + control(user).name() + " within " + seconds(timeouts.probe()) + "). Start"
                    + " it on " + user + "'s machine: nohup testbed agent-manager &  (it must use the broker at "
                    + broker.redacted() + "), then call check_agent_manager", Map.of("username", user),
                    List.of(), e);
        } catch (CommandRefusedException e) {
            throw refused(e, managerDescription(user), "");
        } catch (MalformedMessageException e) {
            throw unreadable(managerDescription(user), e);
        }
    }

    private ManagerStatus status(String user, CallFeedback feedback) {
        ManagerStatus status = manager(user, MessageType.STATUS, timeouts.query(), feedback,
                client -> client.status(timeouts.query()));
        if (status.status() == null) {
            throw new ToolFailure(ErrorCode.INTERNAL, managerDescription(user) + " answered status without the"
                    + " testbed's status. Check that it runs the same testbed version as this MCP server");
        }
        return status;
    }

    /**
     * Pings the user's agent manager, then makes {@code call} to it. The ping answered is the
     * call's first step of progress; a start or stop adds the manager's own (see
     * {@link #managerSteps}).
     */
    private <T> T manager(String user, MessageType command, Duration timeout, CallFeedback feedback,
            Function<AgentManagerClient, T> call) {
        ping(user);
        feedback.progress(1, null, managerDescription(user) + " answers; sending " + command.wireName());
        try {
            return broker.exchange(control(user), bus -> call.apply(managerClient(bus, user)));
        } catch (TestbedTimeoutException e) {
            throw new ToolFailure(ErrorCode.TIMEOUT, "The agent manager of " + user + " answered ping but not "
                    + command.wireName() + " within " + seconds(timeout) + "; it may still be working on it. Call"
                    + " get_testbed_status to see the outcome before trying again", Map.of("username", user),
                    List.of(), e);
        } catch (CommandRefusedException e) {
            throw refused(e, managerDescription(user), managerHint(command, e.code()));
        } catch (MalformedMessageException e) {
            throw unreadable(managerDescription(user), e);
        }
    }

    /** Asks the namespace's runner whether it is there at all; what it answers does not matter. */
    private void probeRunner(String namespace) {
        try {
            broker.exchange(Destinations.workflowControl(namespace), bus -> {
                RunnerClient client = runnerClient(bus, namespace, timeouts.probe());
                return client.statusReply(timeouts.probe());
            });
        } catch (MalformedMessageException e) {
            LOG.log(Level.DEBUG, "The runner of {0} answered status_request unreadably: {1}", namespace,
                    e.getMessage());
        } catch (TestbedTimeoutException e) {
            throw new ToolFailure(ErrorCode.UNAVAILABLE, "No workflow runner answers in namespace " + namespace
                    + " (no reply on /queue/" + Destinations.workflowControl(namespace).name() + " within "
                    + seconds(timeouts.probe()) + "). Start the testbed first with start_user_testbed (its config's"
                    + " [testbed] namespace must be " + namespace + "), or check the namespace with"
                    + " get_testbed_status", Map.of("namespace", namespace), List.of(), e);
        }
    }

    private <T> T runner(String namespace, MessageType command, Function<RunnerClient, T> call) {
        String who = "The workflow runner of namespace " + namespace;
        try {
            return broker.exchange(Destinations.workflowControl(namespace),
                    bus -> call.apply(runnerClient(bus, namespace, timeouts.workflow())));
        } catch (TestbedTimeoutException e) {
            throw new ToolFailure(ErrorCode.TIMEOUT, who + " answered status_request but not " + command.wireName()
                    + " within " + seconds(timeouts.workflow()) + ". Call get_testbed_status to see whether it acted"
                    + " before trying again", Map.of("namespace", namespace), List.of(), e);
        } catch (CommandRefusedException e) {
            throw refused(e, who, runnerHint(command, e.code()));
        } catch (MalformedMessageException e) {
            throw unreadable(who, e);
        }
    }

    private String namespaceOfRunningTestbed(String executionId) {
        String user = user(new ToolArguments(Map.of()));
        String namespace;
        try {
            namespace = ping(user).namespace();
        } catch (ToolFailure e) {
            throw new ToolFailure(ErrorCode.MALFORMED, "Pass namespace: execution " + executionId + " was not started"
                    + " by this MCP server, and the namespace of " + user + "'s testbed is unknown because: "
                    + e.getMessage(), Map.of(), List.of(), e);
        }
        if (namespace == null || !ToolArguments.WORD.matcher(namespace).matches()) {
            throw new ToolFailure(ErrorCode.MALFORMED, "Pass namespace: execution " + executionId + " was not started"
                    + " by this MCP server, and " + user + "'s agent manager knows of no running testbed."
                    + " get_testbed_status of the right user shows the namespace");
        }
        return namespace;
    }

    /**
     * @return what passes the agent manager's steps on as the call's progress: its step n is
     *     progress 1 + n (1 was the manager answering ping), of its expected steps plus the ping
     *     and the reply; null when the client asked for no progress, so the manager sends none
     */
    private static Consumer<CommandProgress> managerSteps(CallFeedback feedback) {
        if (!feedback.wantsProgress()) {
            return null;
        }
        return step -> feedback.progress(1 + step.step(), 2.0 + step.totalSteps(), step.message());
    }

    private AgentManagerClient managerClient(MessageBus bus, String user) {
        return new AgentManagerClient(bus, codec, user, SOURCE);
    }

    private RunnerClient runnerClient(MessageBus bus, String namespace, Duration timeout) {
        return new RunnerClient(bus, codec, namespace, SOURCE, timeout);
    }

    private static ToolFailure unreadable(String who, MalformedMessageException e) {
        return new ToolFailure(ErrorCode.INTERNAL, who + " sent a reply this MCP server cannot read ("
                + e.getMessage() + "). Check that both run the same testbed version", Map.of(), List.of(), e);
    }

    private static ToolFailure refused(CommandRefusedException e, String who, String hint) {
        String error = e.error().endsWith(".") ? e.error() : e.error() + ".";
        return new ToolFailure(e.code(), who + " answered " + e.command() + " with " + e.code() + ": " + error
                + (hint.isEmpty() ? "" : " " + hint), Map.of(), e.logTail(), null);
    }

    private static String managerHint(MessageType command, ErrorCode code) {
        if (code == null) {
            return "";
        }
        return switch (code) {
            case ALREADY_RUNNING -> "Call stop_user_testbed first, then start_user_testbed again.";
            case BUSY -> "Another start or stop is in progress: wait until check_agent_manager shows no operation,"
                    + " then call " + toolOf(command) + " again.";
            case INVALID_CONFIG -> "Pass config_name of a config in the testbed home's workflows/ directory (e.g."
                    + " testbed.toml), or fix the config the error names.";
            case TIMEOUT, UNAVAILABLE -> "get_testbed_status and tail_agent_log show what the programs did.";
            case MALFORMED -> command == MessageType.LOGS ? "list_agents names the programs." : "";
            default -> "";
        };
    }

    private static String runnerHint(MessageType command, ErrorCode code) {
        if (code == null) {
            return "";
        }
        return switch (code) {
            case BUSY -> "Stop the running workflow with stop_workflow (get_testbed_status shows its execution_id),"
                    + " or wait until it ends.";
            case NOT_RUNNING -> "get_testbed_status shows the current execution.";
            case WRONG_NAMESPACE -> "Use the namespace get_testbed_status reports.";
            case INVALID_CONFIG -> command == MessageType.RUN_WORKFLOW
                    ? "Check workflow_name, config and params." : "";
            case UNAVAILABLE -> "Restart the testbed: stop_user_testbed, then start_user_testbed.";
            default -> "";
        };
    }

    private static String toolOf(MessageType command) {
        return switch (command) {
            case START_TESTBED -> ToolCatalog.START_USER_TESTBED;
            case STOP_TESTBED -> ToolCatalog.STOP_USER_TESTBED;
            case LOGS -> ToolCatalog.TAIL_AGENT_LOG;
            default -> ToolCatalog.GET_TESTBED_STATUS;
        };
    }

    private static String managerDescription(String user) {
        return "The agent manager of " + user;
    }

    private static Destination control(String user) {
        return Destinations.agentManagerControl(user);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
