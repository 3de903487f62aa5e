package org.swf.testbed.port;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;

/**
 * An in-memory {@link ProcessSupervisor} for unit tests: deterministic pids, no processes, and
 * switches for the situations the real daemon produces (not installed, a program that fails to
 * start, a program that crashes later, a daemon killed with SIGKILL leaving orphans, a daemon
 * that hangs).
 * It records what was asked of it so tests can check the orchestration. Thread-safe.
 */
public final class FakeProcessSupervisor implements ProcessSupervisor {

    private final Path logDir;
    private final Map<String, ProgramSpec> programs = new LinkedHashMap<>();
    private final Map<String, ProgramStatus> states = new LinkedHashMap<>();
    private final Map<String, ProgramStatus> orphans = new LinkedHashMap<>();
    private final Map<String, Failure> failures = new LinkedHashMap<>();
    private final Map<String, List<String>> logs = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private Map<String, String> lastEnvironment = Map.of();
    private boolean installed = true;
    private boolean daemonRunning;
    private boolean daemonHung;
    private long nextPid = 1000;

    private record Failure(String reason, List<String> logLines) {
    }

    /** A fake whose log files are named under {@code logs}. */
    public FakeProcessSupervisor() {
        this(Path.of("logs"));
    }

    /** @param logDir the directory {@link #logFile} names files in (nothing is written there) */
    public FakeProcessSupervisor(Path logDir) {
        this.logDir = Objects.requireNonNull(logDir, "logDir");
    }

    /** @param installed whether {@link #requireInstalled()} should pass */
    public synchronized void setInstalled(boolean installed) {
        this.installed = installed;
    }

    /**
     * Makes every later start of {@code program} fail like a program that exits at once.
     *
     * @param program the program name
     * @param reason supervisord's words, e.g. "spawn error"
     * @param logLines what the program "printed", carried by the failure
     */
    public synchronized void failStartOf(String program, String reason, List<String> logLines) {
        failures.put(program, new Failure(reason, List.copyOf(logLines)));
    }

    /**
     * Puts a program into a state, as if its process changed on its own (e.g. BACKOFF after a crash).
     *
     * @param program a known program
     * @param state its new state
     * @param detail supervisord's words for it
     */
    public synchronized void setState(String program, ProgramState state, String detail) {
        ProgramStatus current = requireKnown(program);
        long pid = state == ProgramState.RUNNING || state == ProgramState.STOPPING
                ? (current.pid() > 0 ? current.pid() : nextPid++) : 0;
        states.put(program, new ProgramStatus(program, state, pid, Duration.ZERO, detail));
    }

    /** Simulates {@code kill -9} of the daemon: running programs become orphans, the daemon is gone. */
    public synchronized void killDaemon() {
        daemonRunning = false;
        states.replaceAll((name, status) -> {
            if (status.state().isActive()) {
                orphans.put(name, new ProgramStatus(name, ProgramState.ORPHANED, status.pid(), Duration.ZERO,
                        "still running although the supervisord that started it is gone"));
            }
            return new ProgramStatus(name, ProgramState.STOPPED, 0, Duration.ZERO, "supervisord is not running");
        });
    }

    /**
     * Simulates {@code kill -STOP} of the daemon: it no longer answers, and its programs, found
     * only by their processes, look STOPPING as the real adapter reports them.
     */
    public synchronized void hangDaemon() {
        if (!daemonRunning) {
            throw new IllegalStateException("No daemon runs in this fake; restart it before hanging it");
        }
        daemonHung = true;
        states.replaceAll((name, status) -> status.state().isActive()
                ? new ProgramStatus(name, ProgramState.STOPPING, status.pid(), Duration.ZERO,
                        "its supervisord is not answering, so nobody supervises it")
                : status);
    }

    /** @return what was asked, in order: "restart a,b", "start a,b", "stopAll" */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** @return the environment given to the last restart */
    public synchronized Map<String, String> lastEnvironment() {
        return lastEnvironment;
    }

    /** @return the programs of the last restart */
    public synchronized List<ProgramSpec> programs() {
        return List.copyOf(programs.values());
    }

    /** Passes unless {@link #setInstalled} switched the "installation" off. */
    @Override
    public synchronized void requireInstalled() {
        if (!installed) {
            throw new ServiceUnavailableException("supervisord is not installed (not found on PATH). Install it:"
                    + " apt-get install -y supervisor (Debian/Ubuntu) or pip install supervisor");
        }
    }

    /** Reports programs of the last restart and orphans of a {@link #killDaemon killed} daemon, like the real adapter. */
    @Override
    public synchronized SupervisorSnapshot observe() {
        List<ProgramStatus> result = new ArrayList<>();
        Set<String> pendingOrphans = new LinkedHashSet<>(orphans.keySet());
        if (!programs.isEmpty() || daemonRunning) {
            for (ProgramStatus status : states.values()) {
                ProgramStatus orphan = orphans.get(status.name());
                if (orphan == null || status.state().isActive()) {
                    result.add(status);
                }
                if (orphan != null) {
                    result.add(orphan);
                    pendingOrphans.remove(status.name());
                }
            }
        }
        pendingOrphans.forEach(name -> result.add(orphans.get(name)));
        if (daemonHung) {
            return new SupervisorSnapshot(DaemonState.HUNG, 1, "it is stopped (process state T)", result);
        }
        return new SupervisorSnapshot(daemonRunning, result);
    }

    /** Replaces the program set (all stopped) and "starts" the daemon; orphans survive, as real ones do. */
    @Override
    public synchronized void restart(List<ProgramSpec> newPrograms, Map<String, String> environment) {
        requireInstalled();
        Set<String> names = new LinkedHashSet<>();
        for (ProgramSpec program : newPrograms) {
            if (!names.add(program.name())) {
                throw new IllegalArgumentException("Program '" + program.name() + "' is defined twice");
            }
        }
        events.add("restart " + String.join(",", names));
        lastEnvironment = Map.copyOf(environment);
        programs.clear();
        states.clear();
        // Like the real adapter, a restart ends a hung daemon before it starts a new one.
        daemonHung = false;
        for (ProgramSpec program : newPrograms) {
            programs.put(program.name(), program);
            states.put(program.name(), new ProgramStatus(program.name(), ProgramState.STOPPED, 0, Duration.ZERO,
                    "Not started"));
        }
        daemonRunning = true;
    }

    /**
     * Replaces the program set of the running daemon: an unchanged program keeps its state, a
     * changed or new one is STOPPED, a dropped one is forgotten, like supervisorctl update.
     */
    @Override
    public synchronized void update(List<ProgramSpec> newPrograms) {
        requireInstalled();
        events.add("update " + String.join(",", newPrograms.stream().map(ProgramSpec::name).toList()));
        if (!daemonRunning || daemonHung) {
            throw new ServiceUnavailableException("Cannot update the programs: supervisord is not running");
        }
        Map<String, ProgramStatus> kept = new LinkedHashMap<>();
        for (ProgramSpec program : newPrograms) {
            ProgramStatus before = states.get(program.name());
            kept.put(program.name(), before != null && program.equals(programs.get(program.name())) ? before
                    : new ProgramStatus(program.name(), ProgramState.STOPPED, 0, Duration.ZERO, "Not started"));
        }
        programs.clear();
        newPrograms.forEach(program -> programs.put(program.name(), program));
        states.clear();
        states.putAll(kept);
    }

    /** Stops the named programs; the daemon and the others keep running. */
    @Override
    public synchronized List<String> stop(List<String> names) {
        events.add("stop " + String.join(",", names));
        if (!daemonRunning || daemonHung) {
            throw new ServiceUnavailableException("Cannot stop " + String.join(", ", names)
                    + ": supervisord is not answering");
        }
        List<String> stopped = new ArrayList<>();
        states.replaceAll((name, status) -> {
            if (names.contains(name) && status.state().isActive()) {
                stopped.add(name);
                return new ProgramStatus(name, ProgramState.STOPPED, 0, Duration.ZERO, "stopped");
            }
            return status;
        });
        return stopped;
    }

    /** Marks the programs RUNNING with new pids, or fails like supervisord for those set up with {@link #failStartOf}. */
    @Override
    public synchronized void start(List<String> names) {
        events.add("start " + String.join(",", names));
        if (!daemonRunning || daemonHung) {
            throw new ServiceUnavailableException("Cannot start " + String.join(", ", names)
                    + ": supervisord is not running. Run 'testbed run', which restarts it");
        }
        for (String name : names) {
            if (!programs.containsKey(name)) {
                throw new TestbedException("Program '" + name + "' is not configured (it has: "
                        + String.join(", ", programs.keySet()) + ")");
            }
        }
        TestbedException firstFailure = null;
        for (String name : names) {
            Failure failure = failures.get(name);
            if (failure != null) {
                logs.computeIfAbsent(name, n -> new ArrayList<>()).addAll(failure.logLines());
                states.put(name, new ProgramStatus(name, ProgramState.FATAL, 0, Duration.ZERO,
                        "Exited too quickly (process log may have details)"));
                if (firstFailure == null) {
                    firstFailure = new TestbedException("Program '" + name + "' failed to start: " + failure.reason()
                            + ". Log: " + logFile(name), null, logTail(name, 20));
                }
            } else if (!states.get(name).state().isActive()) {
                states.put(name, new ProgramStatus(name, ProgramState.RUNNING, nextPid++, Duration.ZERO, ""));
                logs.computeIfAbsent(name, n -> new ArrayList<>()).add(name + " started");
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
    }

    /**
     * Stops every active program and forgets orphans; the daemon keeps "running", unless it hangs:
     * then it is ended too, as the real adapter ends it.
     */
    @Override
    public synchronized List<String> stopAll() {
        events.add("stopAll");
        List<String> stopped = observe().active().stream().map(ProgramStatus::name).distinct().toList();
        if (daemonHung) {
            daemonHung = false;
            daemonRunning = false;
        }
        states.replaceAll((name, status) -> status.state().isActive()
                ? new ProgramStatus(name, ProgramState.STOPPED, 0, Duration.ZERO, "stopped")
                : status);
        orphans.clear();
        return stopped;
    }

    /** Returns the lines recorded for the program: start notes and the lines of {@link #failStartOf}. */
    @Override
    public synchronized List<String> logTail(String program, int lines) {
        List<String> log = logs.getOrDefault(program, List.of());
        return List.copyOf(log.subList(Math.max(0, log.size() - Math.max(0, lines)), log.size()));
    }

    /** Names {@code logDir/NAME.log}; nothing is written there. */
    @Override
    public Path logFile(String program) {
        return logDir.resolve(program + ".log");
    }

    private ProgramStatus requireKnown(String program) {
        ProgramStatus status = states.get(program);
        if (status == null) {
            throw new IllegalArgumentException("Program '" + program + "' is not configured in this fake");
        }
        return status;
    }
}
