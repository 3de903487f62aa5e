package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.OperationInProgressException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.access.BrokerHold;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.access.HomeBroker;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.ConfigDigest;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.lifecycle.IllegalLifecycleTransitionException;
import org.swf.testbed.lifecycle.LifecycleEvent;
import org.swf.testbed.lifecycle.LifecycleState;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;
import org.swf.testbed.protocol.CommandEnvelope;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.HeartbeatRequest;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.TestbedStarted;
import org.swf.testbed.protocol.WorkflowStarted;
import org.swf.testbed.util.Await;
import org.swf.testbed.util.ListeningSockets;
import org.swf.testbed.util.OsUser;
import org.swf.testbed.util.Redaction;

/**
 * Starts and stops the testbed's programs under the home's lock, and records what it started.
 *
 * <p>A start follows the spec's sequence: load and plan the config (nothing is touched when it is
 * invalid); refuse when any agent runs; find or start the home's broker; restart supervisord with
 * the programs and their environment; start the runner and every agent at once; wait for their
 * READY heartbeats; trigger the workflow when asked.
 */
final class TestbedLauncher {

    private static final int LOG_TAIL_LINES = 20;

    private final OrchestratorSettings settings;
    private final ProcessSupervisor supervisor;
    private final ProgramFactory programs;
    private final TestbedConfigReader reader;
    private final BrokerAccess access;
    private final HomeBroker homeBroker;
    private final HomeMonitor homeMonitor;
    private final HomeState state;
    private final BrokerConnections connections;
    private final WorkflowControl workflows;
    private final JsonCodec codec;
    private final ProgramWaits waits;
    private final OtherHosts otherHosts;

    TestbedLauncher(OrchestratorSettings settings, ProcessSupervisor supervisor, ProgramFactory programs,
            TestbedConfigReader reader, BrokerAccess access, HomeState state, BrokerConnections connections,
            WorkflowControl workflows, JsonCodec codec, OtherHosts otherHosts) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.programs = programs;
        this.reader = reader;
        this.access = access;
        this.homeBroker = access.homeBroker();
        this.homeMonitor = new HomeMonitor(settings.stateDirectory());
        this.state = state;
        this.connections = connections;
        this.workflows = workflows;
        this.codec = codec;
        this.waits = new ProgramWaits(supervisor, settings);
        this.otherHosts = otherHosts;
    }

    /** The steps of a start that runs on a broker already running: see {@link #start}. */
    private static final int START_STEPS = 8;
    /** The steps of a stop: check supervisord, observe the programs, stop them (or remove stale files). */
    private static final int STOP_STEPS = 3;

    RunResult run(RunOptions options, StepListener listener) {
        StepTimer timer = new StepTimer(listener, START_STEPS + (options.triggerWorkflow() ? 1 : 0));
        TestbedConfig config = timer.time("load config", () -> reader.read(options.configName()));
        String thisHost = otherHosts.thisHost();
        if (options.shareOf() != null) {
            requireSameConfig(config, options);
        }
        // Planned before anything is touched, so an agent that cannot run stops the start here.
        LaunchPlan plan = timer.time("plan programs", () -> plan(config, thisHost,
                options.shareOf() != null ? options.shareOf() : thisHost));
        return state.withLock(() -> start(plan, options, timer), false);
    }

    StopResult stopAgents(StepListener listener, boolean thisHostOnly) {
        StepTimer timer = new StepTimer(listener, STOP_STEPS);
        timer.time("check supervisord", supervisor::requireInstalled);
        Map<String, List<String>> elsewhere = thisHostOnly ? Map.of()
                : state.readRunRecord().map(RunRecord::otherHosts).orElse(Map.of());
        if (elsewhere.isEmpty()) {
            return stopThisHost(timer);
        }
        // The other hosts' agents first: the runner, here or there, sees them go.
        timer.expectMore(1);
        StopResult there = timer.time("stop the programs of " + String.join(", ", elsewhere.keySet()),
                () -> stopOtherHosts(elsewhere.keySet()));
        StopResult here = stopThisHost(timer);
        List<String> stopped = new ArrayList<>(here.stopped());
        stopped.addAll(there.stopped());
        return new StopResult(stopped, here.keptRunning(), there.unreached());
    }

    private StopResult stopOtherHosts(Collection<String> hosts) {
        RunRecord record = state.readRunRecord().orElseThrow();
        List<String> stopped = new ArrayList<>();
        Map<String, String> unreached = new TreeMap<>();
        try (MessageBus bus = connections.connect(connections.endpointOf(record))) {
            otherHosts.stop(bus, hosts).forEach((host, outcome) -> {
                if (outcome.failure() != null) {
                    unreached.put(host, outcome.failure() + "; " + otherHosts.startItsManager(host,
                            Path.of(record.config())) + ", then stop again (or run 'testbed stop-agents' on " + host
                            + ")");
                } else {
                    stopped.addAll(outcome.result());
                }
            });
        } catch (ServiceUnavailableException e) {
            hosts.forEach(host -> unreached.put(host, e.getMessage()));
        }
        return new StopResult(stopped, List.of(), unreached);
    }

    private StopResult stopThisHost(StepTimer timer) {
        return state.withLock(() -> {
            SupervisorSnapshot snapshot = timer.time("check running programs", supervisor::observe);
            if (snapshot.active().isEmpty()) {
                // Nothing runs: a supervisord shut down meanwhile (by hand, or killed) left its files.
                timer.time("remove supervisord's stale files", supervisor::removeStaleFiles);
                return new StopResult(List.of());
            }
            Optional<ProgramStatus> held = BrokerHold.isHeld(settings.stateDirectory())
                    ? BrokerProgram.running(snapshot) : Optional.empty();
            if (held.isPresent()) {
                // The agent manager serves on this broker: it stays, and supervisord with it.
                List<ProgramStatus> others = BrokerProgram.others(snapshot);
                List<String> active = others.stream().filter(p -> p.state().isActive()).map(ProgramStatus::name)
                        .toList();
                if (active.isEmpty()) {
                    return new StopResult(List.of(), List.of(ProgramFactory.BROKER));
                }
                LifecycleState.observe(others).next(LifecycleEvent.STOP_AGENTS);
                return new StopResult(timer.time("stop " + String.join(", ", active) + " (the broker stays)",
                        () -> supervisor.stop(active)), List.of(ProgramFactory.BROKER));
            }
            // A supervisord that does not answer never blocks a stop: the supervisor stops it and
            // its programs by their process markers.
            LifecycleState.beginStop(snapshot);
            StopResult stopped = new StopResult(timer.time("stop " + snapshot.active().stream()
                    .map(ProgramStatus::name).collect(Collectors.joining(", ")) + " and supervisord",
                    supervisor::stopAll));
            timer.expectMore(1);
            timer.time("remove supervisord's stale files", supervisor::removeStaleFiles);
            return stopped;
        }, true);
    }

    /** Starts this home's embedded broker as a supervised program unless it runs (see {@link Orchestrator#startBroker}). */
    BrokerStart startBroker(String configName) {
        TestbedConfig config;
        try {
            config = reader.read(configName);
        } catch (ConfigException e) {
            if (configName != null) {
                throw e;
            }
            // A home whose default config cannot be read still has its embedded broker.
            config = TestbedConfig.brokerOnly(settings.home(), BrokerSettings.embeddedDefault());
        }
        if (!config.broker().embedded()) {
            return new BrokerStart(null, false, List.of());
        }
        supervisor.requireInstalled();
        TestbedConfig brokerConfig = config;
        // A start or stop of the testbed may hold the home's lock for a while; it decides about the
        // broker meanwhile, and this start follows it.
        return Await.until("the home's lock, to start its broker", settings.readinessTimeout(), () -> {
            try {
                return Optional.of(state.withLock(() -> startBrokerLocked(brokerConfig), false));
            } catch (OperationInProgressException e) {
                return Optional.empty();
            }
        });
    }

    /** Stops the broker when it is all that runs and nobody holds it (see {@link Orchestrator#stopBrokerIfIdle}). */
    List<String> stopBrokerIfIdle() {
        try {
            return state.withLock(() -> {
                SupervisorSnapshot snapshot = supervisor.observe();
                boolean brokerAlone = BrokerProgram.running(snapshot).isPresent()
                        && BrokerProgram.others(snapshot).stream().noneMatch(p -> p.state().isActive());
                if (!brokerAlone || BrokerHold.isHeld(settings.stateDirectory())) {
                    return List.<String>of();
                }
                List<String> stopped = supervisor.stopAll();
                supervisor.removeStaleFiles();
                return stopped;
            }, true);
        } catch (OperationInProgressException e) {
            // A start or stop runs: it decides what becomes of the broker.
            return List.of();
        }
    }

    private BrokerStart startBrokerLocked(TestbedConfig config) {
        List<String> notices = new ArrayList<>();
        try (MessageBus running = runningHomeBroker(config, notices)) {
            if (running != null) {
                return new BrokerStart(homeBroker.currentPorts(config.broker()), false, notices);
            }
        }
        SupervisorSnapshot snapshot = supervisor.observe();
        if (!snapshot.active().isEmpty()) {
            // Starting the broker now would restart supervisord under programs that run.
            notices.add("Programs of this testbed run without its broker ("
                    + snapshot.active().stream().map(ProgramStatus::name).collect(Collectors.joining(", "))
                    + "); the broker is left to them. 'testbed stop-agents' stops them");
            return new BrokerStart(null, false, notices);
        }
        BrokerPorts ports = homeBroker.choosePorts(config.broker(), notices::add);
        ProgramSpec broker = programs.broker(config, ports);
        supervisor.restart(List.of(broker), programEnvironment(config, ports));
        state.writePrograms(new LaunchedPrograms(List.of(broker)));
        try (MessageBus started = startBroker(ports)) {
            return new BrokerStart(ports, true, notices);
        }
    }

    private RunResult start(LaunchPlan plan, RunOptions options, StepTimer timer) {
        TestbedConfig config = plan.config();
        timer.time("check supervisord", supervisor::requireInstalled);
        SupervisorSnapshot before = timer.time("check running agents", supervisor::observe);
        // A broker running alone (the agent manager's, or one left by a stop that kept it) is the
        // home's broker between testbeds, not an agent.
        List<ProgramStatus> others = BrokerProgram.others(before);
        try {
            LifecycleState.observe(others).next(LifecycleEvent.START_AGENTS);
        } catch (IllegalLifecycleTransitionException e) {
            List<String> active = others.stream().filter(p -> p.state().isActive())
                    .map(p -> p.name() + " (" + p.state() + ")").toList();
            throw new LifecycleConflictException("Cannot start - agents already running: " + String.join(", ", active)
                    + ". Run 'testbed stop-agents' first");
        }
        List<String> notices = new ArrayList<>();
        MessageBus runningBus;
        BrokerPorts newBroker = null;
        if (!config.broker().embedded()) {
            runningBus = timer.time("connect to broker", () -> connections.connect(access.endpoint(config.broker())));
        } else {
            // This home's broker may run already (supervised, or `testbed broker`): it is used as
            // it is. Anything else listening where it should be is left alone.
            runningBus = timer.time("look for this home's broker", () -> runningHomeBroker(config, notices));
            if (runningBus == null) {
                newBroker = homeBroker.choosePorts(config.broker(), notices::add);
                timer.expectMore(1); // "start broker"
            }
        }
        Map<String, List<String>> shares = new TreeMap<>(plan.otherHosts());
        CompletableFuture<Map<String, TestbedStarted>> shareStarts = options.shareOf() != null || shares.isEmpty()
                ? null : startOtherHosts(config, options, shares, runningBus, timer, notices);
        BrokerPorts ports = config.broker().embedded()
                ? newBroker != null ? newBroker : homeBroker.currentPorts(config.broker()) : null;
        // A supervised broker that answers keeps running: supervisord takes the new programs
        // around it instead of restarting, so whoever uses it (the agent manager) never loses it.
        boolean keepBroker = BrokerProgram.running(before).isPresent()
                && (!config.broker().embedded() || runningBus != null);
        Map<String, String> environment = programEnvironment(config, ports);
        if (plan.programNames().contains(ProgramFactory.WORKFLOW_RUNNER)) {
            // The monitor API is the runner's: a host that runs only agents of a testbed started
            // elsewhere has none to point its programs at.
            environment.putAll(monitorEnvironment(notices));
        }
        List<ProgramSpec> specs = new ArrayList<>();
        List<String> startedPrograms = new ArrayList<>();
        if (keepBroker) {
            // The broker's program exactly as supervisord got it: one that differs in the least (a
            // class-data archive made since) would be restarted by supervisord's update.
            specs.add(state.readPrograms().flatMap(launched -> launched.programs().stream()
                    .filter(program -> program.name().equals(ProgramFactory.BROKER)).findFirst())
                    .orElseGet(() -> programs.broker(config, homeBroker.currentPorts(config.broker().embedded()
                            ? config.broker() : BrokerSettings.embeddedDefault()))));
            // The kept supervisord's environment is that of its start: the programs carry theirs.
            plan.programs().forEach(program -> specs.add(withEnvironment(program, environment)));
        } else {
            if (newBroker != null) {
                specs.add(programs.broker(config, newBroker));
            }
            specs.addAll(plan.programs());
        }
        if (newBroker != null) {
            startedPrograms.add(ProgramFactory.BROKER);
        }
        startedPrograms.addAll(plan.programNames());
        state.writeRunRecord(new RunRecord(config.source().toString(), config.namespace(), shownBrokerUrl(config, ports),
                ports, startedPrograms, plan.heartbeatPrograms(), Instant.now().toString(),
                monitorPortOf(environment), otherHosts.thisHost(), shares));
        state.writePrograms(new LaunchedPrograms(specs));
        try {
            if (keepBroker) {
                timer.time("update supervisord", () -> supervisor.update(specs));
            } else {
                timer.time("restart supervisord", () -> supervisor.restart(specs, environment));
            }
        } catch (RuntimeException e) {
            if (runningBus != null) {
                runningBus.close();
            }
            throw e;
        }
        BrokerPorts toStart = newBroker;
        List<String> all = plan.programNames();
        MessageBus connection = runningBus;
        // With a new broker the runner and the built-in agents start next to it; the rest after it.
        List<String> withBroker = runningBus == null ? plan.ownPrograms() : List.of();
        List<String> rest = all.stream().filter(name -> !withBroker.contains(name)).toList();
        if (connection == null) {
            // The runner and the built-in agents start with the broker, not after it: their JVMs
            // start while it does, and each waits until it listens. Heartbeats they send before
            // this process subscribes are asked for again below. Other programs (the original's
            // agents) may expect the broker up when they start, as it always was: they follow it.
            timer.expectMore(1);
            timer.time("start broker", () -> supervisor.spawn(List.of(ProgramFactory.BROKER)));
            timer.time("start runner and agents", () -> supervisor.spawn(withBroker));
            connection = timer.time("wait for the broker", () -> awaitBroker(toStart));
        }
        try (MessageBus bus = connection) {
            HeartbeatWatch watch = new HeartbeatWatch(config.namespace(), codec, settings.readinessTimeout());
            try (MessageBus.Subscription heartbeats = bus.subscribe(Destinations.HEARTBEATS, watch::accept)) {
                // Nobody waits out supervisord's startsecs: a program that sends heartbeats is ready
                // at its READY heartbeat, which says more than having stayed up a second; the others
                // are ready when supervisord reports them RUNNING.
                if (runningBus == null) {
                    requestHeartbeats(bus, config.namespace());
                    if (!rest.isEmpty()) {
                        timer.expectMore(1);
                        timer.time("start the other agents", () -> supervisor.spawn(rest));
                    }
                } else {
                    timer.time("start runner and agents", () -> supervisor.spawn(rest));
                }
                List<String> awaited = plan.heartbeatPrograms();
                timer.time("wait for READY heartbeats", () -> watch.awaitReady(awaited, settings.readinessTimeout(),
                        () -> waits.failIfCrashed(all)));
                List<String> silent = all.stream().filter(name -> !awaited.contains(name)).toList();
                if (!silent.isEmpty()) {
                    timer.expectMore(1);
                    timer.time("wait for RUNNING", () -> waits.awaitRunning(silent));
                }
            }
            if (shareStarts != null) {
                CompletableFuture<Map<String, TestbedStarted>> pending = shareStarts;
                Map<String, TestbedStarted> elsewhere = timer.time("wait for " + String.join(", ", shares.keySet()),
                        () -> joined(pending));
                elsewhere.forEach((host, share) -> {
                    startedPrograms.addAll(share.programs());
                    notices.add(host + " started " + String.join(", ", share.programs()));
                });
            }
            WorkflowStarted started = options.triggerWorkflow()
                    ? timer.time("trigger workflow", () -> workflows.trigger(bus, config, options)) : null;
            return new RunResult(config.source(), config.namespace(), startedPrograms,
                    started == null ? null : started.executionId(), started == null ? null : started.runId(),
                    timer.steps(), notices);
        }
    }

    /**
     * Asks the other hosts' agent managers whether they are there and, unless one is missing (and
     * the start is not partial), to start their shares, all at once, in the background.
     *
     * @param shares the programs of each other host; the hosts left out of a partial start are
     *     removed from it
     * @return the shares' starts, done when every host's share is ready or has failed
     * @throws ServiceUnavailableException naming the hosts whose managers do not answer, and the fix
     */
    private CompletableFuture<Map<String, TestbedStarted>> startOtherHosts(TestbedConfig config, RunOptions options,
            Map<String, List<String>> shares, MessageBus bus, StepTimer timer, List<String> notices) {
        timer.expectMore(2);
        Map<String, String> silent = timer.time("ask the agent managers of " + String.join(", ", shares.keySet()),
                () -> otherHosts.unanswered(bus, shares.keySet()));
        if (!silent.isEmpty()) {
            List<String> missing = silent.entrySet().stream().map(host -> host.getKey() + "'s agent manager does not"
                    + " answer (" + host.getValue() + "); it would run " + String.join(", ", shares.get(host.getKey()))
                    + ". " + capitalized(otherHosts.startItsManager(host.getKey(), config.source()))).toList();
            if (!options.partial()) {
                bus.close();
                throw new ServiceUnavailableException("Nothing started: " + String.join(". ", missing)
                        + ". Or run with --partial to start the testbed without "
                        + String.join(", ", silent.keySet()) + "'s programs");
            }
            missing.forEach(line -> notices.add("Started without it: " + line));
            shares.keySet().removeAll(silent.keySet());
        }
        if (shares.isEmpty()) {
            return null;
        }
        String file = config.source().getFileName().toString();
        String digest = ConfigDigest.of(config.source());
        List<String> hosts = List.copyOf(shares.keySet());
        return CompletableFuture.supplyAsync(() -> otherHosts.startShares(bus, hosts, file, digest), runnable -> {
            Thread thread = new Thread(runnable, "testbed-other-hosts");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** @return the value of a finished background step, its failure thrown as it was */
    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** @return the program with {@code environment} under its own variables, which win */
    private static ProgramSpec withEnvironment(ProgramSpec program, Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(program.environment());
        return new ProgramSpec(program.name(), program.role(), program.command(), program.directory(), merged,
                program.startSeconds(), program.autoRestart());
    }

    /** @return the port of the monitor API the runner serves, from the programs' environment; null when none */
    private static Integer monitorPortOf(Map<String, String> environment) {
        String port = environment.get(TestbedEnvironment.OWN_MONITOR_PORT_VARIABLE);
        return port == null ? null : Integer.valueOf(port);
    }

    /**
     * The runner and the agents this host runs, in start order (the broker joins them when one is
     * to start), and the programs the other hosts run.
     *
     * @param thisHost this host's name in the testbed
     * @param startingHost the host whose {@code testbed run} starts the testbed: it runs the
     *     runner and every agent whose table names no host
     */
    private LaunchPlan plan(TestbedConfig config, String thisHost, String startingHost) {
        List<ProgramSpec> specs = new ArrayList<>();
        List<String> heartbeatPrograms = new ArrayList<>();
        List<String> ownPrograms = new ArrayList<>();
        Map<String, List<String>> elsewhere = new TreeMap<>();
        if (startingHost.equals(thisHost)) {
            specs.add(programs.workflowRunner(config));
            heartbeatPrograms.add(ProgramFactory.WORKFLOW_RUNNER);
            ownPrograms.add(ProgramFactory.WORKFLOW_RUNNER);
        } else {
            elsewhere.computeIfAbsent(startingHost, host -> new ArrayList<>()).add(ProgramFactory.WORKFLOW_RUNNER);
        }
        for (AgentSpec agent : config.enabledAgents()) {
            ProgramSpec first = programs.agent(config, agent);
            if (agent.replicas() > 1) {
                programs.whyNotReplicable(config, agent).ifPresent(why -> {
                    throw new ConfigException(config.source() + ": [agents." + agent.key() + "] replicas = "
                            + agent.replicas() + ": " + why + ". Remove replicas to run one");
                });
            }
            List<ProgramSpec> copies = new ArrayList<>();
            for (int replica = 1; replica <= agent.replicas(); replica++) {
                ProgramSpec copy = replica == 1 ? first : ProgramFactory.replicaOf(first, replica);
                String host = agent.hostOf(replica).orElse(startingHost);
                if (host.equals(thisHost)) {
                    copies.add(copy);
                } else {
                    elsewhere.computeIfAbsent(host, h -> new ArrayList<>()).add(copy.name());
                }
            }
            specs.addAll(copies);
            List<String> names = copies.stream().map(ProgramSpec::name).toList();
            if (programs.sendsHeartbeats(agent)) {
                ownPrograms.addAll(names);
            }
            if (programs.readyByHeartbeat(agent)) {
                heartbeatPrograms.addAll(names);
            }
        }
        if (!elsewhere.isEmpty() && config.broker().embedded()) {
            throw new ConfigException(config.source() + ": programs on other hosts (" + String.join(", ",
                    elsewhere.keySet()) + ") need a broker every host reaches, but the config has none: the embedded"
                    + " broker listens on this host's loopback only. Set [broker] url to a shared broker (see"
                    + " docs/hosts.md)");
        }
        return new LaunchPlan(config, specs, heartbeatPrograms, ownPrograms, elsewhere);
    }

    /** A host asked for its share refuses a config that is not the one the starting host read. */
    private static void requireSameConfig(TestbedConfig config, RunOptions options) {
        String digest = ConfigDigest.of(config.source());
        if (!digest.equals(options.configDigest())) {
            throw new ConfigException(config.source() + " on this host differs from the one " + options.shareOf()
                    + " starts the testbed with. Copy " + options.shareOf() + "'s workflows/"
                    + config.source().getFileName() + " here, so every host runs the same testbed");
        }
    }

    private Map<String, String> programEnvironment(TestbedConfig config, BrokerPorts ports) {
        Map<String, String> environment = new LinkedHashMap<>(access.programEnvironment(config.broker(), ports));
        environment.put(ConfigLocator.CONFIG_VARIABLE, config.source().toString());
        environment.put("SWF_HOME", settings.environment().swfHome().orElse(settings.home().getParent() == null
                ? settings.home().toString() : settings.home().getParent().toString()));
        environment.put("TESTBED_HOME", settings.home().toString());
        // Their heartbeats name the host as the configs do.
        environment.put(TestbedEnvironment.HOST_VARIABLE, otherHosts.thisHost());
        return environment;
    }

    /**
     * @return the variables that point every program at the monitor API the runner serves, or
     *     none when the user configured a real monitor ({@code SWF_MONITOR_URL}, or
     *     {@code SWF_MONITOR_HTTP_URL}, where the built-in programs POST their heartbeats), which
     *     programs then reach as before
     */
    private Map<String, String> monitorEnvironment(List<String> notices) {
        boolean apiUrl = settings.environment().monitorApiUrl().isPresent();
        boolean httpUrl = settings.environment().monitorUrl().isPresent();
        if (apiUrl && !httpUrl) {
            notices.add(TestbedEnvironment.MONITOR_API_URL_VARIABLE + " is set but "
                    + TestbedEnvironment.MONITOR_URL_VARIABLE + " is not: agents of the original send their log"
                    + " records nowhere. Set it too (usually the same URL)");
        } else if (httpUrl && !apiUrl) {
            notices.add(TestbedEnvironment.MONITOR_URL_VARIABLE + " is set but "
                    + TestbedEnvironment.MONITOR_API_URL_VARIABLE + " is not: agents of the original cannot get an"
                    + " agent id from that monitor. Set it too (usually the same URL), or unset both to have the"
                    + " testbed serve the monitor API itself");
        }
        return apiUrl || httpUrl ? Map.of() : homeMonitor.programEnvironment(homeMonitor.choosePort());
    }

    private MessageBus startBroker(BrokerPorts ports) {
        supervisor.spawn(List.of(ProgramFactory.BROKER));
        return awaitBroker(ports);
    }

    /** Asks the namespace's agents for a heartbeat now: those that sent READY before we listened say it again. */
    private void requestHeartbeats(MessageBus bus, String namespace) {
        bus.send(Destinations.HEARTBEATS, codec.encodeCommand(new HeartbeatRequest(namespace, "testbed-run",
                CommandEnvelope.sentNowBy("testbed-run", settings.replyTimeout()))));
    }

    /** @return a connection to the broker started at {@code ports}, once it accepts one */
    private MessageBus awaitBroker(BrokerPorts ports) {
        BrokerEndpoint endpoint = access.embedded(ports);
        try {
            return Await.until("the embedded broker to accept connections at " + endpoint.redactedUrl(),
                    settings.readinessTimeout(), () -> {
                try {
                    return Optional.of(connections.connect(endpoint));
                } catch (ServiceUnavailableException e) {
                    waits.failIfCrashed(List.of(ProgramFactory.BROKER));
                    return Optional.empty();
                }
            });
        } catch (TestbedTimeoutException e) {
            throw new TestbedTimeoutException(e.getMessage() + ". See its log: "
                    + supervisor.logFile(ProgramFactory.BROKER), null,
                    supervisor.logTail(ProgramFactory.BROKER, LOG_TAIL_LINES));
        }
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
                return connections.connect(access.embedded(ports));
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

    private static String shownBrokerUrl(TestbedConfig config, BrokerPorts ports) {
        return ports != null ? BrokerSettings.embeddedUrl(ports.amqpPort()) : Redaction.url(config.broker().url());
    }

    /**
     * What a start runs, resolved once from the config.
     *
     * @param config the loaded config
     * @param programs the runner and the agents, in start order
     * @param heartbeatPrograms the programs whose READY heartbeat is awaited
     * @param ownPrograms the runner and the built-in agents: the testbed's own programs, which wait
     *     for a broker that is still starting
     * @param otherHosts the programs the other hosts run, by host
     */
    private record LaunchPlan(TestbedConfig config, List<ProgramSpec> programs, List<String> heartbeatPrograms,
            List<String> ownPrograms, Map<String, List<String>> otherHosts) {

        List<String> programNames() {
            return programs.stream().map(ProgramSpec::name).toList();
        }

        /** @return this plan without the programs of {@code hosts} */
        LaunchPlan without(Collection<String> hosts) {
            Map<String, List<String>> kept = new TreeMap<>(otherHosts);
            kept.keySet().removeAll(hosts);
            return new LaunchPlan(config, programs, heartbeatPrograms, ownPrograms, kept);
        }
    }
}
