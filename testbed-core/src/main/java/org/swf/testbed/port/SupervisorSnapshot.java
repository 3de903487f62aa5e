package org.swf.testbed.port;

import java.util.List;

/**
 * Everything the supervisor port observed at one moment.
 *
 * @param daemonRunning whether the supervisor daemon answered
 * @param programs every configured program with its state (orphans appear as
 *     {@link ProgramState#ORPHANED})
 */
public record SupervisorSnapshot(boolean daemonRunning, List<ProgramStatus> programs) {

    /** Copies the list. */
    public SupervisorSnapshot {
        programs = List.copyOf(programs);
    }

    /** @return the programs that may have a live process, which a new start must not duplicate */
    public List<ProgramStatus> active() {
        return programs.stream().filter(p -> p.state().isActive()).toList();
    }
}
