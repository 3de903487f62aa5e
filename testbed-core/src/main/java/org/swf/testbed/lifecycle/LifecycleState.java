package org.swf.testbed.lifecycle;

import java.util.List;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;

/**
 * The testbed's lifecycle as the spec draws it:
 * {@code STOPPED -> STARTING -> RUNNING -> STOPPING -> STOPPED}, and {@code RUNNING -> RUNNING}
 * when a workflow is started or stopped.
 *
 * <p>{@link #next} is the one transition function; {@link #observe} derives the state shown to
 * users from what supervisord reports now, never from what an earlier call did.
 */
public enum LifecycleState {
    STOPPED,
    STARTING,
    RUNNING,
    STOPPING;

    /**
     * @param event what happens
     * @return the state after {@code event}
     * @throws IllegalLifecycleTransitionException when {@code event} is not allowed in this state
     */
    public LifecycleState next(LifecycleEvent event) {
        LifecycleState target = switch (event) {
            case START_AGENTS -> this == STOPPED ? STARTING : null;
            case AGENTS_STARTED -> this == STARTING ? RUNNING : null;
            case START_FAILED -> this == STARTING ? STOPPED : null;
            case START_WORKFLOW, STOP_WORKFLOW -> this == RUNNING ? RUNNING : null;
            case STOP_AGENTS -> this == RUNNING || this == STARTING ? STOPPING : null;
            case AGENTS_STOPPED -> this == STOPPING ? STOPPED : null;
        };
        if (target == null) {
            throw new IllegalLifecycleTransitionException(this, event);
        }
        return target;
    }

    /**
     * Derives the lifecycle state from observed programs: nothing active is STOPPED; any program
     * stopping is STOPPING; any starting, backing off or orphaned is STARTING (not yet a
     * coherent running testbed); otherwise RUNNING.
     *
     * @param programs the programs as observed now
     * @return the observed state
     */
    public static LifecycleState observe(List<ProgramStatus> programs) {
        if (programs.stream().noneMatch(p -> p.state().isActive())) {
            return STOPPED;
        }
        if (programs.stream().anyMatch(p -> p.state() == ProgramState.STOPPING)) {
            return STOPPING;
        }
        if (programs.stream().anyMatch(p -> p.state() == ProgramState.STARTING
                || p.state() == ProgramState.BACKOFF || p.state() == ProgramState.ORPHANED)) {
            return STARTING;
        }
        return RUNNING;
    }

    /**
     * The {@link LifecycleEvent#STOP_AGENTS} transition from the observed state, for a stop that is
     * about to begin. When the daemon does not answer (hung, or shutting down), the program states
     * are inferred from the process table: programs under a stopped supervisord look STOPPING
     * although nothing stops them, and refusing would leave no way to stop the testbed. Such a
     * stop always proceeds.
     *
     * @param snapshot what runs now
     * @return {@link #STOPPING}
     * @throws IllegalLifecycleTransitionException when the answering daemon reports the programs
     *     stopping already
     */
    public static LifecycleState beginStop(SupervisorSnapshot snapshot) {
        if (snapshot.daemon().silent()) {
            return STOPPING;
        }
        return observe(snapshot.programs()).next(LifecycleEvent.STOP_AGENTS);
    }
}
