package org.swf.testbed.port;

/** The process states supervisord reports, plus {@link #ORPHANED} for a program running without it. */
public enum ProgramState {
    STOPPED,
    STARTING,
    RUNNING,
    BACKOFF,
    STOPPING,
    EXITED,
    FATAL,
    UNKNOWN,
    /** Still running although the daemon that started it is gone. */
    ORPHANED;

    /** @return whether a process may exist in this state, so a new start must not duplicate it */
    public boolean isActive() {
        return this == STARTING || this == RUNNING || this == BACKOFF || this == STOPPING || this == ORPHANED;
    }

    /** @return whether the program is failing to run (crash loop, gave up, or unknown) */
    public boolean isFailing() {
        return this == BACKOFF || this == FATAL || this == UNKNOWN;
    }

    /**
     * @param text a state word as supervisord prints it
     * @return the matching state, {@link #UNKNOWN} for anything else
     */
    public static ProgramState parse(String text) {
        for (ProgramState state : values()) {
            if (state.name().equals(text)) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
