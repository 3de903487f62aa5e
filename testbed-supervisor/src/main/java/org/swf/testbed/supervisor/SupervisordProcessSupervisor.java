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
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;
import org.swf.testbed.util.Await;

/**
 * {@link ProcessSupervisor} backed by supervisord, driven through {@code supervisorctl}.
 *
 * <p>Every call passes {@code -c CONF}, runs under a deadline and captures its output
 * (DESIGN 3.4). What the daemon cannot report is read from {@code /proc}: programs keep running
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

    /** How long orphans get after SIGTERM: what supervisord would give them. */
    private static final Duration ORPHAN_TERM_TIMEOUT = Duration.ofSeconds(SupervisordConfWriter.STOP_WAIT_SECONDS);

    /** How long orphans get after SIGKILL, which the kernel acts on at once. */
    private static final Duration ORPHAN_KILL_TIMEOUT = Duration.ofSeconds(5);

    private static final int[] ANY_CTL_EXIT = {0, 1, 2, 3, 4, 5, 6, 7};

    /** Marks a program supervisorctl printed no result line for; resolved by a status query. */
    private static final String NO_RESULT = "no result";

    private final SupervisorLayout layout;
    private final SupervisordConfWriter writer;
    private final CommandRunner runner = new CommandRunner();
    private final Object lock = new Object();

    /** @param layout where this home's supervisord files are and how long calls may take */
    public SupervisordProcessSupervisor(SupervisorLayout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.writer = new SupervisordConfWriter(layout);
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
        Optional<List<ProgramStatus>> reported = conf.isPresent() ? queryStatus() : Optional.empty();

        List<ProgramStatus> programs = new ArrayList<>();
        if (reported.isPresent()) {
            Map<String, ProgramStatus> byName = new LinkedHashMap<>();
            reported.get().forEach(status -> byName.put(status.name(), status));
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
            for (long daemon : daemons) {
                ProcFs.topsUnder(marked, daemon).forEach(top -> silentlyManaged.putIfAbsent(top.program(), top));
            }
            for (String name : conf.get().programs()) {
                ProcFs.MarkedProcess orphan = orphans.remove(name);
                ProcFs.MarkedProcess managed = silentlyManaged.get(name);
                if (orphan != null) {
                    programs.add(orphanStatus(orphan));
                } else if (managed != null) {
                    programs.add(new ProgramStatus(name, ProgramState.STOPPING, managed.pid(), uptime(managed.pid()),
                            "its supervisord (pid " + managed.parentPid() + ") does not answer; it is probably"
                                    + " shutting down"));
                } else {
                    programs.add(new ProgramStatus(name, ProgramState.STOPPED, 0, Duration.ZERO,
                            "supervisord is not running"));
                }
            }
        }
        orphans.values().forEach(orphan -> programs.add(orphanStatus(orphan)));
        return new SupervisorSnapshot(reported.isPresent(), programs);
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
            Map<String, String> failures = runStarts(calls, conf);
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
     * Stops every program with {@code supervisorctl stop all} (the daemon keeps running), then
     * terminates orphans of a killed daemon: SIGTERM to each and its descendants, SIGKILL to
     * those still running after supervisord's stopwaitsecs.
     *
     * @return the names of the programs that were active before
     */
    @Override
    public List<String> stopAll() {
        synchronized (lock) {
            SupervisorSnapshot before = observe();
            List<String> active = before.active().stream().map(ProgramStatus::name).distinct().toList();
            if (before.daemonRunning()) {
                // supervisorctl's 'stop all' signals every program at once; stopping phase by phase
                // keeps the broker up until the agents have sent their exit heartbeats.
                List<List<String>> phases = ConfIndex.read(layout.confFile()).map(ConfIndex::stopPhases)
                        .filter(found -> !found.isEmpty()).orElse(List.of(List.of("all")));
                for (List<String> phase : phases) {
                    List<String> arguments = new ArrayList<>(List.of("stop"));
                    arguments.addAll(phase);
                    CommandRunner.Result result = ctl(layout.stopTimeout(), arguments, ANY_CTL_EXIT);
                    LOG.log(System.Logger.Level.DEBUG, "supervisorctl stop {0}: exit {1}: {2}", phase,
                            result.exitCode(), result.output());
                }
                // 'stop all' returns once supervisord has reaped each program; /proc confirms it cheaply.
                Set<Long> daemons = liveDaemons();
                Await.until("every program of " + layout.confFile() + " to stop", layout.stopTimeout(),
                        () -> daemons.stream().allMatch(daemon -> ProcFs.topsUnder(
                                ProcFs.markedProcesses(layout.confFile()), daemon).isEmpty()));
            }
            terminateOrphans();
            return active;
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
        CommandRunner.Result result = ctl(layout.commandTimeout(), List.of("shutdown"), ANY_CTL_EXIT);
        if (result.exitCode() != 0) {
            // The socket is gone or refuses; SIGTERM makes supervisord shut down the same way.
            LOG.log(System.Logger.Level.DEBUG, "supervisorctl shutdown: exit {0}: {1}; sending SIGTERM to {2}",
                    result.exitCode(), result.output(), daemons);
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

    /** @return the daemon's report of every program, empty when it does not answer */
    private Optional<List<ProgramStatus>> queryStatus() {
        if (!socketAccepts()) {
            return Optional.empty();
        }
        CommandRunner.Result result;
        try {
            result = ctl(layout.commandTimeout(), List.of("status"), 0, 1, 2, 3, 4);
        } catch (TestbedTimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "supervisorctl status timed out: {0}", e.getMessage());
            return Optional.empty();
        }
        if (result.exitCode() == 0 || result.exitCode() == 3) {
            return Optional.of(SupervisorctlOutput.parseStatus(result.stdout()));
        }
        LOG.log(System.Logger.Level.DEBUG, "supervisorctl status: exit {0}: {1}", result.exitCode(), result.output());
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------
    // programs

    /** @return per failed program, supervisord's words for the failure */
    private Map<String, String> runStarts(Map<String, List<String>> calls, ConfIndex conf) {
        Map<String, String> failures = new LinkedHashMap<>();
        if (calls.size() == 1) {
            Map.Entry<String, List<String>> call = calls.entrySet().iterator().next();
            failures.putAll(runStart(call.getKey(), call.getValue(), conf));
            return failures;
        }
        ExecutorService executor = Executors.newFixedThreadPool(calls.size(), task -> {
            Thread thread = new Thread(task, "supervisorctl-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Map<String, String>>> futures = calls.entrySet().stream()
                    .map(call -> CompletableFuture.supplyAsync(() -> runStart(call.getKey(), call.getValue(), conf),
                            executor))
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

    private Map<String, String> runStart(String namespec, List<String> programs, ConfIndex conf) {
        int startSeconds = programs.stream().mapToInt(conf::startSecondsOf).max().orElse(1);
        // supervisord waits startsecs, and on early exits retries with a growing back-off.
        Duration timeout = layout.commandTimeout()
                .plusSeconds((long) (startSeconds + SupervisordConfWriter.START_RETRIES + 1)
                        * (SupervisordConfWriter.START_RETRIES + 1));
        CommandRunner.Result result = ctl(timeout, List.of("start", namespec), ANY_CTL_EXIT);
        LOG.log(System.Logger.Level.DEBUG, "supervisorctl start {0}: exit {1}: {2}", namespec, result.exitCode(),
                result.output());
        Map<String, String> outcomes = SupervisorctlOutput.parseStart(result.stdout());
        Map<String, String> failures = new LinkedHashMap<>();
        for (String program : programs) {
            if (!outcomes.containsKey(program)) {
                if (result.output().contains("refused connection") || result.output().contains("no such file")) {
                    throw new ServiceUnavailableException("supervisord for " + layout.confFile()
                            + " stopped answering while starting '" + program + "': " + result.output()
                            + ". Run 'testbed run' again");
                }
                failures.put(program, NO_RESULT);
            } else if (outcomes.get(program) != null) {
                failures.put(program, outcomes.get(program));
            }
        }
        return failures;
    }

    private void terminateOrphans() {
        long self = ProcessHandle.current().pid();
        for (int round = 0; round < 3; round++) {
            List<ProcFs.MarkedProcess> orphans =
                    ProcFs.orphanTops(ProcFs.markedProcesses(layout.confFile()), liveDaemons());
            if (orphans.isEmpty()) {
                return;
            }
            List<ProcessHandle> targets = new ArrayList<>();
            for (ProcFs.MarkedProcess orphan : orphans) {
                ProcessHandle.of(orphan.pid()).ifPresent(handle -> {
                    targets.add(handle);
                    handle.descendants().forEach(targets::add);
                });
            }
            targets.removeIf(handle -> handle.pid() == self);
            LOG.log(System.Logger.Level.DEBUG, "Terminating orphans of {0}: {1}", layout.confFile(),
                    targets.stream().map(ProcessHandle::pid).toList());
            targets.forEach(ProcessHandle::destroy);
            try {
                Await.until("orphaned programs " + pids(targets) + " to exit after SIGTERM", ORPHAN_TERM_TIMEOUT,
                        () -> targets.stream().noneMatch(SupervisordProcessSupervisor::running));
            } catch (TestbedTimeoutException e) {
                List<ProcessHandle> stubborn = targets.stream().filter(SupervisordProcessSupervisor::running).toList();
                stubborn.forEach(ProcessHandle::destroyForcibly);
                try {
                    Await.until("orphaned programs " + pids(stubborn) + " to exit after SIGKILL", ORPHAN_KILL_TIMEOUT,
                            () -> stubborn.stream().noneMatch(SupervisordProcessSupervisor::running));
                } catch (TestbedTimeoutException again) {
                    throw new TestbedException("Could not stop the orphaned processes " + pids(stubborn)
                            + " of " + layout.confFile() + ", not even with SIGKILL. Stop them by hand: kill -9 "
                            + pids(stubborn).stream().map(String::valueOf).collect(Collectors.joining(" ")), again);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // helpers

    private CommandRunner.Result ctl(Duration timeout, List<String> arguments, int... accepted) {
        List<String> argv = new ArrayList<>(List.of(binary("supervisorctl").toString(), "-c",
                layout.confFile().toString()));
        argv.addAll(arguments);
        return runner.run(argv, null, timeout, accepted);
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
}
