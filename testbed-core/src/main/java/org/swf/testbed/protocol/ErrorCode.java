package org.swf.testbed.protocol;

/** Stable reasons a command failed, for programs that act on replies. */
public enum ErrorCode {
    /** The message is not valid JSON, or lacks a required field. */
    MALFORMED,
    /** The command or message type is not one this receiver handles. */
    UNKNOWN_COMMAND,
    /** The command is for another namespace. */
    WRONG_NAMESPACE,
    /** A configuration, workflow or execution named in the command does not exist or is invalid. */
    INVALID_CONFIG,
    /** The receiver is busy with something the command conflicts with (e.g. a running workflow). */
    BUSY,
    /** Agents already run, so the testbed cannot be started again; stop them first. */
    ALREADY_RUNNING,
    /** Something the command waited for (readiness, a reply) did not happen in time. */
    TIMEOUT,
    /** The command needs something that is not running (e.g. no workflow to stop). */
    NOT_RUNNING,
    /** A service the receiver needs is unavailable. */
    UNAVAILABLE,
    /** An unexpected failure inside the receiver; see its log. */
    INTERNAL;

    /**
     * @param failure a failure of the orchestrator or a service
     * @return the code a reply reports it with
     */
    public static ErrorCode of(Throwable failure) {
        if (failure instanceof CommandRefusedException refused) {
            return refused.code();
        }
        if (failure instanceof org.swf.testbed.ConfigException) {
            return INVALID_CONFIG;
        }
        if (failure instanceof org.swf.testbed.ServiceUnavailableException) {
            return UNAVAILABLE;
        }
        if (failure instanceof org.swf.testbed.OperationInProgressException) {
            return BUSY;
        }
        if (failure instanceof org.swf.testbed.LifecycleConflictException) {
            return ALREADY_RUNNING;
        }
        if (failure instanceof org.swf.testbed.TestbedTimeoutException) {
            return TIMEOUT;
        }
        if (failure instanceof MalformedMessageException) {
            return MALFORMED;
        }
        return INTERNAL;
    }
}
