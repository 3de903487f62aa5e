package org.swf.testbed.lifecycle;

/** What moves the testbed from one {@link LifecycleState} to the next. */
public enum LifecycleEvent {
    /** {@code testbed run} or {@code start_user_testbed} begins. */
    START_AGENTS,
    /** Every enabled program runs and reported ready. */
    AGENTS_STARTED,
    /** Starting failed; whatever started has been stopped again. */
    START_FAILED,
    /** A workflow execution was triggered. */
    START_WORKFLOW,
    /** A workflow execution was asked to stop. */
    STOP_WORKFLOW,
    /** {@code testbed stop-agents} or {@code stop_user_testbed} begins. */
    STOP_AGENTS,
    /** Every program has stopped. */
    AGENTS_STOPPED
}
