package org.swf.testbed.agentmanager;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.swf.testbed.heartbeat.HeartbeatTable;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunRecord;
import org.swf.testbed.orchestrator.RunResult;
import org.swf.testbed.orchestrator.StepListener;
import org.swf.testbed.orchestrator.StopResult;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.Timestamps;
import org.swf.testbed.protocol.Command;
import org.swf.testbed.protocol.CommandEnvelope;
import org.swf.testbed.protocol.CommandProgress;
import org.swf.testbed.protocol.HeartbeatRequest;
import org.swf.testbed.protocol.LogLines;
import org.swf.testbed.protocol.LogsRequest;
import org.swf.testbed.protocol.ManagerCommand;
import org.swf.testbed.protocol.ManagerInfo;
import org.swf.testbed.protocol.ManagerStatus;
import org.swf.testbed.protocol.Ping;
import org.swf.testbed.protocol.ScaleAgent;
import org.swf.testbed.protocol.StartTestbed;
import org.swf.testbed.protocol.StopTestbed;
import org.swf.testbed.protocol.TestbedStarted;
import org.swf.testbed.protocol.TestbedStatusRequest;
import org.swf.testbed.protocol.TestbedStopped;
import org.swf.testbed.protocol.UnknownCommandException;
import org.swf.testbed.status.AgentLiveness;
import org.swf.testbed.status.TestbedStatus;

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
    private static final int DEFAULT_LOG_LINES = 50;
    private static final String UNDERSTOOD = " The agent manager understands start_testbed, stop_testbed, status, ping,"
            + " logs and scale_agent";

    private final String user;
    private final Orchestrator orchestrator;
    private final MessageBus bus;
    private final JsonCodec codec;
    private final ManagerHeartbeats heartbeats;
    private final String hostname;
    private final Instant startedAt = Instant.now();
    private final AtomicReference<String> operation = new AtomicReference<>();
    private final HeartbeatTable agentHeartbeats;
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
        // The agents share the manager's interval: both come from TESTBED_HEARTBEAT_SECONDS.
        this.agentHeartbeats = HeartbeatTable.forInterval(heartbeatInterval);
    }

    /** @return the user's control queue, which this manager serves (as the user's managers on other hosts do) */
    public Destination controlQueue() {
        return Destinations.agentManagerControl(user);
    }

    /** @return this host's control queue of the user, which this manager alone serves */
    public Destination hostControlQueue() {
        return Destinations.agentManagerControl(user, hostname);
    }

    /** Subscribes to the control queues and to agents' heartbeats, then starts heartbeating. */
    public void start() {
        bus.subscribe(Destinations.HEARTBEATS, this::rememberHeartbeat);
        bus.subscribe(hostControlQueue(), this::deliver);
        bus.subscribe(controlQueue(), this::deliver);
        // Learn at once which agents of the running testbed are alive, not a heartbeat period later.
        orchestrator.readRunRecord().map(RunRecord::namespace).ifPresent(namespace -> bus.send(Destinations.HEARTBEATS,
                codec.encodeCommand(new HeartbeatRequest(namespace, instanceName(),
                        new CommandEnvelope(now(), null, null, null)))));
        heartbeats.start();
        LOG.log(Level.INFO, "Agent manager for {0} on {1} listening on /queue/{2} and /queue/{3}", user, hostname,
                hostControlQueue().name(), controlQueue().name());
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
            reply(raw, Map.of(), Reply.failed(null, raw.correlationId(), instanceName(), ErrorCode.MALFORMED,
                    e.getMessage() + ". Send a JSON object such as {\"command\": \"ping\"}", List.of()));
            return;
        }
        String commandName = JsonCodec.commandName(fields);
        Command<?> decoded;
        try {
            decoded = codec.decodeCommand(fields);
        } catch (UnknownCommandException e) {
            decoded = null;
        } catch (MalformedMessageException e) {
            fail(raw, fields, commandName, ErrorCode.MALFORMED,
                    commandName == null ? "The message has no command." + UNDERSTOOD : e.getMessage());
            return;
        }
        if (!(decoded instanceof ManagerCommand<?> command)) {
            fail(raw, fields, commandName, ErrorCode.UNKNOWN_COMMAND, "Unknown command '" + commandName + "'." + UNDERSTOOD);
            return;
        }
        if (command.envelope().expired(Instant.now())) {
            // Its sender gave up: a start or stop now would surprise whoever retries it.
            LOG.log(Level.INFO, command.envelope().discardedLine(commandName));
            return;
        }
        Request request = new Request(raw, fields, commandName);
        if (command instanceof Ping) {
            succeed(request, ping());
        } else if (command instanceof TestbedStatusRequest status) {
            query(request, () -> status(status.thisHostOnly()));
        } else if (command instanceof LogsRequest logs) {
            query(request, () -> logs(logs));
        } else if (command instanceof StartTestbed start) {
            operate(request, () -> startTestbed(start, progressTo(request, start.wantsProgress())));
        } else if (command instanceof StopTestbed stop) {
            operate(request, () -> stopTestbed(stop.thisHostOnly(), progressTo(request, stop.wantsProgress())));
        } else if (command instanceof ScaleAgent scale) {
            operate(request, () -> orchestrator.scaleThisHost(scale.agent(), scale.copies(), StepListener.NONE));
        }
    }

    private void operate(Request request, Supplier<Object> work) {
        if (!operation.compareAndSet(null, request.command())) {
            fail(request, ErrorCode.BUSY, operation.get() + " is in progress. Wait for its reply, then send "
                    + request.command() + " again");
            return;
        }
        runAndReply(operations, request, work, () -> {
            operation.set(null);
            heartbeatNow();
        });
    }

    private void query(Request request, Supplier<Object> work) {
        runAndReply(queries, request, work, () -> { });
    }

    /** Runs {@code work} on {@code executor} and replies with its outcome; {@code after} runs in any case. */
    private void runAndReply(ExecutorService executor, Request request, Supplier<Object> work, Runnable after) {
        try {
            executor.execute(() -> {
                try {
                    succeed(request, work.get());
                } catch (TestbedException e) {
                    reply(request.raw(), request.fields(), Reply.failed(request.command(), request.correlationId(),
                            instanceName(), ErrorCode.of(e), e.getMessage(), e.logTail()));
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, request.command() + " failed", e);
                    fail(request, ErrorCode.INTERNAL, request.command() + " failed: " + e
                            + ". See the agent manager's log");
                } finally {
                    after.run();
                }
            });
        } catch (RejectedExecutionException e) {
            after.run();
            fail(request, ErrorCode.UNAVAILABLE, "The agent manager is shutting down. Start it again:"
                    + " nohup testbed agent-manager &");
        }
    }

    /**
     * @param request a start or stop
     * @param wanted whether its sender asked for progress
     * @return a listener that sends each step to the request's reply address as a
     *     {@code progress} message, or one that sends nothing when it was not asked for or
     *     there is no reply address
     */
    private StepListener progressTo(Request request, boolean wanted) {
        Destination address = request.raw().replyAddress(request.fields());
        if (!wanted || address == null) {
            return StepListener.NONE;
        }
        return (step, number, expectedSteps) -> {
            try {
                bus.send(address, codec.encode(CommandProgress.now(request.command(), number, expectedSteps, step,
                        request.correlationId(), instanceName())), null, request.correlationId());
            } catch (RuntimeException e) {
                // Its sender may have given up (its reply queue is gone); the operation goes on.
                LOG.log(Level.DEBUG, "Progress of {0} not sent to {1}: {2}", request.command(), address.name(),
                        e.getMessage());
            }
        };
    }

    private TestbedStarted startTestbed(StartTestbed command, StepListener progress) {
        RunResult result = command.shareOf() != null
                ? orchestrator.runShare(command.configName(), command.shareOf(), command.configDigest(),
                        "agent-manager", progress)
                : orchestrator.run(new RunOptions(command.configName(), false, null, Map.of(), "agent-manager"),
                        progress);
        Map<String, Long> steps = new LinkedHashMap<>();
        result.steps().forEach(step -> steps.put(step.step(), step.duration().toMillis()));
        return new TestbedStarted(result.config().toString(), result.namespace(), result.programs(), steps);
    }

    private TestbedStopped stopTestbed(boolean thisHostOnly, StepListener progress) {
        StopResult result = thisHostOnly ? orchestrator.stopThisHost(progress) : orchestrator.stopAgents(progress);
        return new TestbedStopped(result.stopped(),
                result.stopped().isEmpty() ? "No agents running" : "Stopped: " + String.join(", ", result.stopped()));
    }

    private ManagerStatus status(boolean thisHostOnly) {
        TestbedStatus status = thisHostOnly ? orchestrator.thisHostStatus() : orchestrator.status();
        String namespace = status.namespace();
        Instant now = Instant.now();
        List<AgentLiveness> agents = agentHeartbeats.current().stream()
                .filter(seen -> namespace != null && namespace.equals(seen.heartbeat().namespace()))
                .map(seen -> seen.liveness(now))
                .toList();
        return new ManagerStatus(status, agents, ping());
    }

    private LogLines logs(LogsRequest command) {
        String program = command.program();
        if (program == null || !PROGRAM.matcher(program).matches()) {
            throw new MalformedMessageException("logs needs a program name such as 'data-agent' or 'workflow-runner',"
                    + " got " + (program == null ? "none" : "'" + program + "'"));
        }
        int lines = command.lines() == null ? DEFAULT_LOG_LINES : Math.max(1, Math.min(command.lines(), MAX_LOG_LINES));
        return new LogLines(program, orchestrator.logFile(program).toString(), orchestrator.logTail(program, lines));
    }

    private ManagerInfo ping() {
        return new ManagerInfo("alive", user, ProcessHandle.current().pid(), hostname,
                orchestrator.readRunRecord().map(RunRecord::namespace).orElse(null), bus.isConnected(), operation.get(),
                Duration.between(startedAt, Instant.now()).toSeconds());
    }

    private void rememberHeartbeat(InboundMessage message) {
        try {
            Heartbeat heartbeat = codec.decode(message.body(), Heartbeat.class);
            if (!AGENT_TYPE.equals(heartbeat.agentType())) {
                agentHeartbeats.record(heartbeat);
            }
        } catch (MalformedMessageException e) {
            LOG.log(Level.DEBUG, "Ignored an unreadable heartbeat: {0}", e.getMessage());
        }
    }

    private void succeed(Request request, Object result) {
        reply(request.raw(), request.fields(), Reply.ok(request.command(), request.correlationId(), instanceName(),
                result));
    }

    private void fail(Request request, ErrorCode code, String error) {
        fail(request.raw(), request.fields(), request.command(), code, error);
    }

    private void fail(InboundMessage raw, Map<String, Object> fields, String command, ErrorCode code, String error) {
        reply(raw, fields, Reply.failed(command, raw.correlationId(fields), instanceName(), code, error, List.of()));
    }

    private void reply(InboundMessage raw, Map<String, Object> fields, Reply<?> reply) {
        Destination address = raw.replyAddress(fields);
        if (address == null) {
            LOG.log(Level.INFO, "{0}: {1} (no reply address)", reply.inReplyTo(),
                    reply.success() ? "done" : reply.error());
            return;
        }
        try {
            bus.send(address, codec.encodeReply(reply), null, reply.correlationId());
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

    /** A command as received: what a reply to it needs. */
    private record Request(InboundMessage raw, Map<String, Object> fields, String command) {

        String correlationId() {
            return raw.correlationId(fields);
        }
    }
}
