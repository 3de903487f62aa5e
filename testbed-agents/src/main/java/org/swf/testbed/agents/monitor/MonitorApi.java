package org.swf.testbed.agents.monitor;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.port.AgentLogRecord;
import org.swf.testbed.port.AgentReportStore;
import org.swf.testbed.port.ReportedRun;
import org.swf.testbed.port.StfFileRecord;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;

/**
 * The endpoints of the swf-monitor REST API that agents written on the original's BaseAgent call,
 * answered as the monitor (Django REST framework) answers them where the agents depend on it:
 * status codes, the fields they read, {@code {"detail": ...}} refusals and field errors, paths
 * ending in a slash. Independent of HTTP, so that every answer can be tested without a server.
 *
 * <p>Every endpoint needs the home's token ({@code Authorization: Token ...}), except the log
 * endpoint under the log base URL, whose path carries the home's log key instead: the original's
 * log handler sends no Authorization header.
 */
public final class MonitorApi {

    /** STF file states the monitor accepts. */
    static final Set<String> STF_STATES = Set.of("registered", "processing", "processed", "failed", "done");
    /** Numeric log levels the monitor accepts. */
    static final Set<Integer> LOG_LEVELS = Set.of(0, 10, 20, 30, 40, 50);

    private static final System.Logger LOG = System.getLogger(MonitorApi.class.getName());
    private static final Pattern KEYED_PATH = Pattern.compile(Pattern.quote(HomeMonitor.LOG_PATH_PREFIX)
            + "([^/]*)(/.*)");
    private static final Pattern RUN_PATH = Pattern.compile("/api/runs/(\\d+)/");
    private static final Pattern STF_PATH = Pattern.compile("/api/stf-files/([0-9a-fA-F-]{1,64})/");
    private static final String TOKEN_PREFIX = "Token ";
    /** The runner's status for {@code testbed status}: not part of the original monitor's API. */
    public static final String RUNNER_STATUS_PATH = "/testbed/status/";

    private final HomeMonitor.Secrets secrets;
    private final AgentReportStore store;
    private final AgentHeartbeats heartbeats;
    private final ProcessPrograms programs;
    private final JsonCodec codec;
    private final RunnerStatusPage runnerStatus;

    /**
     * @param secrets the home's token and log key
     * @param store where agent ids come from and reports are kept
     * @param heartbeats turns POSTed heartbeats into broker heartbeats
     * @param programs maps the pid of a log record to its program
     * @param codec the JSON codec
     */
    public MonitorApi(HomeMonitor.Secrets secrets, AgentReportStore store, AgentHeartbeats heartbeats,
            ProcessPrograms programs, JsonCodec codec) {
        this(secrets, store, heartbeats, programs, codec, new RunnerStatusPage());
    }

    /**
     * @param secrets the home's token and log key
     * @param store where agent ids come from and reports are kept
     * @param heartbeats turns POSTed heartbeats into broker heartbeats
     * @param programs maps the pid of a log record to its program
     * @param codec the JSON codec
     * @param runnerStatus what {@code GET /testbed/status/} answers, once the runner serves it
     */
    public MonitorApi(HomeMonitor.Secrets secrets, AgentReportStore store, AgentHeartbeats heartbeats,
            ProcessPrograms programs, JsonCodec codec, RunnerStatusPage runnerStatus) {
        this.secrets = secrets;
        this.store = store;
        this.heartbeats = heartbeats;
        this.programs = programs;
        this.codec = codec;
        this.runnerStatus = runnerStatus;
    }

    /**
     * One request.
     *
     * @param method the HTTP method
     * @param path the request path, without the query
     * @param authorization the Authorization header, or null
     * @param body the request body, empty when none
     */
    public record Request(String method, String path, String authorization, String body) {
    }

    /**
     * One answer.
     *
     * @param status the HTTP status
     * @param body what to send as JSON
     */
    public record Answer(int status, Object body) {

        static Answer detail(int status, String detail) {
            return new Answer(status, Map.of("detail", detail));
        }

        static Answer fieldError(String field, String message) {
            return new Answer(400, Map.of(field, List.of(message)));
        }
    }

    /**
     * @param request a request
     * @return its answer; never throws for what a caller sent
     */
    public Answer answer(Request request) {
        String path = request.path();
        boolean logKeyGiven = false;
        Matcher keyed = KEYED_PATH.matcher(path);
        if (keyed.matches()) {
            if (!secrets.isLogKey(keyed.group(1))) {
                return Answer.detail(403, "Invalid log key. Use the SWF_MONITOR_HTTP_URL the testbed gave this"
                        + " program");
            }
            logKeyGiven = true;
            path = keyed.group(2);
        }
        boolean tokenGiven = request.authorization() != null && request.authorization().startsWith(TOKEN_PREFIX)
                && secrets.isToken(request.authorization().substring(TOKEN_PREFIX.length()).trim());
        boolean logs = path.equals("/api/logs/");
        if (!tokenGiven && !(logs && logKeyGiven)) {
            return Answer.detail(403, request.authorization() == null ? "Authentication credentials were not provided."
                    : "Invalid token.");
        }
        try {
            return route(request.method(), path, request.body());
        } catch (MalformedMessageException e) {
            return Answer.detail(400, "JSON parse error - " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "The monitor API failed on " + request.method() + " " + path, e);
            return new Answer(500, Map.of("error", e.toString(), "status", "error"));
        }
    }

    private Answer route(String method, String path, String body) {
        if (path.equals(RUNNER_STATUS_PATH)) {
            return method.equals("GET") ? runnerStatus.current().map(page -> new Answer(200, page))
                    .orElseGet(() -> Answer.detail(503, "The workflow runner is not on the broker yet."))
                    : notAllowed(method);
        }
        if (path.equals("/api/state/next-agent-id/")) {
            return post(method) ? new Answer(200, Map.of("agent_id", store.nextAgentId(), "status", "success"))
                    : notAllowed(method);
        }
        if (path.equals("/api/subscribers/")) {
            return post(method) ? subscriber(fields(body)) : notAllowed(method);
        }
        if (path.equals("/api/systemagents/heartbeat/")) {
            return post(method) ? heartbeat(fields(body)) : notAllowed(method);
        }
        if (path.equals("/api/logs/")) {
            return post(method) ? log(fields(body)) : notAllowed(method);
        }
        if (path.equals("/api/runs/")) {
            return post(method) ? addRun(fields(body)) : notAllowed(method);
        }
        if (path.equals("/api/stf-files/")) {
            return post(method) ? addStfFile(fields(body)) : notAllowed(method);
        }
        Matcher run = RUN_PATH.matcher(path);
        if (run.matches()) {
            return patch(method) ? endRun(Long.parseLong(run.group(1)), fields(body)) : notAllowed(method);
        }
        Matcher stf = STF_PATH.matcher(path);
        if (stf.matches()) {
            return patch(method) ? updateStfFile(stf.group(1), fields(body)) : notAllowed(method);
        }
        return Answer.detail(404, path.endsWith("/") ? "Not found."
                : "Not found. The monitor API's paths end in a slash");
    }

    private Answer subscriber(Map<String, Object> fields) {
        String name = text(fields, "subscriber_name");
        if (name == null || name.isBlank()) {
            return Answer.fieldError("subscriber_name", "This field is required.");
        }
        if (!store.addSubscriber(name, text(fields, "description"))) {
            return Answer.fieldError("subscriber_name", "subscriber with this subscriber name already exists.");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("subscriber_name", name);
        record.put("description", text(fields, "description"));
        record.put("is_active", fields.getOrDefault("is_active", true));
        record.put("fraction", fields.get("fraction"));
        record.put("delivery_type", "activemq");
        record.put("created_at", Instant.now().toString());
        return new Answer(201, record);
    }

    private Answer heartbeat(Map<String, Object> fields) {
        AgentHeartbeats.Received received;
        try {
            received = heartbeats.receive(fields);
        } catch (IllegalArgumentException e) {
            return e.getMessage().equals("instance_name")
                    ? Answer.fieldError("instance_name", "This field is required.")
                    : Answer.fieldError(e.getMessage(), "Not a valid choice.");
        }
        Heartbeat heartbeat = received.heartbeat();
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("instance_name", heartbeat.instanceName());
        agent.put("agent_type", heartbeat.agentType());
        agent.put("description", heartbeat.description());
        agent.put("status", heartbeat.status());
        agent.put("last_heartbeat", Instant.now().toString());
        agent.put("pid", heartbeat.pid());
        agent.put("hostname", heartbeat.hostname());
        agent.put("operational_state", heartbeat.operationalState().name());
        agent.put("namespace", heartbeat.namespace());
        agent.put("program", heartbeat.program());
        return new Answer(received.created() ? 201 : 200, agent);
    }

    private Answer log(Map<String, Object> fields) {
        for (String required : List.of("instance_name", "timestamp", "message")) {
            if (text(fields, required) == null) {
                return Answer.fieldError(required, "This field is required.");
            }
        }
        if (!(fields.get("level") instanceof Number level) || !LOG_LEVELS.contains(level.intValue())) {
            return Answer.fieldError("level", "\"" + fields.get("level") + "\" is not a valid choice.");
        }
        Map<?, ?> extra = fields.get("extra_data") instanceof Map<?, ?> map ? map : Map.of();
        long pid = fields.get("process") instanceof Number number ? number.longValue() : 0;
        store.addLog(new AgentLogRecord(text(fields, "instance_name"), programs.programOf(pid).orElse(null),
                text(fields, "timestamp"), level.intValue(), text(fields, "levelname"), text(fields, "message"),
                text(fields, "module"), text(fields, "funcname"),
                fields.get("lineno") instanceof Number line ? line.intValue() : null,
                extra.get("execution_id") == null ? null : extra.get("execution_id").toString(),
                extra.get("run_id") == null ? null : extra.get("run_id").toString()));
        return new Answer(201, fields);
    }

    private Answer addRun(Map<String, Object> fields) {
        Optional<Long> number = whole(fields.get("run_number"));
        if (number.isEmpty()) {
            return Answer.fieldError("run_number", fields.get("run_number") == null ? "This field is required."
                    : "A valid integer is required.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> conditions = fields.get("run_conditions") instanceof Map<?, ?> map
                ? (Map<String, Object>) map : Map.of();
        return store.addRun(number.get(), text(fields, "start_time"), conditions)
                .map(run -> new Answer(201, runFields(run)))
                .orElseGet(() -> Answer.fieldError("run_number", "run with this run number already exists."));
    }

    private Answer endRun(long runId, Map<String, Object> fields) {
        return store.endRun(runId, text(fields, "end_time")).map(run -> new Answer(200, runFields(run)))
                .orElseGet(() -> Answer.detail(404, "No Run matches the given query."));
    }

    private Answer addStfFile(Map<String, Object> fields) {
        Optional<Long> runId = whole(fields.get("run"));
        if (runId.isEmpty()) {
            return Answer.fieldError("run", "This field is required.");
        }
        if (store.run(runId.get()).isEmpty()) {
            return Answer.fieldError("run", "Invalid pk \"" + runId.get() + "\" - object does not exist.");
        }
        String filename = text(fields, "stf_filename");
        if (filename == null || filename.isBlank()) {
            return Answer.fieldError("stf_filename", "This field is required.");
        }
        String status = Optional.ofNullable(text(fields, "status")).orElse("registered");
        if (!STF_STATES.contains(status)) {
            return Answer.fieldError("status", "\"" + status + "\" is not a valid choice.");
        }
        Map<String, Object> metadata = object(fields.get("metadata"));
        Object createdBy = metadata == null ? null : metadata.get("created_by");
        return store.addStfFile(new StfFileRecord(null, runId.get(), filename, whole(fields.get("file_size_bytes"))
                        .orElse(null), Optional.ofNullable(text(fields, "machine_state")).orElse("unknown"), status,
                        metadata, createdBy == null ? null : createdBy.toString(), null))
                .map(file -> new Answer(201, stfFields(file)))
                .orElseGet(() -> Answer.fieldError("stf_filename", "stf file with this stf filename already exists."));
    }

    private Answer updateStfFile(String fileId, Map<String, Object> fields) {
        String status = text(fields, "status");
        if (status != null && !STF_STATES.contains(status)) {
            return Answer.fieldError("status", "\"" + status + "\" is not a valid choice.");
        }
        return store.updateStfFile(fileId, status, object(fields.get("metadata")))
                .map(file -> new Answer(200, stfFields(file)))
                .orElseGet(() -> Answer.detail(404, "No StfFile matches the given query."));
    }

    /** The run as the monitor renders it (a null end time left out: agents do not read it). */
    private Map<String, Object> runFields(ReportedRun run) {
        return codec.toFields(run);
    }

    /** The file as the monitor renders it: its run is {@code run}, and who made it is in its metadata. */
    private Map<String, Object> stfFields(StfFileRecord file) {
        Map<String, Object> fields = codec.toFields(file);
        fields.put("run", fields.remove("run_id"));
        fields.remove("created_by");
        return fields;
    }

    private Map<String, Object> fields(String body) {
        return body == null || body.isBlank() ? Map.of() : codec.decodeObject(body);
    }

    private static boolean post(String method) {
        return "POST".equals(method);
    }

    private static boolean patch(String method) {
        return "PATCH".equals(method) || "PUT".equals(method);
    }

    private static Answer notAllowed(String method) {
        return Answer.detail(405, "Method \"" + method + "\" not allowed.");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    /** A whole number sent as a number or as digits (the original sends run numbers both ways). */
    private static Optional<Long> whole(Object value) {
        if (value instanceof Number number) {
            return Optional.of(number.longValue());
        }
        if (value instanceof String text && text.trim().matches("\\d{1,18}")) {
            return Optional.of(Long.parseLong(text.trim()));
        }
        return Optional.empty();
    }

    private static String text(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        return value == null ? null : value.toString();
    }
}
