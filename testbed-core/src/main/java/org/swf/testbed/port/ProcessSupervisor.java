package org.swf.testbed.port;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs and observes the testbed's long-lived programs (broker, workflow runner, agents).
 *
 * <p>The orchestrator depends only on this port. The production adapter drives supervisord;
 * tests use a fake. Every method either does what it says or throws a
 * {@link org.swf.testbed.TestbedException} whose message names the program and the fix:
 * {@link org.swf.testbed.ServiceUnavailableException} when the supervisor itself is missing or
 * does not answer, a plain {@code TestbedException} carrying the program's log tail when a
 * program fails to start.
 */
public interface ProcessSupervisor {

    /**
     * Fails fast, with the command that installs it, when the supervisor software is absent.
     *
     * @throws org.swf.testbed.ServiceUnavailableException when it is not installed
     */
    void requireInstalled();

    /**
     * Observes the daemon, every program it manages, and programs of an earlier daemon that
     * still run without one (for example after the daemon was killed with SIGKILL). Asking the
     * daemon has a deadline: one that does not answer in time is reported as
     * {@link DaemonState#HUNG}, not as absent.
     *
     * @return what runs now; never remembered from an earlier call
     */
    SupervisorSnapshot observe();

    /**
     * Replaces the set of programs and starts a fresh daemon that sees {@code environment},
     * waiting (with a deadline) until the old daemon is gone and the new one answers. Starts
     * no program. Callers make sure no program runs first.
     *
     * @param programs every program the daemon should know, none started automatically
     * @param environment variables the daemon and so every program inherits
     */
    void restart(List<ProgramSpec> programs, Map<String, String> environment);

    /**
     * Replaces the programs of the running daemon without restarting it: a program whose
     * definition is unchanged keeps running untouched (the broker the agent manager holds),
     * programs no longer listed are stopped and forgotten, new and changed ones are loaded, and
     * none is started. The daemon's environment stays what it was when it started, so whatever a
     * new program needs beyond it belongs in the program's own environment.
     *
     * @param programs every program the daemon should know, none started automatically
     * @throws org.swf.testbed.ServiceUnavailableException when no daemon answers
     */
    void update(List<ProgramSpec> programs);

    /**
     * Stops the named programs and waits until they are gone; the daemon and its other programs
     * keep running.
     *
     * @param programs names from the last {@link #restart} or {@link #update}
     * @return the names of those that were active and are now stopped
     * @throws org.swf.testbed.ServiceUnavailableException when no daemon answers (then only
     *     {@link #stopAll} can stop them)
     */
    List<String> stop(List<String> programs);

    /**
     * Starts the named programs concurrently and returns when each is running.
     *
     * @param programs names from the last {@link #restart}
     * @throws org.swf.testbed.TestbedException naming the first program that failed, with
     *     its log tail
     */
    void start(List<String> programs);

    /**
     * Starts the named programs concurrently and returns once each has been spawned, without
     * waiting until it counts as running (supervisord's {@code startsecs}): for a caller that waits
     * for a better sign of life itself, such as a READY heartbeat, and watches for programs that
     * fail meanwhile ({@link ProgramState#isFailing()}, or no longer active).
     *
     * @param programs names from the last {@link #restart}
     * @throws org.swf.testbed.TestbedException naming the first program that could not be
     *     spawned, with its log tail
     */
    default void spawn(List<String> programs) {
        start(programs);
    }

    /**
     * Stops every program, including orphans left by a killed daemon, and waits until they are
     * gone. A daemon that does not answer ({@link DaemonState#HUNG}) never blocks this: it is
     * ended, and its programs are stopped without it, within a bounded time.
     *
     * @return the names of the programs that were running and are now stopped
     */
    List<String> stopAll();

    /**
     * Removes what the supervisor keeps on disk only while its daemon runs (for supervisord: the
     * private runtime directory with its socket and pidfile), once the daemon has exited, so
     * that nothing of a shut-down testbed piles up in the temp folder. Does nothing while the
     * daemon runs, or when there is nothing to remove. Callers hold the home's lock, so that no
     * start of the same home runs meanwhile.
     */
    default void removeStaleFiles() {
        // A supervisor without files of its own has nothing to remove.
    }

    /**
     * @param program a program name
     * @param lines how many lines at most
     * @return the last lines of the program's combined stdout/stderr log, oldest first;
     *     empty when there is no log yet
     */
    List<String> logTail(String program, int lines);

    /**
     * @param program a program name
     * @return where that program's log is written
     */
    Path logFile(String program);
}
