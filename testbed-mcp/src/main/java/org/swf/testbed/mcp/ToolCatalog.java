package org.swf.testbed.mcp;

import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.swf.testbed.protocol.ErrorCode;

/**
 * The tools' names, descriptions and JSON schemas: what a model reads to decide which tool to call
 * and with what. Input schemas are strict (types, ranges, patterns, required fields, no unknown
 * fields), so the SDK refuses a malformed call before it reaches the broker; output schemas list
 * the result fields a caller can rely on, and the error shape of an error result.
 */
final class ToolCatalog {

    static final String CHECK_AGENT_MANAGER = "check_agent_manager";
    static final String START_USER_TESTBED = "start_user_testbed";
    static final String STOP_USER_TESTBED = "stop_user_testbed";
    static final String START_WORKFLOW = "start_workflow";
    static final String STOP_WORKFLOW = "stop_workflow";
    static final String GET_TESTBED_STATUS = "get_testbed_status";
    static final String LIST_AGENTS = "list_agents";
    static final String TAIL_AGENT_LOG = "tail_agent_log";

    /** The default of start_workflow's workflow_name, the workflow the testbed's runner runs. */
    static final String DEFAULT_WORKFLOW = "stf_datataking";
    /** The default of tail_agent_log's lines. */
    static final int DEFAULT_LOG_LINES = 50;
    /** The most lines tail_agent_log returns, as the agent manager caps them. */
    static final int MAX_LOG_LINES = 1000;

    private static final Map<String, Object> USERNAME = text("OS login name of the user whose testbed to"
            + " address (their agent manager serves /queue/testbed.USERNAME.control). Default: the user running this"
            + " MCP server.", ToolArguments.WORD);

    private ToolCatalog() {
    }

    /** @return every tool, in the order a session typically uses them */
    static List<Tool> all() {
        return List.of(checkAgentManager(), startUserTestbed(), stopUserTestbed(), startWorkflow(), stopWorkflow(),
                getTestbedStatus(), listAgents(), tailAgentLog());
    }

    static Tool checkAgentManager() {
        return tool(CHECK_AGENT_MANAGER, "Check agent manager",
                "Check that the user's agent manager daemon answers (a live ping over the broker, about 3 s at"
                        + " most). The agent manager starts and stops the user's testbed, so call this first when"
                        + " other tools report it is not responding. Returns its pid, host, namespace of the"
                        + " running testbed (if any), whether it is connected to the broker, the start or stop"
                        + " in progress (if any), and the round trip in ms.",
                input(properties("username", USERNAME)),
                output(properties(
                        "alive", bool("Always true: an error result is returned when the manager does not answer."),
                        "username", plain("string", "Whose agent manager answered."),
                        "pid", plain("integer", "The agent manager's process id."),
                        "hostname", plain("string", "Where it runs."),
                        "namespace", nullable("string", "Namespace of the testbed it last started, if any."),
                        "mq_connected", bool("Whether its broker connection is up."),
                        "operation", nullable("string", "start_testbed or stop_testbed while one is in progress."),
                        "uptime_seconds", plain("integer", "How long it has run."),
                        "round_trip_ms", plain("integer", "Time from sending the ping to its reply.")),
                        "alive", "username", "round_trip_ms"),
                readOnly(true));
    }

    static Tool startUserTestbed() {
        return tool(START_USER_TESTBED, "Start the user's testbed",
                "Start the user's testbed through their agent manager: restart supervisord, start the message"
                        + " broker if the config has none, the workflow runner and every enabled agent, and wait"
                        + " until all report READY (typically 5-15 s, at most about 50 s). Refused when agents"
                        + " already run (call stop_user_testbed first) or while another start or stop is in"
                        + " progress. Returns the config used, the namespace (pass it to start_workflow) and the"
                        + " programs started.",
                input(properties("username", USERNAME,
                        "config_name", text("Config in the testbed home's workflows/ directory: NAME, NAME.toml or"
                                + " NAME_default.toml (e.g. 'testbed.toml', 'fast_processing'). Default: the"
                                + " agent manager's default config ($SWF_TESTBED_CONFIG or workflows/testbed.toml).",
                                ToolArguments.CONFIG))),
                output(properties(
                        "started", bool("Always true: an error result is returned when the start failed."),
                        "username", plain("string", "Whose testbed started."),
                        "config", plain("string", "The config file used."),
                        "namespace", plain("string", "The testbed's namespace: pass it to start_workflow."),
                        "programs", array("string", "The supervisord programs started, in start order."),
                        "step_millis", plain("object", "How long each step of the start took, in ms."),
                        "next_step", plain("string", "What to call next.")),
                        "started", "namespace", "programs"),
                annotations(false, false, false));
    }

    static Tool stopUserTestbed() {
        return tool(STOP_USER_TESTBED, "Stop the user's testbed",
                "Stop every program of the user's testbed through their agent manager: agents first, then the"
                        + " workflow runner, then the broker it started. Also stops agents left running by a"
                        + " supervisord that died. Returns the programs stopped (empty when none ran).",
                input(properties("username", USERNAME)),
                output(properties(
                        "username", plain("string", "Whose testbed was stopped."),
                        "stopped", array("string", "The programs stopped; empty when none ran."),
                        "message", plain("string", "What happened, in words.")),
                        "stopped"),
                annotations(false, true, true));
    }

    static Tool startWorkflow() {
        return tool(START_WORKFLOW, "Start a workflow",
                "Start a workflow (the DAQ simulation producing STF files) on the workflow runner of a namespace;"
                        + " the testbed of that namespace must be running (start_user_testbed). Returns the"
                        + " execution id at once (about 10 s at most) while the workflow runs on; follow it with"
                        + " get_testbed_status and stop it with stop_workflow. Refused while another workflow"
                        + " runs in that namespace.",
                input(properties(
                        "namespace", text("Namespace of the running testbed (the [testbed] namespace of its config;"
                                + " start_user_testbed and get_testbed_status return it).", ToolArguments.WORD),
                        "stf_count", integer("Number of STF files to generate (overrides the stf_count workflow"
                                + " parameter). Default: the config's.", 1, 100_000),
                        "workflow_name", withDefault(text("Workflow to run.", ToolArguments.WORD), DEFAULT_WORKFLOW),
                        "config", text("Workflow parameter config in workflows/, e.g. 'fast_processing_default'."
                                + " Default: the testbed config's [workflow] config.", ToolArguments.CONFIG),
                        "realtime", withDefault(bool("true paces the simulation by the wall clock; false runs it on a"
                                + " virtual clock, as fast as possible."), true),
                        "duration", withDefault(number("Stop the workflow after this many seconds; 0 runs it until it"
                                + " completes.", 0, 86_400), 0),
                        "params", parameters()),
                        "namespace"),
                output(properties(
                        "execution_id", plain("string", "The execution's id: pass it to stop_workflow."),
                        "run_id", plain("string", "The run number."),
                        "workflow_name", plain("string", "The workflow started."),
                        "config", plain("string", "The workflow parameter config used."),
                        "namespace", plain("string", "The namespace it runs in."),
                        "realtime", bool("Whether it runs in real time."),
                        "next_step", plain("string", "What to call next.")),
                        "execution_id", "namespace"),
                annotations(false, false, false));
    }

    static Tool stopWorkflow() {
        return tool(STOP_WORKFLOW, "Stop a workflow",
                "Stop a running workflow execution at its next step. The namespace is taken from the argument,"
                        + " else from a start_workflow call of this session, else from the running testbed of the"
                        + " user running this MCP server.",
                input(properties(
                        "execution_id", text("The execution to stop, as start_workflow or get_testbed_status return"
                                + " it (e.g. 'stf_datataking-alice-0049').", ToolArguments.WORD),
                        "namespace", text("Namespace the execution runs in. Default: see the tool description.",
                                ToolArguments.WORD)),
                        "execution_id"),
                output(properties(
                        "execution_id", plain("string", "The execution asked to stop."),
                        "namespace", plain("string", "Its namespace."),
                        "stopping", bool("Whether the runner is stopping it.")),
                        "execution_id", "stopping"),
                annotations(false, true, true));
    }

    static Tool getTestbedStatus() {
        return tool(GET_TESTBED_STATUS, "Get testbed status",
                "Everything about the user's testbed, observed now by their agent manager: lifecycle state"
                        + " (STOPPED, STARTING, RUNNING, STOPPING), namespace, broker, every program's supervisord"
                        + " state, pid, uptime and last heartbeat (failing programs with their log tail), the"
                        + " workflow runner's state and the current workflow execution (phase, STFs generated of"
                        + " expected). 'ready' tells whether start_workflow can be called; 'summary' says it in"
                        + " one line.",
                input(properties("username", USERNAME)),
                output(properties(
                        "username", plain("string", "Whose testbed."),
                        "ready", bool("RUNNING, no program failing, and the workflow runner READY or PROCESSING."),
                        "summary", plain("string", "The state in one line, with what to do next."),
                        "status", plain("object", "The agent manager's observation (state, namespace, programs,"
                                + " runner_state, execution, problems)."),
                        "agents", array("object", "Heartbeats of the namespace's agents."),
                        "manager", plain("object", "The agent manager itself (as check_agent_manager).")),
                        "ready", "summary", "status"),
                readOnly(false));
    }

    static Tool listAgents() {
        return tool(LIST_AGENTS, "List agents",
                "List the programs of the user's testbed (workflow runner, agents, broker): supervisord state,"
                        + " pid, uptime, the agent's last reported state and heartbeat age, and whether it is"
                        + " failing. Use the names with tail_agent_log.",
                input(properties("username", USERNAME)),
                output(properties(
                        "username", plain("string", "Whose testbed."),
                        "namespace", nullable("string", "The testbed's namespace, if it runs."),
                        "state", plain("string", "Lifecycle state: STOPPED, STARTING, RUNNING or STOPPING."),
                        "agents", array("object", "One entry per program: name, agent (the agent's key, one"
                                + " program per copy of it; null for the runner and the broker), host (where it"
                                + " runs), state, pid,"
                                + " uptime_seconds, operational_state, seconds_since_heartbeat, failing, detail."),
                        "failing", array("string", "Names of failing programs.")),
                        "agents", "failing"),
                readOnly(false));
    }

    static Tool tailAgentLog() {
        return tool(TAIL_AGENT_LOG, "Tail an agent's log",
                "The last lines of a program's log in the user's testbed, e.g. to see why an agent fails."
                        + " Program names come from list_agents (e.g. 'workflow-runner', 'data-agent', 'broker').",
                input(properties(
                        "program", text("The supervisord program, as list_agents names it.", ToolArguments.PROGRAM),
                        "username", USERNAME,
                        "lines", withDefault(integer("How many of the last lines to return.", 1, MAX_LOG_LINES),
                                DEFAULT_LOG_LINES)),
                        "program"),
                output(properties(
                        "username", plain("string", "Whose testbed."),
                        "program", plain("string", "The program."),
                        "log_file", plain("string", "The log file read."),
                        "lines", array("string", "The last lines, oldest first.")),
                        "program", "lines"),
                readOnly(false));
    }

    private static Tool tool(String name, String title, String description, Map<String, Object> input,
            Map<String, Object> output, ToolAnnotations annotations) {
        return Tool.builder(name, input).title(title).description(description).outputSchema(output)
                .annotations(annotations).build();
    }

    private static ToolAnnotations readOnly(boolean idempotent) {
        // Read-only tools ask the user's own agent manager; nothing outside the testbed is touched.
        return ToolAnnotations.builder().readOnlyHint(true).idempotentHint(idempotent).openWorldHint(false).build();
    }

    private static ToolAnnotations annotations(boolean readOnly, boolean destructive, boolean idempotent) {
        return ToolAnnotations.builder().readOnlyHint(readOnly).destructiveHint(destructive)
                .idempotentHint(idempotent).openWorldHint(false).build();
    }

    private static Map<String, Object> input(Map<String, Object> properties, String... required) {
        return object(properties, false, required);
    }

    /**
     * The output schema of a tool: its result's fields, and the error shape beside them.
     *
     * <p>Why both: a client that validates (as the MCP spec says clients should) checks every
     * {@code structuredContent} against this schema, error results included; an error result
     * that does not fit is rejected with "-32602 Structured content does not match the tool's
     * output schema" and the caller never sees the reason and the fix. Error results keep their
     * structured form ({@code error}, {@code error_code}, {@code log_tail} and the details) so
     * that a program can act on the stable code without reading prose, and this schema says so:
     * {@code anyOf} requires either the result's fields or {@code error} and {@code error_code}.
     * (Error results without structured content would also pass, but would lose the code.) The
     * text content of an error result carries the same sentence for clients that read text.
     */
    private static Map<String, Object> output(Map<String, Object> properties, String... required) {
        Map<String, Object> withError = new LinkedHashMap<>(properties);
        withError.put(ToolFailure.ERROR, plain("string", "Only in an error result (isError): what failed, why,"
                + " and what to call or run to fix it."));
        withError.put(ToolFailure.ERROR_CODE, errorCode());
        withError.put(ToolFailure.LOG_TAIL, array("string", "Only in an error result: the last log lines of the"
                + " program that failed, when there is one."));
        // Open: a newer agent manager may add fields; the listed ones are what callers rely on.
        Map<String, Object> schema = new LinkedHashMap<>(object(Collections.unmodifiableMap(withError), true));
        schema.put("anyOf", List.of(
                Map.of("title", "result", "required", List.of(required)),
                Map.of("title", "error", "required", List.of(ToolFailure.ERROR, ToolFailure.ERROR_CODE))));
        return Collections.unmodifiableMap(schema);
    }

    private static Map<String, Object> errorCode() {
        Map<String, Object> schema = plain("string", "Only in an error result: the stable reason, for programs that"
                + " act on it (the codes the agent manager's replies use).");
        schema.put("enum", Arrays.stream(ErrorCode.values()).map(ErrorCode::name).toList());
        return schema;
    }

    private static Map<String, Object> object(Map<String, Object> properties, boolean open, String... required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (required.length > 0) {
            schema.put("required", List.of(required));
        }
        schema.put("additionalProperties", open);
        return Collections.unmodifiableMap(schema);
    }

    private static Map<String, Object> properties(Object... namesAndSchemas) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < namesAndSchemas.length; i += 2) {
            properties.put((String) namesAndSchemas[i], namesAndSchemas[i + 1]);
        }
        return Collections.unmodifiableMap(properties);
    }

    private static Map<String, Object> text(String description, Pattern pattern) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "string");
        schema.put("description", description);
        // JSON Schema patterns are not anchored; the Java ones are matched whole.
        schema.put("pattern", "^" + pattern.pattern() + "$");
        return schema;
    }

    private static Map<String, Object> integer(String description, long min, long max) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "integer");
        schema.put("description", description);
        schema.put("minimum", min);
        schema.put("maximum", max);
        return schema;
    }

    private static Map<String, Object> number(String description, double min, double max) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "number");
        schema.put("description", description);
        schema.put("minimum", min);
        schema.put("maximum", max);
        return schema;
    }

    private static Map<String, Object> bool(String description) {
        return plain("boolean", description);
    }

    private static Map<String, Object> plain(String type, String description) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", type);
        schema.put("description", description);
        return schema;
    }

    private static Map<String, Object> nullable(String type, String description) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", List.of(type, "null"));
        schema.put("description", description);
        return schema;
    }

    private static Map<String, Object> array(String itemType, String description) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "array");
        schema.put("description", description);
        schema.put("items", Map.of("type", itemType));
        return schema;
    }

    private static Map<String, Object> parameters() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("description", "Workflow parameter overrides by name, e.g. {\"stf_interval\": 0.5,"
                + " \"physics_period_count\": 2}; a name replaces a value only where the workflow config has it.");
        schema.put("propertyNames", Map.of("pattern", "^" + ToolArguments.WORD.pattern() + "$"));
        schema.put("additionalProperties", Map.of("type", List.of("string", "number", "boolean")));
        return schema;
    }

    private static Map<String, Object> withDefault(Map<String, Object> schema, Object value) {
        Map<String, Object> withDefault = new LinkedHashMap<>(schema);
        withDefault.put("default", value);
        return withDefault;
    }

    /** @return the names of every tool */
    static List<String> names() {
        return all().stream().map(Tool::name).toList();
    }
}
