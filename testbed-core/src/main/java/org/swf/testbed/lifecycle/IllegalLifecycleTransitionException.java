package org.swf.testbed.lifecycle;

import org.swf.testbed.LifecycleConflictException;

/** A lifecycle event that is not allowed in the current state. */
public class IllegalLifecycleTransitionException extends LifecycleConflictException {

    private static final long serialVersionUID = 1L;

    private final LifecycleState current;
    private final LifecycleEvent requested;

    /**
     * @param current the state the testbed is in
     * @param requested the event that is not allowed there
     */
    public IllegalLifecycleTransitionException(LifecycleState current, LifecycleEvent requested) {
        super("Cannot " + requested.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + " while the testbed is " + current + hint(current));
        this.current = current;
        this.requested = requested;
    }

    private static String hint(LifecycleState current) {
        return switch (current) {
            case RUNNING, STARTING -> ". Run 'testbed stop-agents' first";
            case STOPPED -> ". Run 'testbed run' first";
            case STOPPING -> ". Wait until the agents have stopped";
        };
    }

    /** @return the state the testbed was in */
    public LifecycleState current() {
        return current;
    }

    /** @return the event that was refused */
    public LifecycleEvent requested() {
        return requested;
    }
}
