package org.swf.testbed.port;

/**
 * What the supervisor daemon did when it was asked about its programs, as one
 * {@link SupervisorSnapshot} saw it.
 */
public enum DaemonState {
    /** It answered with the state of every program. */
    RUNNING,
    /** It answered that it is shutting down: it is stopping its programs and will exit. */
    SHUTTING_DOWN,
    /**
     * Its process runs but it did not answer in time (stopped with SIGSTOP, deadlocked, or its
     * control socket is gone): its programs run unsupervised and only the process table knows them.
     */
    HUNG,
    /** No daemon runs: at most orphans of an earlier one are left. */
    NOT_RUNNING;

    /** @return whether a daemon process exists that did not answer, so program states are inferred, not reported */
    public boolean silent() {
        return this == SHUTTING_DOWN || this == HUNG;
    }
}
