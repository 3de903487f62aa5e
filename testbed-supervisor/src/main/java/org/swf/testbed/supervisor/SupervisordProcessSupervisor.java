package org.swf.testbed.supervisor;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;
import org.swf.testbed.util.Await;
import org.swf.testbed.util.LogTail;
import org.swf.testbed.util.OsUser;

/**
 * {@link ProcessSupervisor} backed by supervisord, driven through its XML-RPC interface on the
 * home's control socket ({@link SupervisordRpc}), the interface supervisorctl uses.
 *
 * <p>Every call runs under a deadline (DESIGN 3.4); the daemon itself is started as
 * {@code supervisord -c CONF}. What the daemon cannot report is read from {@code /proc}: programs keep running
 * when supervisord is killed with SIGKILL, and the environment markers the configuration gives
 * each program ({@link SupervisordConfWriter#CONF_MARKER}) let this adapter find, report and
 * stop them instead of starting duplicates. Nothing is written to stdout; diagnostics go to a
 * {@link System.Logger} at DEBUG.
 */
public final class SupervisordProcessSupervisor implements ProcessSupervisor {

    private static final System.Logger LOG = System.getLogger(SupervisordProcessSupervisor.class.getName());

    private static final String INSTALL_HINT =
            "Install it: apt-get install -y supervisor (Debian/Ubuntu) or pip install supervisor";

    private static final Pattern PROGRAM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** How many lines of a program's log a failed start carries. */
    private static final int FAILURE_LOG_LINES = 20;
    /** The most start calls made to supervisord at once (the agents' group is one, each further copy another). */
    private static final int MAX_PARALLEL_STARTS = 8;

    /** How long orphans get after SIGTERM: what supervisord would give them. */
    private static final Duration ORPHAN_TERM_TIMEOUT = Duration.ofSeconds(SupervisordConfWriter.STOP_WAIT_SECONDS);

    /** How long orphans get after SIGKILL, which the kernel acts on at once. */
    private static final Duration ORPHAN_KILL_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How long {@code supervisorctl status} may take before its daemon counts as hung: long enough
     * for supervisorctl's own start on a loaded machine, short enough that a stop with a hung
     * daemon stays well under a minute.
     */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    /** How long a hung supervisord gets to act on SIGTERM before SIGKILL; it has no programs to wait for. */
    private static final Duration HUNG_DAEMON_TERM_TIMEOUT = Duration.ofSeconds(5);


    /** Marks a program supervisorctl printed no result line for; resolved by a status query. */
    private static final String NO_RESULT = "no result";

    private final SupervisorLayout layout;
    private final SupervisordConfWriter writer;
    private final CommandRunner runner = new CommandRunner();
    private final SupervisordRpc rpc;
    private final Object lock = new Object();

    /** @param layout where this home's supervisord files are and how long calls may take */
    public SupervisordProcessSupervisor(SupervisorLayout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.writer = new SupervisordConfWriter(layout);
        this.rpc = new SupervisordRpc(layout.socket());
    }

    /** @return the layout this adapter works in, e.g. for messages that name the configuration */
    public SupervisorLayout layout() {
        return layout;
    }

    /**
     * Looks for {@code supervisord} and {@code supervisorctl} in the layout's binary directory,
     * or on {@code PATH}.
     *
     * @throws ServiceUnavailableException naming the install command when either is missing
     */
    @Override
    public void requireInstalled() {
        binary("supervisord");
        binary("supervisorctl");
    }

    /**
     * Observes the daemon and the processes of this configuration. Programs are reported in
     * configuration order; a program whose process outlived its daemon is {@link ProgramState#ORPHANED}
     * (reported once, by its top-most process). Without a configuration file only orphans are
     * reported.
     *
     * <p>A daemon whose process runs but which does not answer within a deadline (stopped with
     * SIGSTOP, deadlocked, its socket gone) is {@link DaemonState#HUNG}, and its programs, found by
     * their markers, are STOPPING: they may run, and nobody supervises them.
     *
     * @return what runs now
     */
    @Override
    public SupervisorSnapshot observe() {
        layout.checkRuntimeDirectory();
        Optional<ConfIndex> conf = ConfIndex.read(layout.confFile());
        Set<Long> daemons = liveDaemons();
        List<ProcFs.MarkedProcess> marked = ProcFs.markedProcesses(layout.confFile());
        Map<String, ProcFs.MarkedProcess> orphans = new LinkedHashMap<>();
        ProcFs.orphanTops(marked, daemons).forEach(top -> orphans.putIfAbsent(top.program(), top));
        SupervisorctlOutput.StatusReply reply = conf.isPresent() ? askDaemon(daemons)
                : new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.NOT_LISTENING, List.of(), "");
        DaemonState daemon = reply.daemonState(!daemons.isEmpty());
        long daemonPid = daemons.stream().findFirst().orElse(0L);

        List<ProgramStatus> programs = new ArrayList<>();
        if (daemon == DaemonState.RUNNING) {
            Map<String, ProgramStatus> byName = new LinkedHashMap<>();
            reply.programs().forEach(status -> byName.put(status.name(), status));
            Set<String> names = new LinkedHashSet<>(conf.get().programs());
            names.addAll(byName.keySet());
            for (String name : names) {
                ProgramStatus status = byName.getOrDefault(name, new ProgramStatus(name, ProgramState.STOPPED, 0,
                        Duration.ZERO, "not known to the running supervisord, which has an older configuration"));
                ProcFs.MarkedProcess orphan = orphans.remove(name);
                if (orphan == null || status.state().isActive()) {
                    programs.add(status);
                }
                if (orphan != null) {
                    programs.add(orphanStatus(orphan));
                }
            }
        } else if (conf.isPresent()) {
            Map<String, ProcFs.MarkedProcess> silentlyManaged = new HashMap<>();
            for (long pid : daemons) {
                ProcFs.topsUnder(marked, pid).forEach(top -> silentlyManaged.putIfAbsent(top.program(), top));
            }
            for (String name : conf.get().programs()) {
                ProcFs.MarkedProcess orphan = orphans.remove(name);
                ProcFs.MarkedProcess managed = silentlyManaged.get(name);
                if (orphan != null) {
                    programs.add(orphanStatus(orphan));
                } else if (managed != null) {
                    programs.add(new ProgramStatus(name, ProgramState.STOPPING, managed.pid(), uptime(managed.pid()),
                            daemon == DaemonState.SHUTTING_DOWN
                                    ? "its supervisord (pid " + managed.parentPid() + ") is shutting down"
                                    : "its supervisord (pid " + managed.parentPid() + ") is not answering, so nobody"
                                            + " supervises it; 'testbed stop-agents' stops it"));
                } else {
                    programs.add(new ProgramStatus(name, ProgramState.STOPPED, 0, Duration.ZERO,
                            daemon == DaemonState.NOT_RUNNING ? "supervisord is not running"
                                    : "not running; its supervisord does not answer"));
                }
            }
        }
        orphans.values().forEach(orphan -> programs.add(orphanStatus(orphan)));
        return new SupervisorSnapshot(daemon, daemon == DaemonState.NOT_RUNNING ? 0 : daemonPid, reply.detail(),
                programs);
    }

    /**
     * Writes the configuration, shuts down a running daemon and waits until it is gone, then
     * starts a new one with this process's environment plus {@code environment} and waits until
     * it answers. Starts no program.
     *
     * @param programs every program the daemon should know
     * @param environment variables for the daemon and so for every program
     * @throws IllegalArgumentException when a program or variable cannot be written faithfully
     * @throws ServiceUnavailableException when supervisord is missing, will not stop or will not start
     */
    @Override
    public void restart(List<ProgramSpec> programs, Map<String, String> environment) {
        Objects.requireNonNull(programs, "programs");
        Objects.requireNonNull(environment, "environment");
        environment.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value == null
                    || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid environment variable '" + ProgramSpec.printable(key)
                        + "' for supervisord: names must be non-empty without '=' and values must not contain NUL");
            }
        });
        synchronized (lock) {
            requireInstalled();
            writer.render(programs); // refuse bad input before anything is touched
            layout.prepareDirectories();
            writer.write(programs);
            stopDaemon();
            // The old daemon is gone: a fresh directory, so nothing of it (pidfile, socket) is left.
            removeStaleRuntimeDirectory();
            layout.prepareDirectories();
            removeStaleSocket();
            startDaemon(environment);
        }
    }

    /**
     * Rewrites the configuration and applies it with {@code supervisorctl update}, which leaves
     * every program whose section is unchanged as it is, stops and removes the ones no longer
     * there, and loads the new and changed ones.
     *
     * @param programs every program the daemon should know
     * @throws IllegalArgumentException when a program cannot be written faithfully
     * @throws ServiceUnavailableException when supervisord does not run or refuses the update
     */
    @Override
    public void update(List<ProgramSpec> programs) {
        Objects.requireNonNull(programs, "programs");
        synchronized (lock) {
            requireInstalled();
            writer.render(programs); // refuse bad input before anything is touched
            layout.checkRuntimeDirectory();
            if (!socketAccepts()) {
                throw new ServiceUnavailableException("Cannot update the programs of " + layout.confFile()
                        + ": its supervisord is not running. Run 'testbed stop-agents', then 'testbed run'");
            }
            writer.write(programs);
            String refusal = applyConfiguration();
            Set<String> known = queryStatus().orElseThrow(() -> new ServiceUnavailableException("supervisord for "
                    + layout.confFile() + " stopped answering during an update" + (refusal.isEmpty() ? "" : ": "
                    + refusal) + ". Run 'testbed stop-agents', then 'testbed run'")).stream().map(ProgramStatus::name)
                    .collect(Collectors.toSet());
            List<String> missing = programs.stream().map(ProgramSpec::name).filter(name -> !known.contains(name))
                    .toList();
            if (!refusal.isEmpty() || !missing.isEmpty()) {
                throw new ServiceUnavailableException("supervisord did not take the new programs of "
                        + layout.confFile() + (missing.isEmpty() ? "" : " (missing: " + String.join(", ", missing)
                        + ")") + (refusal.isEmpty() ? "" : ": " + refusal) + ". See " + supervisordLog(), null,
                        LogTail.read(supervisordLog(), FAILURE_LOG_LINES));
            }
        }
    }

    /**
     * Stops the named programs with {@code supervisorctl stop}, in supervisord's stop order (agents,
     * then the runner, then the broker), and waits until their processes are gone.
     *
     * @param programs program names
     * @return those that were active
     * @throws ServiceUnavailableException when supervisord does not answer
     */
    @Override
    public List<String> stop(List<String> programs) {
        Objects.requireNonNull(programs, "programs");
        synchronized (lock) {
            SupervisorSnapshot before = observe();
            if (before.daemon() != DaemonState.RUNNING) {
                throw new ServiceUnavailableException("Cannot stop " + String.join(", ", programs) + ": supervisord for "
                        + layout.confFile() + " is " + before.daemon() + ". 'testbed stop-agents' stops everything"
                        + " without it");
            }
            List<String> active = before.active().stream().map(ProgramStatus::name).filter(programs::contains)
                    .distinct().toList();
            if (active.isEmpty()) {
                return active;
            }
            ConfIndex conf = ConfIndex.read(layout.confFile()).orElseThrow(() -> new ServiceUnavailableException(
                    "Cannot stop " + String.join(", ", active) + ": there is no supervisord configuration at "
                            + layout.confFile()));
            for (List<String> phase : conf.stopPhases()) {
                stopPhase(phase.stream().filter(namespec -> active.contains(SupervisorctlOutput.plainName(namespec)))
                        .toList());
            }
            Await.until(String.join(", ", active) + " of " + layout.confFile() + " to stop", layout.stopTimeout(),
                    () -> ProcFs.markedProcesses(layout.confFile()).stream()
                            .noneMatch(process -> active.contains(process.program())));
            return active;
        }
    }

    /**
     * Starts the named programs concurrently: every agent with one {@code start agents:*} when
     * all agents are named (supervisord then waits startsecs once for all of them), every other
     * program with its own call.
     *
     * @param programs names from the last {@link #restart}
     * @throws TestbedException naming the first program that failed, with its log tail
     * @throws ServiceUnavailableException when supervisord is not running
     */
    @Override
    public void start(List<String> programs) {
        start(programs, true);
    }

    /**
     * As {@link #start}, but returns as soon as supervisord has spawned each program.
     *
     * @param programs names from the last {@link #restart}
     * @throws TestbedException naming the first program that could not be spawned, with its log tail
     * @throws ServiceUnavailableException when supervisord is not running
     */
    @Override
    public void spawn(List<String> programs) {
        start(programs, false);
    }

    private void start(List<String> programs, boolean wait) {
        Objects.requireNonNull(programs, "programs");
        List<String> names = programs.stream().distinct().toList();
        if (names.isEmpty()) {
            return;
        }
        synchronized (lock) {
            layout.checkRuntimeDirectory();
            ConfIndex conf = ConfIndex.read(layout.confFile()).orElseThrow(() -> new ServiceUnavailableException(
                    "Cannot start " + String.join(", ", names) + ": there is no supervisord configuration at "
                            + layout.confFile() + ". Run 'testbed run', which writes it and starts supervisord"));
            for (String name : names) {
                if (!conf.programs().contains(name)) {
                    throw new TestbedException("Program '" + name + "' is not in " + layout.confFile() + " (it has: "
                            + String.join(", ", conf.programs()) + "). Check the name, or run 'testbed run' to"
                            + " regenerate the configuration");
                }
            }
            if (!socketAccepts()) {
                throw new ServiceUnavailableException("Cannot start " + String.join(", ", names)
                        + ": supervisord is not running for " + layout.confFile() + ". Run 'testbed run', which"
                        + " restarts it");
            }
            Map<String, List<String>> calls = new LinkedHashMap<>();
            List<String> agents = names.stream().filter(conf.agents()::contains).toList();
            boolean allAgents = !conf.agents().isEmpty() && agents.size() == conf.agents().size();
            if (allAgents) {
                calls.put(SupervisordConfWriter.AGENT_GROUP + ":*", agents);
            }
            for (String name : names) {
                if (!(allAgents && conf.agents().contains(name))) {
                    calls.put(conf.namespec(name), List.of(name));
                }
            }
            Map<String, String> failures = runStarts(calls, conf, wait);
            if (failures.containsValue(NO_RESULT)) {
                // A group start leaves out members that already run; the daemon's status settles it.
                Map<String, ProgramStatus> states = queryStatus().orElse(List.of()).stream()
                        .collect(Collectors.toMap(ProgramStatus::name, s -> s, (a, b) -> a));
                failures.replaceAll((name, words) -> {
                    if (!NO_RESULT.equals(words)) {
                        return words;
                    }
                    ProgramStatus status = states.get(name);
                    if (status != null && (status.state() == ProgramState.RUNNING
                            || status.state() == ProgramState.STARTING)) {
                        return null;
                    }
                    return "supervisorctl reported nothing for it and it is "
                            + (status == null ? "not known to supervisord" : status.state()
                            + (status.detail().isEmpty() ? "" : " (" + status.detail() + ")"));
                });
                failures.values().removeIf(Objects::isNull);
            }
            for (String name : names) {
                if (failures.containsKey(name)) {
                    throw new TestbedException("Program '" + name + "' failed to start: " + failures.get(name)
                            + ". Log: " + logFile(name), null, logTail(name, FAILURE_LOG_LINES));
                }
            }
        }
    }

    /**
     * Stops every program with {@code supervisorctl stop}, phase by phase (the daemon keeps
     * running), then terminates orphans of a killed daemon: SIGTERM to each and its descendants,
     * SIGKILL to those still running after supervisord's stopwaitsecs.
     *
     * <p>A daemon that does not answer cannot stop anything, so it is stopped first: SIGTERM,
     * and SIGKILL when it has not exited within a few seconds (a stopped one cannot act on
     * SIGTERM before it is continued). Its programs are then orphans and end as above. A daemon
     * that stops answering during the stop is treated the same way, so the whole stop stays
     * bounded (well under a minute) whatever supervisord does.
     *
     * @return the names of the programs that were active before
     * @throws TestbedException naming the pids when a process survives even SIGKILL
     */
    @Override
    public List<String> stopAll() {
        synchronized (lock) {
            SupervisorSnapshot before = observe();
            List<String> active = before.active().stream().map(ProgramStatus::name).distinct().toList();
            switch (before.daemon()) {
                case RUNNING -> stopThroughDaemon();
                case HUNG -> stopUnansweringDaemons(HUNG_DAEMON_TERM_TIMEOUT,
                        "it is not answering (" + before.daemonDetail() + ")");
                // It is stopping its programs already; it gets the time a stop takes before it is ended.
                case SHUTTING_DOWN -> stopUnansweringDaemons(layout.stopTimeout(), "it is shutting down");
                case NOT_RUNNING -> {
                    // Only orphans can be left.
                }
            }
            terminateOrphans();
            return active;
        }
    }

    /** Stops the programs through the answering daemon, or without it once it stops answering. */
    private void stopThroughDaemon() {
        try {
            // supervisorctl's 'stop all' signals every program at once; stopping phase by phase
            // keeps the broker up until the agents have sent their exit heartbeats.
            List<List<String>> phases = ConfIndex.read(layout.confFile()).map(ConfIndex::stopPhases)
                    .filter(found -> !found.isEmpty()).orElse(List.of(List.of("all")));
            for (List<String> phase : phases) {
                stopPhase(phase);
            }
        } catch (SupervisordRpc.NoAnswer | SupervisordRpc.NotListening | TestbedTimeoutException e) {
            // A 'stop' outlives stopwaitsecs only when supervisord itself hangs.
            LOG.log(System.Logger.Level.DEBUG, "supervisord stopped answering during the stop: {0}", e.getMessage());
            stopUnansweringDaemons(HUNG_DAEMON_TERM_TIMEOUT, "it stopped answering during the stop ("
                    + e.getMessage() + ")");
            return;
        }
        // supervisord reports a program stopped once it has reaped it; /proc confirms it cheaply.
        Set<Long> daemons = liveDaemons();
        Await.until("every program of " + layout.confFile() + " to stop", layout.stopTimeout(),
                () -> daemons.stream().allMatch(daemon -> ProcFs.topsUnder(
                        ProcFs.markedProcesses(layout.confFile()), daemon).isEmpty()));
    }

    /**
     * Ends this configuration's supervisord processes without their help: SIGTERM, then SIGKILL
     * for those still running after {@code grace}. Their programs keep running as orphans.
     * Only processes of this user are signalled; the pidfile lives in our private runtime
     * directory, and one found by its command line could be anybody's.
     *
     * @param grace how long they get to exit after SIGTERM
     * @param why why they are not asked, for the log and the error
     * @throws TestbedException naming the pids when one survives SIGKILL or is not ours
     */
    private void stopUnansweringDaemons(Duration grace, String why) {
        Set<Long> daemons = liveDaemons();
        if (daemons.isEmpty()) {
            return;
        }
        int us = OsUser.effectiveUid();
        List<Long> foreign = daemons.stream().filter(pid -> ProcFs.uid(pid).map(uid -> uid != us).orElse(false))
                .toList();
        if (!foreign.isEmpty()) {
            throw new TestbedException("supervisord for " + layout.confFile() + " does not answer (" + why
                    + "), and its process " + foreign + " belongs to another user, so it is not ours to stop. Ask"
                    + " its owner or root to stop it: kill " + join(foreign));
        }
        LOG.log(System.Logger.Level.DEBUG, "Ending supervisord {0} of {1} without its help: {2}", daemons,
                layout.confFile(), why);
        daemons.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        try {
            // A stopped daemon acts on SIGTERM only once continued: waiting for it would be waiting for nothing.
            Await.until("supervisord " + daemons + " to exit after SIGTERM", grace,
                    () -> daemons.stream().noneMatch(pid -> ProcFs.isRunning(pid) && !ProcFs.isStopped(pid)));
        } catch (TestbedTimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "supervisord {0} ignored SIGTERM: {1}", daemons, e.getMessage());
        }
        List<Long> stubborn = daemons.stream().filter(ProcFs::isRunning).toList();
        if (stubborn.isEmpty()) {
            return;
        }
        stubborn.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        try {
            Await.until("supervisord " + stubborn + " to exit after SIGKILL", ORPHAN_KILL_TIMEOUT,
                    () -> stubborn.stream().noneMatch(ProcFs::isRunning));
        } catch (TestbedTimeoutException e) {
            throw new TestbedException("supervisord for " + layout.confFile() + " (pid " + join(stubborn)
                    + ") does not answer (" + why + ") and did not exit even after SIGKILL. Stop it by hand: kill -9 "
                    + join(stubborn) + ", then run 'testbed stop-agents' again", e);
        }
    }

    /**
     * Removes this home's runtime directory ({@link SupervisorLayout#removeRuntimeDirectory()})
     * when no supervisord of the configuration runs and nothing answers on its socket.
     */
    @Override
    public void removeStaleFiles() {
        synchronized (lock) {
            removeStaleRuntimeDirectory();
        }
    }

    /**
     * Reads the end of the program's log without reading the whole file.
     *
     * @param program a program name
     * @param lines how many lines at most
     * @return the last lines, oldest first; empty when there is no log
     */
    @Override
    public List<String> logTail(String program, int lines) {
        return LogTail.read(logFile(program), lines);
    }

    /**
     * @param program a program name
     * @return {@code logDir/NAME.log}
     * @throws IllegalArgumentException for a name that is not a program name (it would escape
     *     the log directory)
     */
    @Override
    public Path logFile(String program) {
        if (program == null || !PROGRAM_NAME.matcher(program).matches()) {
            throw new IllegalArgumentException("Invalid program name '" + ProgramSpec.printable(program)
                    + "': use letters, digits, '_', '.' or '-'");
        }
        return layout.logDir().resolve(program + ".log");
    }

    // ---------------------------------------------------------------------------------------
    // daemon

    private void stopDaemon() {
        Set<Long> daemons = liveDaemons();
        if (daemons.isEmpty() && !socketAccepts()) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "Shutting down supervisord {0} of {1}", daemons, layout.confFile());
        Optional<Long> stopped = daemons.stream().filter(ProcFs::isStopped).findFirst();
        if (stopped.isPresent()) {
            // It cannot answer 'shutdown' before it is continued.
            stopUnansweringDaemons(HUNG_DAEMON_TERM_TIMEOUT, "it is stopped (process state T)");
            return;
        }
        try {
            rpc.call("supervisor.shutdown", answerTimeout());
        } catch (SupervisordRpc.NoAnswer e) {
            stopUnansweringDaemons(HUNG_DAEMON_TERM_TIMEOUT, "it did not answer 'shutdown': " + e.getMessage());
            return;
        } catch (SupervisordRpc.NotListening | XmlRpcCodec.Fault e) {
            // The socket is gone or refuses, or it shuts down already; SIGTERM makes supervisord
            // shut down the same way.
            LOG.log(System.Logger.Level.DEBUG, "supervisor.shutdown: {0}; sending SIGTERM to {1}", e.getMessage(),
                    daemons);
            daemons.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }
        try {
            Await.until("supervisord " + daemons + " to exit", layout.stopTimeout(),
                    () -> daemons.stream().noneMatch(ProcFs::isRunning) && !socketAccepts());
        } catch (TestbedTimeoutException e) {
            List<Long> still = daemons.stream().filter(ProcFs::isRunning).toList();
            throw new ServiceUnavailableException("supervisord for " + layout.confFile() + " (pid "
                    + (still.isEmpty() ? "unknown" : still.stream().map(String::valueOf).collect(Collectors.joining(", ")))
                    + ") did not exit within " + Await.seconds(layout.stopTimeout()) + " after shutdown. See "
                    + supervisordLog() + ", then stop it: kill " + still.stream().map(String::valueOf)
                    .collect(Collectors.joining(" ")), e, LogTail.read(supervisordLog(), FAILURE_LOG_LINES));
        }
    }

    private void startDaemon(Map<String, String> environment) {
        Map<String, String> daemonEnvironment = new HashMap<>(System.getenv());
        daemonEnvironment.putAll(environment);
        // Markers belong to programs only; a daemon carrying them would look like one of its own orphans.
        daemonEnvironment.remove(SupervisordConfWriter.CONF_MARKER);
        daemonEnvironment.remove(SupervisordConfWriter.PROGRAM_MARKER);
        List<String> argv = List.of(binary("supervisord").toString(), "-c", layout.confFile().toString());
        CommandRunner.Result result = runner.run(argv, daemonEnvironment, layout.commandTimeout(), 0, 1, 2);
        if (result.exitCode() != 0) {
            if (result.output().contains("Another program is already listening")) {
                throw new ServiceUnavailableException("Cannot start supervisord for " + layout.confFile()
                        + ": another supervisord already listens on " + layout.socket() + " (exit "
                        + result.exitCode() + "). Stop it: supervisorctl -c " + layout.confFile() + " shutdown");
            }
            throw new ServiceUnavailableException("supervisord -c " + layout.confFile() + " failed with exit code "
                    + result.exitCode() + ": " + result.output() + ". Check the configuration and "
                    + supervisordLog(), null, LogTail.read(supervisordLog(), FAILURE_LOG_LINES));
        }
        try {
            Await.until("supervisord to answer on " + layout.socket(), layout.daemonStartTimeout(),
                    () -> socketAccepts() && queryStatus().isPresent());
        } catch (TestbedTimeoutException e) {
            throw new ServiceUnavailableException("supervisord for " + layout.confFile() + " started but did not"
                    + " answer on " + layout.socket() + " within " + Await.seconds(layout.daemonStartTimeout())
                    + ". See " + supervisordLog(), e, LogTail.read(supervisordLog(), FAILURE_LOG_LINES));
        }
        Set<Long> daemons = liveDaemons();
        if (daemons.size() > 1) {
            throw new ServiceUnavailableException("Several supervisord processes run for " + layout.confFile()
                    + " (pids " + daemons + "); only the one in " + layout.pidFile() + " should. Stop the others"
                    + " with kill PID");
        }
        LOG.log(System.Logger.Level.DEBUG, "supervisord {0} answers on {1}", daemons, layout.socket());
    }

    private void removeStaleRuntimeDirectory() {
        if (liveDaemons().isEmpty() && !socketAccepts()) {
            layout.removeRuntimeDirectory();
        }
    }

    private void removeStaleSocket() {
        if (Files.exists(layout.socket()) && !socketAccepts()) {
            try {
                Files.deleteIfExists(layout.socket());
                LOG.log(System.Logger.Level.DEBUG, "Removed stale socket {0}", layout.socket());
            } catch (IOException e) {
                throw new ServiceUnavailableException("Cannot remove the stale supervisord socket " + layout.socket()
                        + ": " + e + ". Remove it by hand", e);
            }
        }
    }

    /** @return the supervisord processes of this configuration: the pidfile's, if it runs, and any found by command line */
    private Set<Long> liveDaemons() {
        Set<Long> daemons = new LinkedHashSet<>();
        pidFromFile().filter(ProcFs::isRunning)
                .filter(pid -> ProcFs.cmdline(pid).stream().limit(3).anyMatch(a -> a.endsWith("supervisord")))
                .ifPresent(daemons::add);
        daemons.addAll(ProcFs.supervisordsFor(layout.confFile()));
        return daemons;
    }

    private Optional<Long> pidFromFile() {
        try {
            String text = Files.readString(layout.pidFile(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            LOG.log(System.Logger.Level.DEBUG, "Unreadable pidfile {0}: {1}", layout.pidFile(), e);
            return Optional.empty();
        }
    }

    private boolean socketAccepts() {
        if (!Files.exists(layout.socket())) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(layout.socket()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Asks the daemon for its programs, within {@link #answerTimeout()}. A stopped daemon is not
     * asked: it cannot answer before it is continued, and the call would only wait out its deadline.
     *
     * @param daemons the live supervisord processes of this configuration
     * @return its reply
     */
    private SupervisorctlOutput.StatusReply askDaemon(Set<Long> daemons) {
        Optional<Long> stopped = daemons.stream().filter(ProcFs::isStopped).findFirst();
        if (stopped.isPresent()) {
            return new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.NO_ANSWER, List.of(),
                    "it is stopped (process state T, e.g. after kill -STOP " + stopped.get() + ")");
        }
        if (!socketAccepts()) {
            return new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.NOT_LISTENING, List.of(),
                    "its control socket " + layout.socket() + (Files.exists(layout.socket())
                            ? " refuses connections" : " is missing"));
        }
        try {
            return new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.ANSWERED,
                    SupervisorctlOutput.processInfo(rpc.call("supervisor.getAllProcessInfo", answerTimeout())), "");
        } catch (XmlRpcCodec.Fault e) {
            if (e.code() == SupervisordRpc.SHUTDOWN_STATE) {
                return new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.SHUTTING_DOWN, List.of(), "");
            }
            return new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.NO_ANSWER, List.of(),
                    "it answered its status with fault " + e.code() + " (" + e.getMessage() + ")");
        } catch (SupervisordRpc.NotListening e) {
            return new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.NOT_LISTENING, List.of(),
                    e.getMessage());
        } catch (SupervisordRpc.NoAnswer e) {
            LOG.log(System.Logger.Level.DEBUG, "supervisord status: {0}", e.getMessage());
            return new SupervisorctlOutput.StatusReply(SupervisorctlOutput.Reply.NO_ANSWER, List.of(),
                    e.getMessage());
        }
    }

    /** @return the daemon's report of every program, empty when it does not answer */
    private Optional<List<ProgramStatus>> queryStatus() {
        SupervisorctlOutput.StatusReply reply = askDaemon(liveDaemons());
        return reply.kind() == SupervisorctlOutput.Reply.ANSWERED ? Optional.of(reply.programs()) : Optional.empty();
    }

    /**
     * @return how long a status query may take: a healthy supervisord answers in well under a
     *     second, so a short deadline tells a hung one apart without making observers wait
     */
    private Duration answerTimeout() {
        return layout.commandTimeout().compareTo(ANSWER_TIMEOUT) < 0 ? layout.commandTimeout() : ANSWER_TIMEOUT;
    }

    // ---------------------------------------------------------------------------------------
    // programs

    /** @return per failed program, supervisord's words for the failure */
    private Map<String, String> runStarts(Map<String, List<String>> calls, ConfIndex conf, boolean wait) {
        Map<String, String> failures = new LinkedHashMap<>();
        if (calls.size() == 1) {
            Map.Entry<String, List<String>> call = calls.entrySet().iterator().next();
            failures.putAll(runStart(call.getKey(), call.getValue(), conf, wait));
            return failures;
        }
        // Each call waits for supervisord's answer, which comes at once (no wait) or after the
        // program's startsecs: a few threads keep many agents' copies starting together.
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(calls.size(), MAX_PARALLEL_STARTS), task -> {
            Thread thread = new Thread(task, "supervisorctl-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Map<String, String>>> futures = calls.entrySet().stream()
                    .map(call -> CompletableFuture.supplyAsync(() -> runStart(call.getKey(), call.getValue(), conf,
                            wait), executor))
                    .toList();
            for (CompletableFuture<Map<String, String>> future : futures) {
                try {
                    failures.putAll(future.join());
                } catch (CompletionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
            return failures;
        } finally {
            executor.shutdownNow();
        }
    }

    private Map<String, String> runStart(String namespec, List<String> programs, ConfIndex conf, boolean wait) {
        int startSeconds = programs.stream().mapToInt(conf::startSecondsOf).max().orElse(1);
        // supervisord waits startsecs, and on early exits retries with a growing back-off.
        Duration timeout = layout.commandTimeout()
                .plusSeconds((long) (startSeconds + SupervisordConfWriter.START_RETRIES + 1)
                        * (SupervisordConfWriter.START_RETRIES + 1));
        Map<String, String> outcomes = new LinkedHashMap<>();
        try {
            if (namespec.endsWith(":*")) {
                Object results = rpc.call("supervisor.startProcessGroup", timeout,
                        namespec.substring(0, namespec.length() - 2), wait);
                outcomes.putAll(SupervisorctlOutput.startResults(results));
            } else {
                rpc.call("supervisor.startProcess", timeout, namespec, wait);
                outcomes.put(SupervisorctlOutput.plainName(namespec), null);
            }
        } catch (XmlRpcCodec.Fault e) {
            outcomes.put(SupervisorctlOutput.plainName(namespec), SupervisorctlOutput.startFailure(e.code()));
        } catch (SupervisordRpc.NotListening | SupervisordRpc.NoAnswer e) {
            throw new ServiceUnavailableException("supervisord for " + layout.confFile()
                    + " stopped answering while starting " + String.join(", ", programs) + ": " + e.getMessage()
                    + ". Run 'testbed run' again", e);
        }
        LOG.log(System.Logger.Level.DEBUG, "supervisord start {0}: {1}", namespec, outcomes);
        Map<String, String> failures = new LinkedHashMap<>();
        for (String program : programs) {
            if (!outcomes.containsKey(program)) {
                failures.put(program, NO_RESULT);
            } else if (outcomes.get(program) != null) {
                failures.put(program, outcomes.get(program));
            }
        }
        return failures;
    }

    /**
     * Ends the programs no live daemon supervises. SIGTERM goes out in supervisord's stop order
     * (agents, then the runner, then the broker), each phase waiting until its processes are gone,
     * so the broker outlives the agents' exit heartbeats; all phases together get one
     * stopwaitsecs, so a program that ignores SIGTERM cannot stretch the stop. What still runs
     * then gets SIGKILL.
     */
    private void terminateOrphans() {
        long self = ProcessHandle.current().pid();
        List<Set<String>> order = ConfIndex.read(layout.confFile()).map(ConfIndex::stopPhases).orElse(List.of())
                .stream().map(phase -> phase.stream().map(SupervisorctlOutput::plainName)
                        .collect(Collectors.toCollection(LinkedHashSet::new)))
                .collect(Collectors.<Set<String>>toList());
        // A new orphan can appear while we work (a wrapper that spawned a child): look again.
        for (int round = 0; round < 3; round++) {
            List<ProcFs.MarkedProcess> orphans =
                    ProcFs.orphanTops(ProcFs.markedProcesses(layout.confFile()), liveDaemons());
            if (orphans.isEmpty()) {
                return;
            }
            long termDeadline = System.nanoTime() + ORPHAN_TERM_TIMEOUT.toNanos();
            List<ProcessHandle> signalled = new ArrayList<>();
            for (List<ProcFs.MarkedProcess> phase : inStopOrder(orphans, order)) {
                List<ProcessHandle> targets = new ArrayList<>();
                for (ProcFs.MarkedProcess orphan : phase) {
                    ProcessHandle.of(orphan.pid()).ifPresent(handle -> {
                        targets.add(handle);
                        handle.descendants().forEach(targets::add);
                    });
                }
                targets.removeIf(handle -> handle.pid() == self);
                LOG.log(System.Logger.Level.DEBUG, "Terminating orphans of {0}: {1}", layout.confFile(), pids(targets));
                targets.forEach(ProcessHandle::destroy);
                signalled.addAll(targets);
                Duration left = Duration.ofNanos(Math.max(0, termDeadline - System.nanoTime()));
                try {
                    Await.until("orphaned programs " + pids(targets) + " to exit after SIGTERM", left,
                            () -> targets.stream().noneMatch(SupervisordProcessSupervisor::running));
                } catch (TestbedTimeoutException e) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}", e.getMessage());
                }
            }
            List<ProcessHandle> stubborn = signalled.stream().filter(SupervisordProcessSupervisor::running).toList();
            if (stubborn.isEmpty()) {
                continue;
            }
            stubborn.forEach(ProcessHandle::destroyForcibly);
            try {
                Await.until("orphaned programs " + pids(stubborn) + " to exit after SIGKILL", ORPHAN_KILL_TIMEOUT,
                        () -> stubborn.stream().noneMatch(SupervisordProcessSupervisor::running));
            } catch (TestbedTimeoutException again) {
                throw new TestbedException("Could not stop the orphaned processes " + pids(stubborn)
                        + " of " + layout.confFile() + ", not even with SIGKILL. Stop them by hand: kill -9 "
                        + join(pids(stubborn)), again);
            }
        }
    }

    /**
     * @param orphans the orphaned tops
     * @param order program names per stop phase, first phase first
     * @return the orphans grouped by phase in that order; programs no phase names (from an
     *     older configuration) go first, with the agents
     */
    static List<List<ProcFs.MarkedProcess>> inStopOrder(List<ProcFs.MarkedProcess> orphans, List<Set<String>> order) {
        List<List<ProcFs.MarkedProcess>> phases = new ArrayList<>();
        phases.add(orphans.stream().filter(o -> order.stream().noneMatch(phase -> phase.contains(o.program())))
                .toList());
        for (Set<String> phase : order) {
            phases.add(orphans.stream().filter(o -> phase.contains(o.program())).toList());
        }
        phases.removeIf(List::isEmpty);
        return phases;
    }

    // ---------------------------------------------------------------------------------------
    // helpers

    /**
     * Asks supervisord to stop every program of one phase at once, and waits until it reports each
     * of them stopped: programs of a phase stop in parallel, phases one after the other.
     *
     * @param namespecs the phase's programs as supervisord addresses them, or {@code all}
     * @throws TestbedTimeoutException when they outlive the stop timeout
     * @throws SupervisordRpc.NoAnswer when supervisord stops answering
     */
    private void stopPhase(List<String> namespecs) {
        if (namespecs.isEmpty()) {
            return;
        }
        Duration timeout = layout.stopTimeout();
        for (String namespec : namespecs) {
            try {
                if (namespec.equals("all")) {
                    rpc.call("supervisor.stopAllProcesses", answerTimeout(), false);
                } else {
                    rpc.call("supervisor.stopProcess", answerTimeout(), namespec, false);
                }
            } catch (XmlRpcCodec.Fault e) {
                // NOT_RUNNING: it stopped on its own meanwhile; BAD_NAME: the daemon never knew it.
                LOG.log(System.Logger.Level.DEBUG, "supervisor.stopProcess {0}: fault {1} {2}", namespec, e.code(),
                        e.getMessage());
            }
        }
        Set<String> names = namespecs.stream().map(SupervisorctlOutput::plainName).collect(Collectors.toSet());
        Await.until(String.join(", ", namespecs) + " of " + layout.confFile() + " to stop", timeout, () -> {
            List<ProgramStatus> now = SupervisorctlOutput.processInfo(rpc.call("supervisor.getAllProcessInfo",
                    answerTimeout()));
            return now.stream().filter(program -> names.contains("all") || names.contains(program.name()))
                    .noneMatch(program -> program.state() == ProgramState.RUNNING
                            || program.state() == ProgramState.STARTING || program.state() == ProgramState.STOPPING
                            || program.state() == ProgramState.BACKOFF);
        });
    }

    /**
     * Applies the rewritten configuration as {@code supervisorctl update} does: reread it, stop and
     * remove the groups that went away or changed, add the changed and new ones; unchanged groups,
     * and so their running programs, are left alone.
     *
     * @return supervisord's refusal in its words, empty when it took everything
     */
    private String applyConfiguration() {
        Duration timeout = layout.stopTimeout();
        List<String> refusals = new ArrayList<>();
        try {
            List<?> diff = (List<?>) ((List<?>) rpc.call("supervisor.reloadConfig", timeout)).get(0);
            List<String> added = groupNames(diff.get(0));
            List<String> changed = groupNames(diff.get(1));
            List<String> removed = groupNames(diff.get(2));
            for (String group : concat(removed, changed)) {
                rpc.call("supervisor.stopProcessGroup", timeout, group, true);
                rpc.call("supervisor.removeProcessGroup", timeout, group);
            }
            for (String group : concat(changed, added)) {
                try {
                    rpc.call("supervisor.addProcessGroup", timeout, group);
                } catch (XmlRpcCodec.Fault e) {
                    refusals.add(group + ": " + e.getMessage());
                }
            }
            LOG.log(System.Logger.Level.DEBUG, "supervisord update: added {0}, changed {1}, removed {2}", added,
                    changed, removed);
        } catch (XmlRpcCodec.Fault e) {
            refusals.add("fault " + e.code() + " (" + e.getMessage() + ")");
        } catch (SupervisordRpc.NoAnswer | SupervisordRpc.NotListening | ClassCastException
                | IndexOutOfBoundsException e) {
            refusals.add(e.getMessage());
        }
        return String.join("; ", refusals);
    }

    private static List<String> groupNames(Object names) {
        return ((List<?>) names).stream().map(String::valueOf).toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    private Path binary(String name) {
        if (layout.binDir() != null) {
            Path candidate = layout.binDir().resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
            throw new ServiceUnavailableException(name + " is not installed (not found in " + layout.binDir() + "). "
                    + INSTALL_HINT + ", or point the binary directory at its installation");
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String directory : path.split(Pattern.quote(File.pathSeparator))) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new ServiceUnavailableException(name + " is not installed (not found on PATH). " + INSTALL_HINT);
    }

    private Path supervisordLog() {
        return layout.logDir().resolve("supervisord.log");
    }

    private ProgramStatus orphanStatus(ProcFs.MarkedProcess orphan) {
        return new ProgramStatus(orphan.program(), ProgramState.ORPHANED, orphan.pid(), uptime(orphan.pid()),
                "still running although the supervisord that started it is gone; 'testbed stop-agents' stops it");
    }

    private static Duration uptime(long pid) {
        Optional<Instant> started = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant());
        return started.map(instant -> Duration.between(instant, Instant.now())).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }

    private static boolean running(ProcessHandle handle) {
        return handle.isAlive() && ProcFs.isRunning(handle.pid());
    }

    private static List<Long> pids(List<ProcessHandle> handles) {
        return handles.stream().map(ProcessHandle::pid).toList();
    }

    private static String join(List<Long> pids) {
        return pids.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
}
