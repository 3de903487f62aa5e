package org.swf.testbed.orchestrator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.access.HomeBroker;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.lifecycle.IllegalLifecycleTransitionException;
import org.swf.testbed.lifecycle.LifecycleEvent;
import org.swf.testbed.lifecycle.LifecycleState;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStore;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.MessageBusFactory;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.RunWorkflow;
import org.swf.testbed.protocol.Timestamps;
import org.swf.testbed.util.Await;
import org.swf.testbed.util.ListeningSockets;
import org.swf.testbed.util.OsUser;
import org.swf.testbed.util.PrivateFiles;
import org.swf.testbed.util.Redaction;

/**
 * Starts, stops and observes a user's testbed: the one implementation behind the CLI, the agent
 * manager and any JVM tool that embeds the testbed.
 *
 * <p>{@link #run} follows the spec's start-up sequence: load the config; refuse when any agent
 * runs; restart supervisord so it sees the current environment; start the broker (when
 * embedded), the workflow runner, then every enabled agent at once; wait for their READY
 * heartbeats; send {@code run_workflow} and return its execution id. Every wait has a deadline,
 * none is a fixed sleep. Start and stop hold a lock in the state directory, so two front ends
 * never start or stop the same testbed at once.
 *
 * <pre>{@code
 * Orchestrator orchestrator = new Orchestrator(settings, supervisor, buses, programs, executions);
 * RunResult run = orchestrator.run(RunOptions.of(null));     // agents + workflow
 * TestbedStatus status = orchestrator.status();
 * orchestrator.stopAgents();
 * }</pre>
 */
public final class Orchestrator {

    private static final String RUN_RECORD = "current-run.json";
    private static final String LOCK_FILE = "orchestrator.lock";
    private static final int LOG_TAIL_LINES = 20;

    private final OrchestratorSettings settings;
    private final ProcessSupervisor supervisor;
    private final MessageBusFactory buses;
    private final ProgramFactory programs;
    private final ExecutionStore executions;
    private final ConfigLocator locator;
    private final TestbedConfigReader reader;
    private final JsonCodec codec = new JsonCodec();
    private final BrokerAccess access;
    private final HomeBroker homeBroker;

    /**
     * @param settings where to work and how long to wait
     * @param supervisor runs the programs
     * @param buses connects to the broker
     * @param programs turns the config into programs
     * @param executions the workflow execution records of this home
     */
    public Orchestrator(OrchestratorSettings settings, ProcessSupervisor supervisor, MessageBusFactory buses,
            ProgramFactory programs, ExecutionStore executions) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.buses = buses;
        this.programs = programs;
        this.executions = executions;
        this.locator = new ConfigLocator(settings.home(), settings.environment());
        this.reader = new TestbedConfigReader(locator);
        this.access = new BrokerAccess(settings.stateDirectory(), settings.environment());
        this.homeBroker = access.homeBroker();
    }

    /** @return how this home's parts reach its broker */
    public BrokerAccess brokerAccess() {
        return access;
    }

    /** @return resolves config names in this testbed's home */
    public ConfigLocator locator() {
        return locator;
    }

    /**
     * @param configName a config name, or null for the default
     * @return the loaded, validated config
     * @throws ConfigException naming the file, key and fix
     */
    public TestbedConfig loadConfig(String configName) {
        return reader.read(configName);
    }

    /**
     * Starts the testbed and, unless {@code options} say otherwise, its workflow.
     *
     * @param options which config, and whether and how to trigger the workflow
     * @return what was started, the execution id, and how long each step took
     * @throws ConfigException for an invalid config (nothing was started)
     * @throws LifecycleConflictException when agents already run (nothing was changed)
     * @throws ServiceUnavailableException when supervisord or the broker is unavailable
     * @throws org.swf.testbed.TestbedTimeoutException when programs did not get ready in time
     * @throws TestbedException when a program failed to start, with its log tail
     */
    public RunResult run(RunOptions options) {
        StepTimer timer = new StepTimer();
        TestbedConfig config = timer.time("load config", () -> reader.read(options.configName()));
        timer.time("plan programs", () -> plan(config, config.broker().embedded()
                ? homeBroker.currentPorts(config.broker()) : null));
        return withLock(() -> start(config, options, timer));
    }

    private RunResult start(TestbedConfig config, RunOptions options, StepTimer timer) {
        timer.time("check supervisord", supervisor::requireInstalled);
        SupervisorSnapshot before = timer.time("check running agents", supervisor::observe);
        try {
            LifecycleState.observe(before.programs()).next(LifecycleEvent.START_AGENTS);
        } catch (IllegalLifecycleTransitionException e) {
            List<String> active = before.active().stream().map(p -> p.name() + " (" + p.state() + ")").toList();
            throw new LifecycleConflictException("Cannot start - agents already running: " + String.join(", ", active)
                    + ". Run 'testbed stop-agents' first");
        }
        List<String> notices = new ArrayList<>();
        MessageBus runningBus;
        BrokerPorts newBroker = null;
        if (!config.broker().embedded()) {
            runningBus = timer.time("connect to broker", () -> connect(access.endpoint(config.broker())));
        } else {
            // This home's broker may run already (`testbed broker`, or the agent manager's): it is
            // used as it is. Anything else listening where it should be is left alone.
            runningBus = timer.time("look for this home's broker", () -> runningHomeBroker(config, notices));
            if (runningBus == null) {
                newBroker = homeBroker.choosePorts(config.broker(), notices::add);
            }
        }
        BrokerPorts ports = config.broker().embedded()
                ? newBroker != null ? newBroker : homeBroker.currentPorts(config.broker()) : null;
        List<ProgramSpec> specs = plan(config, newBroker);
        writeRunRecord(config, specs, ports);
        timer.time("restart supervisord", () -> supervisor.restart(specs, programEnvironment(config, ports)));
        BrokerPorts toStart = newBroker;
        try (MessageBus bus = runningBus != null ? runningBus : timer.time("start broker", () -> startBroker(toStart))) {
            HeartbeatWatch watch = new HeartbeatWatch(config.namespace(), codec);
            try (MessageBus.Subscription heartbeats = bus.subscribe(Destinations.HEARTBEATS, watch::accept)) {
                // The runner's start is issued first; the agents' follows at once and the supervisor
                // starts them all in parallel, so nobody waits out another program's startsecs.
                List<String> programsToStart = new ArrayList<>();
                programsToStart.add(ProgramFactory.WORKFLOW_RUNNER);
                config.enabledAgents().forEach(agent -> programsToStart.add(ProgramFactory.agentProgram(agent.key())));
                timer.time("start runner and agents", () -> supervisor.start(programsToStart));
                List<String> awaited = heartbeatPrograms(config);
                timer.time("wait for READY heartbeats", () -> watch.awaitReady(awaited, settings.readinessTimeout(),
                        () -> failIfCrashed(awaited)));
            }
            String executionId = null;
            String runId = null;
            if (options.triggerWorkflow()) {
                Reply reply = timer.time("trigger workflow", () -> triggerWorkflow(bus, config, options));
                executionId = String.valueOf(reply.result().get("execution_id"));
                runId = reply.result().get("run_id") == null ? null : String.valueOf(reply.result().get("run_id"));
            }
            List<String> started = specs.stream().map(ProgramSpec::name).toList();
            return new RunResult(config.source(), config.namespace(), started, executionId, runId, timer.steps(),
                    notices);
        }
    }

    /**
     * Stops every program of the testbed, orphans of a killed supervisord included.
     *
     * @return the programs that were stopped; empty when none ran
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public StopResult stopAgents() {
        supervisor.requireInstalled();
        return withLock(() -> {
            SupervisorSnapshot snapshot = supervisor.observe();
            if (snapshot.active().isEmpty()) {
                return new StopResult(List.of());
            }
            LifecycleState.observe(snapshot.programs()).next(LifecycleEvent.STOP_AGENTS);
            return new StopResult(supervisor.stopAll());
        }, true);
    }

    /**
     * Observes the testbed now: supervisord's state of every program, each agent's last
     * heartbeat and the current workflow execution as the runner reports them.
     *
     * @return the observed status; what could not be observed is listed in its problems
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public TestbedStatus status() {
        supervisor.requireInstalled();
        executions.failAbandoned(RunnerLiveness.ofThisHost());
        Optional<RunRecord> record = readRunRecord();
        SupervisorSnapshot snapshot = supervisor.observe();
        List<String> problems = new ArrayList<>();
        if (!snapshot.daemonRunning()) {
            problems.add("supervisord is not running for " + settings.home());
        }
        Boolean brokerReachable = null;
        String runnerState = null;
        Map<String, Object> execution = null;
        Map<String, Map<String, Object>> heartbeatsByProgram = new LinkedHashMap<>();
        boolean runnerAnswered = false;
        if (record.isPresent() && !snapshot.active().isEmpty()) {
            try (MessageBus bus = connect(endpointOf(record.get()))) {
                brokerReachable = true;
                Reply reply = request(bus, record.get().namespace(), Map.of(
                        "msg_type", MessageType.STATUS_REQUEST.wireName(),
                        "namespace", record.get().namespace(),
                        "timestamp", Timestamps.localIso(Instant.now()),
                        "source", "status"));
                runnerAnswered = reply.success();
                Object state = reply.result().get("operational_state");
                runnerState = state == null ? null : String.valueOf(state);
                if (reply.result().get("execution") instanceof Map<?, ?> current) {
                    execution = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> entry : current.entrySet()) {
                        execution.put(String.valueOf(entry.getKey()), entry.getValue());
                    }
                }
                if (reply.result().get("agents") instanceof List<?> agents) {
                    for (Object agent : agents) {
                        if (agent instanceof Map<?, ?> fields && fields.get("program") != null) {
                            Map<String, Object> copy = new LinkedHashMap<>();
                            fields.forEach((k, v) -> copy.put(String.valueOf(k), v));
                            heartbeatsByProgram.put(String.valueOf(fields.get("program")), copy);
                        }
                    }
                }
            } catch (ServiceUnavailableException e) {
                brokerReachable = false;
                problems.add(e.getMessage());
            } catch (TestbedException e) {
                problems.add("The workflow runner did not answer: " + e.getMessage());
            }
        }
        List<String> heartbeatPrograms = record.map(RunRecord::heartbeatPrograms).orElse(List.of());
        List<ProgramReport> reports = new ArrayList<>();
        for (ProgramStatus program : ordered(snapshot.programs(), record)) {
            Map<String, Object> heartbeat = heartbeatsByProgram.get(program.name());
            String operational = heartbeat == null ? null : String.valueOf(heartbeat.get("operational_state"));
            if (program.name().equals(ProgramFactory.WORKFLOW_RUNNER) && runnerState != null) {
                operational = runnerState;
            }
            Long age = heartbeat == null || !(heartbeat.get("seconds_since_heartbeat") instanceof Number n)
                    ? null : n.longValue();
            boolean silent = runnerAnswered && program.state() == ProgramState.RUNNING
                    && heartbeatPrograms.contains(program.name())
                    && !program.name().equals(ProgramFactory.WORKFLOW_RUNNER) && heartbeat == null;
            if (silent) {
                problems.add(program.name() + " runs but has sent no heartbeat");
            }
            boolean failing = program.state().isFailing() || program.state() == ProgramState.ORPHANED
                    || program.state() == ProgramState.EXITED || silent
                    || "EXITED".equals(operational);
            List<String> tail = failing ? supervisor.logTail(program.name(), 10) : List.of();
            reports.add(new ProgramReport(program.name(), program.state().name(), program.pid(),
                    program.uptime().toSeconds(), program.detail(), failing, operational, age, tail));
        }
        return new TestbedStatus(LifecycleState.observe(snapshot.programs()).name(), snapshot.daemonRunning(),
                record.map(RunRecord::config).orElse(null), record.map(RunRecord::namespace).orElse(null),
                record.map(RunRecord::brokerUrl).orElse(null),
                record.map(RunRecord::brokerPorts).map(BrokerPorts::stompPort).orElse(null), brokerReachable, reports,
                runnerState, execution, problems);
    }

    /**
     * Triggers a workflow on the running testbed, as {@link #run} does once the agents are ready.
     *
     * @param options realtime and parameter overrides (the config is the running testbed's)
     * @return the execution id and run number, in a result without started programs
     * @throws LifecycleConflictException when the testbed is not running or a workflow runs
     */
    public RunResult startWorkflow(RunOptions options) {
        StepTimer timer = new StepTimer();
        RunRecord record = runningRecord();
        TestbedConfig config = reader.read(java.nio.file.Path.of(record.config()));
        try (MessageBus bus = connect(endpointOf(record))) {
            Reply reply = timer.time("trigger workflow", () -> triggerWorkflow(bus, config, options));
            return new RunResult(config.source(), config.namespace(), List.of(),
                    String.valueOf(reply.result().get("execution_id")), String.valueOf(reply.result().get("run_id")),
                    timer.steps(), List.of());
        }
    }

    /**
     * Stops the running workflow at its next step; it still sends {@code end_run}.
     *
     * @param executionId the execution to stop, or null for whichever runs
     * @return the stopped execution's id
     * @throws LifecycleConflictException when the testbed or no such workflow is running
     */
    public String stopWorkflow(String executionId) {
        RunRecord record = runningRecord();
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("msg_type", MessageType.STOP_WORKFLOW.wireName());
        command.put("namespace", record.namespace());
        if (executionId != null) {
            command.put("execution_id", executionId);
        }
        command.put("timestamp", Timestamps.localIso(Instant.now()));
        command.put("source", "cli");
        try (MessageBus bus = connect(endpointOf(record))) {
            Reply reply = request(bus, record.namespace(), command);
            if (!reply.success()) {
                throw new LifecycleConflictException("The workflow runner refused stop_workflow: " + reply.error());
            }
            return String.valueOf(reply.result().get("execution_id"));
        }
    }

    private RunRecord runningRecord() {
        Optional<RunRecord> record = readRunRecord();
        if (record.isEmpty() || !supervisor.observe().active().stream()
                .anyMatch(program -> program.name().equals(ProgramFactory.WORKFLOW_RUNNER))) {
            throw new LifecycleConflictException("The testbed is not running in " + settings.home()
                    + ". Start it with 'testbed run'");
        }
        return record.get();
    }

    /**
     * Follows a workflow execution until it ends, reporting its progress as the runner reports
     * it. When the runner stops answering, the execution record decides: an execution whose
     * runner died is failed.
     *
     * @param namespace the namespace whose runner runs it
     * @param executionId the execution
     * @param every how often to ask the runner
     * @param onProgress called with the runner's view of the execution after each answer
     * @return the final record of the execution
     * @throws ServiceUnavailableException when the broker cannot be reached
     * @throws org.swf.testbed.TestbedTimeoutException when the runner stops answering and the
     *     record still says running
     */
    public ExecutionRecord follow(String namespace, String executionId, java.time.Duration every,
            java.util.function.Consumer<Map<String, Object>> onProgress) throws InterruptedException {
        BrokerEndpoint endpoint = readRunRecord().map(this::endpointOf)
                .orElseGet(() -> access.endpoint(reader.read((String) null).broker()));
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        int silent = 0;
        try (MessageBus bus = connect(endpoint)) {
            while (true) {
                try {
                    Reply reply = request(bus, namespace, Map.of("msg_type", MessageType.STATUS_REQUEST.wireName(),
                            "namespace", namespace, "timestamp", Timestamps.localIso(Instant.now()), "source", "cli"));
                    silent = 0;
                    if (reply.result().get("execution") instanceof Map<?, ?> current
                            && executionId.equals(current.get("execution_id"))) {
                        Map<String, Object> progress = new LinkedHashMap<>();
                        current.forEach((key, value) -> progress.put(String.valueOf(key), value));
                        onProgress.accept(progress);
                        if (!"running".equals(progress.get("status"))) {
                            return finalRecord(executionId);
                        }
                    } else {
                        return finalRecord(executionId);
                    }
                } catch (org.swf.testbed.TestbedTimeoutException e) {
                    executions.failAbandoned(RunnerLiveness.ofThisHost());
                    Optional<ExecutionRecord> stored = executions.find(executionId);
                    if (stored.isPresent() && stored.get().status() != org.swf.testbed.port.ExecutionStatus.RUNNING) {
                        return stored.get();
                    }
                    if (++silent >= 3) {
                        throw new org.swf.testbed.TestbedTimeoutException("The workflow runner of namespace " + namespace
                                + " stopped answering while " + executionId + " runs. Check it with 'testbed status'");
                    }
                }
                never.await(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
    }

    private ExecutionRecord finalRecord(String executionId) {
        executions.failAbandoned(RunnerLiveness.ofThisHost());
        // The runner records the end just after it reports it; allow it a moment.
        return Await.until("the record of " + executionId + " to show its end", settings.replyTimeout(), () ->
                executions.find(executionId).filter(r -> r.status() != org.swf.testbed.port.ExecutionStatus.RUNNING));
    }

    /**
     * The record of past and current workflow executions. Executions whose runner died are
     * marked failed first, so none is shown running without a runner.
     *
     * @param limit how many at most
     * @return the most recent executions, newest first
     */
    public List<ExecutionRecord> executions(int limit) {
        executions.failAbandoned(RunnerLiveness.ofThisHost());
        return executions.recent(limit);
    }

    /**
     * Measures supervisord's health for liveness reports.
     *
     * @return {@code running} when supervisord answers, {@code idle} when none runs and nothing
     *     is left behind, {@code error} when programs run without their supervisord
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public String supervisordHealth() {
        supervisor.requireInstalled();
        SupervisorSnapshot snapshot = supervisor.observe();
        if (snapshot.daemonRunning()) {
            return "running";
        }
        return snapshot.programs().stream().anyMatch(p -> p.state() == ProgramState.ORPHANED) ? "error" : "idle";
    }

    /**
     * @param program a program name
     * @param lines how many lines at most
     * @return the last lines of its log
     */
    public List<String> logTail(String program, int lines) {
        return supervisor.logTail(program, lines);
    }

    /**
     * @param program a program name
     * @return its log file
     */
    public Path logFile(String program) {
        return supervisor.logFile(program);
    }

    /** @param newBroker where a broker program of this home is to listen, or null for none */
    private List<ProgramSpec> plan(TestbedConfig config, BrokerPorts newBroker) {
        List<ProgramSpec> specs = new ArrayList<>();
        if (newBroker != null) {
            specs.add(programs.broker(config, newBroker));
        }
        specs.add(programs.workflowRunner(config));
        for (AgentSpec agent : config.enabledAgents()) {
            specs.add(programs.agent(config, agent));
        }
        return specs;
    }

    private List<String> heartbeatPrograms(TestbedConfig config) {
        List<String> awaited = new ArrayList<>();
        awaited.add(ProgramFactory.WORKFLOW_RUNNER);
        config.enabledAgents().stream().filter(programs::sendsHeartbeats)
                .forEach(agent -> awaited.add(ProgramFactory.agentProgram(agent.key())));
        return awaited;
    }

    private Map<String, String> programEnvironment(TestbedConfig config, BrokerPorts ports) {
        Map<String, String> environment = new LinkedHashMap<>(access.programEnvironment(config.broker(), ports));
        environment.put(ConfigLocator.CONFIG_VARIABLE, config.source().toString());
        environment.put("SWF_HOME", settings.environment().swfHome().orElse(settings.home().getParent() == null
                ? settings.home().toString() : settings.home().getParent().toString()));
        environment.put("TESTBED_HOME", settings.home().toString());
        return environment;
    }

    private MessageBus startBroker(BrokerPorts ports) {
        supervisor.start(List.of(ProgramFactory.BROKER));
        BrokerEndpoint endpoint = access.embedded(ports);
        try {
            return Await.until("the embedded broker to accept connections at " + endpoint.redactedUrl(),
                    settings.readinessTimeout(), () -> {
                try {
                    return Optional.of(connect(endpoint));
                } catch (ServiceUnavailableException e) {
                    failIfCrashed(List.of(ProgramFactory.BROKER));
                    return Optional.empty();
                }
            });
        } catch (org.swf.testbed.TestbedTimeoutException e) {
            throw new org.swf.testbed.TestbedTimeoutException(e.getMessage() + ". See its log: "
                    + supervisor.logFile(ProgramFactory.BROKER), null,
                    supervisor.logTail(ProgramFactory.BROKER, LOG_TAIL_LINES));
        }
    }

    private void failIfCrashed(List<String> awaited) {
        for (ProgramStatus program : supervisor.observe().programs()) {
            if (awaited.contains(program.name()) && !program.state().isActive() || awaited.contains(program.name())
                    && program.state().isFailing()) {
                throw new TestbedException("Program '" + program.name() + "' is " + program.state()
                        + (program.detail().isEmpty() ? "" : " (" + program.detail() + ")")
                        + " instead of running. See its log: " + supervisor.logFile(program.name())
                        + ". Run 'testbed stop-agents' before trying again", null,
                        supervisor.logTail(program.name(), LOG_TAIL_LINES));
            }
        }
    }

    private Reply triggerWorkflow(MessageBus bus, TestbedConfig config, RunOptions options) {
        Map<String, Object> params = new LinkedHashMap<>(config.parameters());
        params.putAll(options.parameters());
        boolean realtime = options.realtime() != null ? options.realtime() : config.workflow().realtime();
        RunWorkflow command = new RunWorkflow(MessageType.RUN_WORKFLOW.wireName(), config.namespace(),
                config.workflow().name(), config.workflow().config(), realtime, 0.0, params,
                Timestamps.localIso(Instant.now()), options.source(), null, null);
        Reply reply = request(bus, config.namespace(), command);
        if (!reply.success()) {
            String message = "The workflow runner refused run_workflow: " + reply.error();
            throw reply.errorCode() == ErrorCode.INVALID_CONFIG ? new ConfigException(message)
                    : reply.errorCode() == ErrorCode.BUSY ? new LifecycleConflictException(message)
                    : new TestbedException(message);
        }
        return reply;
    }

    private Reply request(MessageBus bus, String namespace, Object command) {
        InboundMessage answer = bus.request(Destinations.workflowControl(namespace), codec.encode(command),
                settings.replyTimeout());
        return codec.decode(answer.body(), Reply.class);
    }

    /**
     * @return a connection to this home's broker when it runs already, or null when it does not.
     *     A listener where the home's broker should be is taken for it only when it belongs to this
     *     user and proves that it knows the home's login (SCRAM: our password never leaves us).
     */
    private MessageBus runningHomeBroker(TestbedConfig config, List<String> notices) {
        Optional<BrokerPorts> known = homeBroker.knownPorts(config.broker());
        if (known.isEmpty()) {
            return null;
        }
        BrokerPorts ports = known.get();
        int port = ports.amqpPort();
        if (ListeningSockets.free(BrokerSettings.EMBEDDED_HOST, port)) {
            return null;
        }
        OptionalInt owner = ListeningSockets.ownerOf(port);
        String notOurs;
        if (owner.isPresent() && owner.getAsInt() != OsUser.effectiveUid()) {
            notOurs = "it belongs to user " + OsUser.describe(owner.getAsInt());
        } else {
            try {
                return connect(access.embedded(ports));
            } catch (ServiceUnavailableException e) {
                notOurs = "it does not know this home's broker login (" + e.getMessage() + ")";
            }
        }
        // The ports this home recorded are worth a word when someone took them meanwhile (configured
        // ones held by another are refused when the broker is to start there).
        if (!config.broker().portsConfigured()) {
            notices.add("Port " + port + ", where this home's broker listened before, is now in use by another listener ("
                    + notOurs + "); it is left alone");
        }
        return null;
    }

    /**
     * @return how to reach the running testbed's broker, with its login
     * @throws LifecycleConflictException when the testbed is not running
     */
    public BrokerEndpoint runningBroker() {
        return endpointOf(runningRecord());
    }

    /**
     * @param record what the last run started
     * @return how to reach the broker of that run: the embedded broker at the recorded ports, or
     *     the external broker of the run's config
     */
    private BrokerEndpoint endpointOf(RunRecord record) {
        if (record.brokerPorts() != null) {
            return access.embedded(record.brokerPorts());
        }
        return access.endpoint(reader.read(Path.of(record.config())).broker());
    }

    private MessageBus connect(BrokerEndpoint endpoint) {
        return buses.connect(endpoint, "testbed-cli-" + ProcessHandle.current().pid(), settings.connectTimeout());
    }

    private static List<ProgramStatus> ordered(List<ProgramStatus> programs, Optional<RunRecord> record) {
        List<String> order = record.map(RunRecord::programs).orElse(List.of());
        List<ProgramStatus> sorted = new ArrayList<>(programs);
        sorted.sort((a, b) -> Integer.compare(rank(order, a.name()), rank(order, b.name())));
        return sorted;
    }

    private static int rank(List<String> order, String name) {
        int index = order.indexOf(name);
        return index < 0 ? Integer.MAX_VALUE : index;
    }

    private void writeRunRecord(TestbedConfig config, List<ProgramSpec> specs, BrokerPorts ports) {
        String shownUrl = ports != null ? BrokerSettings.embeddedUrl(ports.amqpPort()) : Redaction.url(config.broker().url());
        RunRecord record = new RunRecord(config.source().toString(), config.namespace(), shownUrl, ports,
                specs.stream().map(ProgramSpec::name).toList(), heartbeatPrograms(config), Instant.now().toString());
        Path file = settings.stateDirectory().resolve(RUN_RECORD);
        try {
            PrivateFiles.directory(settings.stateDirectory());
            PrivateFiles.write(file, codec.encode(record));
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot write " + file + ": " + e.getMessage() + ". Check that "
                    + settings.home() + " is writable by you", e);
        }
    }

    /** @return what the last run started, if anything was started from this home */
    public Optional<RunRecord> readRunRecord() {
        Path file = settings.stateDirectory().resolve(RUN_RECORD);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(Files.readString(file, StandardCharsets.UTF_8), RunRecord.class));
        } catch (IOException | TestbedException e) {
            return Optional.empty();
        }
    }

    private <T> T withLock(Supplier<T> operation) {
        return withLock(operation, false);
    }

    /**
     * @param unlockedIfReadOnly whether to go ahead without the lock when the state directory
     *     cannot be written (stopping must work even then; starting writes there anyway)
     */
    private <T> T withLock(Supplier<T> operation, boolean unlockedIfReadOnly) {
        Path lockFile = settings.stateDirectory().resolve(LOCK_FILE);
        FileChannel channel;
        try {
            PrivateFiles.directory(settings.stateDirectory());
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
        } catch (IOException e) {
            if (unlockedIfReadOnly) {
                return operation.get();
            }
            throw new ServiceUnavailableException("Cannot lock " + lockFile + ": " + e.getMessage() + ". Check that "
                    + settings.stateDirectory() + " is writable by you", e);
        }
        try (channel; FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new org.swf.testbed.OperationInProgressException("Another start or stop of this testbed"
                        + " is in progress. Wait for it to finish, then try again");
            }
            return operation.get();
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }
}
