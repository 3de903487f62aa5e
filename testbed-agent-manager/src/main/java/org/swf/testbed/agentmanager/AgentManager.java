package org.swf.testbed.agentmanager;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.swf.testbed.TestbedException;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunRecord;
import org.swf.testbed.orchestrator.RunResult;
import org.swf.testbed.orchestrator.StopResult;
import org.swf.testbed.orchestrator.TestbedStatus;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.Timestamps;

/**
 * The per-user agent manager: serves {@code testbed.USER.control} so that MCP tools can start,
 * stop and observe the user's testbed without a shell.
 *
 * <p>Every command that carries a reply address gets a reply with its real outcome. Starting and
 * stopping run through the same {@link Orchestrator} as the CLI, on a worker thread, one at a
 * time: a start or stop that arrives while another is under way is refused with
 * {@link ErrorCode#BUSY}, so the receiving thread always stays free to answer {@code ping}.
 * Heartbeats report what is measured: whether the broker connection is up at that moment, and
 * what supervisord answers.
 */
public final class AgentManager implements AutoCloseable {

    /** The agent type the original agent manager reports. */
    public static final String AGENT_TYPE = HeartbeatSender.AGENT_MANAGER_TYPE;

    private static final System.Logger LOG = System.getLogger(AgentManager.class.getName());
    private static final Pattern PROGRAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int MAX_LOG_LINES = 1000;

    private final String user;
    private final Orchestrator orchestrator;
    private final MessageBus bus;
    private final JsonCodec codec;
    private final ManagerHeartbeats heartbeats;
    private final String hostname;
    private final Instant startedAt = Instant.now();
    private final AtomicReference<String> operation = new AtomicReference<>();
    private final Map<String, SeenHeartbeat> agentHeartbeats = new ConcurrentHashMap<>();
    private final ExecutorService operations = Executors.newSingleThreadExecutor(daemon("agent-manager-operation"));
    private final ExecutorService queries = Executors.newFixedThreadPool(2, daemon("agent-manager-query"));
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch shutdown = new CountDownLatch(1);

    /**
     * @param user the OS login name this manager serves
     * @param orchestrator the user's testbed
     * @param bus a connected (ideally self-reconnecting) bus; closed with the manager
     * @param codec the JSON codec
     * @param heartbeatInterval how often to send a heartbeat
     * @param monitor where heartbeats are also POSTed, when configured
     * @param hostname this host's name, for heartbeats
     */
    public AgentManager(String user, Orchestrator orchestrator, MessageBus bus, JsonCodec codec,
            Duration heartbeatInterval, Optional<MonitorClient> monitor, String hostname) {
        this.user = user;
        this.orchestrator = orchestrator;
        this.bus = bus;
        this.codec = codec;
        this.hostname = hostname;
        this.heartbeats = new ManagerHeartbeats(user, hostname, orchestrator, bus, codec, heartbeatInterval, monitor);
    }

    /** @return the queue this manager serves */
    public Destination controlQueue() {
        return Destinations.agentManagerControl(user);
    }

    /** Subscribes to the control queue and to agents' heartbeats, then starts heartbeating. */
    public void start() {
        bus.subscribe(Destinations.HEARTBEATS, this::rememberHeartbeat);
        bus.subscribe(controlQueue(), this::deliver);
        // Learn at once which agents of the running testbed are alive, not a heartbeat period later.
        orchestrator.readRunRecord().map(RunRecord::namespace).ifPresent(namespace -> bus.send(Destinations.HEARTBEATS,
                codec.encode(Map.of("msg_type", MessageType.HEARTBEAT_REQUEST.wireName(), "namespace", namespace,
                        "sender", instanceName(), "timestamp", now()))));
        heartbeats.start();
        LOG.log(Level.INFO, "Agent manager for {0} listening on /queue/{1}", user, controlQueue().name());
    }

    /** Sends a heartbeat now (e.g. on SIGUSR1), off the caller's thread. */
    public void heartbeatNow() {
        heartbeats.now();
    }

    private void deliver(InboundMessage raw) {
        Map<String, Object> fields;
        try {
            fields = codec.decodeObject(raw.body());
        } catch (MalformedMessageException e) {
            reply(raw, Map.of(), Reply.failed(null, raw.correlationId(), instanceName(), now(), ErrorCode.MALFORMED,
                    e.getMessage() + ". Send a JSON object such as {\"command\": \"ping\"}"));
            return;
        }
        Object name = fields.containsKey("command") ? fields.get("command") : fields.get("msg_type");
        String command = name == null ? null : String.valueOf(name);
        MessageType type = MessageType.fromWireName(command).orElse(null);
        if (type == null || !List.of(MessageType.PING, MessageType.STATUS, MessageType.START_TESTBED,
                MessageType.STOP_TESTBED, MessageType.LOGS).contains(type)) {
            fail(raw, fields, command, command == null ? ErrorCode.MALFORMED : ErrorCode.UNKNOWN_COMMAND,
                    (command == null ? "The message has no command." : "Unknown command '" + command + "'.")
                            + " The agent manager understands start_testbed, stop_testbed, status, ping and logs");
            return;
        }
        switch (type) {
            case PING -> succeed(raw, fields, command, ping());
            case STATUS -> query(raw, fields, command, () -> status());
            case LOGS -> query(raw, fields, command, () -> logs(fields));
            case START_TESTBED -> operate(raw, fields, command, () -> startTestbed(fields));
            case STOP_TESTBED -> operate(raw, fields, command, this::stopTestbed);
            default -> throw new IllegalStateException(type.name());
        }
    }

    private void operate(InboundMessage raw, Map<String, Object> fields, String command,
            Supplier<Map<String, Object>> work) {
        if (!operation.compareAndSet(null, command)) {
            fail(raw, fields, command, ErrorCode.BUSY, operation.get() + " is in progress. Wait for its reply, then"
                    + " send " + command + " again");
            return;
        }
        runAndReply(operations, raw, fields, command, work, () -> {
            operation.set(null);
            heartbeatNow();
        });
    }

    private void query(InboundMessage raw, Map<String, Object> fields, String command,
            Supplier<Map<String, Object>> work) {
        runAndReply(queries, raw, fields, command, work, () -> { });
    }

    /** Runs {@code work} on {@code executor} and replies with its outcome; {@code after} runs in any case. */
    private void runAndReply(ExecutorService executor, InboundMessage raw, Map<String, Object> fields, String command,
            Supplier<Map<String, Object>> work, Runnable after) {
        try {
            executor.execute(() -> {
                try {
                    succeed(raw, fields, command, work.get());
                } catch (TestbedException e) {
                    failWith(raw, fields, command, e);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, command + " failed", e);
                    fail(raw, fields, command, ErrorCode.INTERNAL, command + " failed: " + e
                            + ". See the agent manager's log");
                } finally {
                    after.run();
                }
            });
        } catch (RejectedExecutionException e) {
            after.run();
            fail(raw, fields, command, ErrorCode.UNAVAILABLE, "The agent manager is shutting down. Start it again:"
                    + " nohup testbed agent-manager &");
        }
    }

    private Map<String, Object> startTestbed(Map<String, Object> fields) {
        Object configName = fields.get("config_name");
        RunResult result = orchestrator.run(new RunOptions(configName == null ? null : String.valueOf(configName),
                false, null, Map.of(), "agent-manager"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("config", result.config().toString());
        answer.put("namespace", result.namespace());
        answer.put("programs", result.programs());
        Map<String, Long> steps = new LinkedHashMap<>();
        result.steps().forEach(step -> steps.put(step.step(), step.duration().toMillis()));
        answer.put("step_millis", steps);
        return answer;
    }

    private Map<String, Object> stopTestbed() {
        StopResult result = orchestrator.stopAgents();
        return Map.of("stopped", result.stopped(), "message",
                result.stopped().isEmpty() ? "No agents running" : "Stopped: " + String.join(", ", result.stopped()));
    }

    private Map<String, Object> status() {
        TestbedStatus status = orchestrator.status();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", codec.decodeObject(codec.encode(status)));
        String namespace = status.namespace();
        List<Map<String, Object>> agents = new ArrayList<>();
        Instant now = Instant.now();
        agentHeartbeats.values().stream()
                .filter(seen -> namespace != null && namespace.equals(seen.heartbeat().namespace()))
                .sorted((a, b) -> a.heartbeat().instanceName().compareTo(b.heartbeat().instanceName()))
                .forEach(seen -> {
                    Map<String, Object> agent = new LinkedHashMap<>();
                    agent.put("instance_name", seen.heartbeat().instanceName());
                    agent.put("agent_type", seen.heartbeat().agentType());
                    agent.put("program", seen.heartbeat().program());
                    agent.put("operational_state", seen.heartbeat().operationalState().name());
                    agent.put("status", seen.heartbeat().status());
                    agent.put("seconds_since_heartbeat", Duration.between(seen.receivedAt(), now).toSeconds());
                    agents.add(agent);
                });
        answer.put("agents", agents);
        answer.put("manager", ping());
        return answer;
    }

    private Map<String, Object> logs(Map<String, Object> fields) {
        String program = fields.get("program") == null ? null : String.valueOf(fields.get("program"));
        if (program == null || !PROGRAM.matcher(program).matches()) {
            throw new MalformedMessageException("logs needs a program name such as 'data-agent' or 'workflow-runner',"
                    + " got " + (program == null ? "none" : "'" + program + "'"));
        }
        int lines = fields.get("lines") instanceof Number number ? number.intValue() : 50;
        lines = Math.max(1, Math.min(lines, MAX_LOG_LINES));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("program", program);
        answer.put("log_file", orchestrator.logFile(program).toString());
        answer.put("lines", orchestrator.logTail(program, lines));
        return answer;
    }

    private Map<String, Object> ping() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "alive");
        answer.put("username", user);
        answer.put("pid", ProcessHandle.current().pid());
        answer.put("hostname", hostname);
        orchestrator.readRunRecord().map(RunRecord::namespace).ifPresent(namespace -> answer.put("namespace", namespace));
        answer.put("mq_connected", bus.isConnected());
        answer.put("operation", operation.get());
        answer.put("uptime_seconds", Duration.between(startedAt, Instant.now()).toSeconds());
        return answer;
    }

    private void rememberHeartbeat(InboundMessage message) {
        try {
            Heartbeat heartbeat = codec.decode(message.body(), Heartbeat.class);
            if (!AGENT_TYPE.equals(heartbeat.agentType())) {
                agentHeartbeats.put(heartbeat.instanceName(), new SeenHeartbeat(heartbeat, Instant.now()));
            }
        } catch (MalformedMessageException e) {
            LOG.log(Level.DEBUG, "Ignored an unreadable heartbeat: {0}", e.getMessage());
        }
    }

    private void succeed(InboundMessage raw, Map<String, Object> fields, String command, Map<String, Object> result) {
        reply(raw, fields, Reply.ok(command, raw.correlationId(fields), instanceName(), now(), result));
    }

    private void failWith(InboundMessage raw, Map<String, Object> fields, String command, TestbedException e) {
        Reply reply = Reply.failed(command, raw.correlationId(fields), instanceName(), now(), ErrorCode.of(e),
                e.getMessage());
        if (!e.logTail().isEmpty()) {
            reply.result().put("log_tail", e.logTail());
        }
        reply(raw, fields, reply);
    }

    private void fail(InboundMessage raw, Map<String, Object> fields, String command, ErrorCode code, String error) {
        reply(raw, fields, Reply.failed(command, raw.correlationId(fields), instanceName(), now(), code, error));
    }

    private void reply(InboundMessage raw, Map<String, Object> fields, Reply reply) {
        Destination address = raw.replyAddress(fields);
        if (address == null) {
            LOG.log(Level.INFO, "{0}: {1} (no reply address)", reply.inReplyTo(),
                    reply.success() ? "done" : reply.error());
            return;
        }
        try {
            bus.send(address, codec.encode(reply), null, reply.correlationId());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Reply to {0} not sent: {1}", address.name(), e.getMessage());
        }
    }

    private String instanceName() {
        return "agent-manager-" + user;
    }

    private static String now() {
        return Timestamps.localIso(Instant.now());
    }

    /** Blocks until {@link #close()} was called. */
    public void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }

    /** Sends the EXITED heartbeat and disconnects; a start or stop under way is given a moment to finish. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            heartbeats.stop();
            queries.shutdownNow();
            operations.shutdown();
            try {
                operations.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heartbeats.sendExited();
        } finally {
            bus.close();
            shutdown.countDown();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private record SeenHeartbeat(Heartbeat heartbeat, Instant receivedAt) {
    }
}
