package org.swf.testbed.port;

import java.util.List;
import java.util.Objects;

/**
 * Everything the supervisor port observed at one moment.
 *
 * @param daemon what the supervisor daemon did when asked
 * @param daemonPid the daemon's process id when one was found, else 0
 * @param daemonDetail why the daemon did not answer (e.g. "it is stopped (kill -STOP)"), else empty
 * @param programs every configured program with its state (orphans appear as
 *     {@link ProgramState#ORPHANED})
 */
public record SupervisorSnapshot(DaemonState daemon, long daemonPid, String daemonDetail,
        List<ProgramStatus> programs) {

    /** Copies the list; requires the daemon state and defaults the detail. */
    public SupervisorSnapshot {
        Objects.requireNonNull(daemon, "daemon");
        if (daemonPid < 0) {
            throw new IllegalArgumentException("daemonPid must not be negative, not " + daemonPid);
        }
        daemonDetail = daemonDetail == null ? "" : daemonDetail;
        programs = List.copyOf(programs);
    }

    /**
     * A snapshot of a daemon that either answered or does not run, as observers that know no
     * other daemon state build it.
     *
     * @param daemonRunning whether the supervisor daemon answered
     * @param programs every configured program with its state
     */
    public SupervisorSnapshot(boolean daemonRunning, List<ProgramStatus> programs) {
        this(daemonRunning ? DaemonState.RUNNING : DaemonState.NOT_RUNNING, 0, "", programs);
    }

    /** @return whether the supervisor daemon answered with the state of every program */
    public boolean daemonRunning() {
        return daemon == DaemonState.RUNNING;
    }

    /** @return the programs that may have a live process, which a new start must not duplicate */
    public List<ProgramStatus> active() {
        return programs.stream().filter(p -> p.state().isActive()).toList();
    }
}
