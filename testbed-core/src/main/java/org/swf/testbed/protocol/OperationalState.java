package org.swf.testbed.protocol;

/** What an agent reports it is doing, in the original's words. */
public enum OperationalState {
    /** Process up, not yet subscribed. */
    STARTING,
    /** Subscribed and idle: ready for work. */
    READY,
    /** Working on a run or workflow. */
    PROCESSING,
    /** Shut down; the last heartbeat an agent sends. */
    EXITED
}
