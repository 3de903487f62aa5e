package org.swf.testbed.lifecycle;

import java.util.List;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;

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
}
