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
    /** The command needs something that is not running (e.g. no workflow to stop). */
    NOT_RUNNING,
    /** A service the receiver needs is unavailable. */
    UNAVAILABLE,
    /** An unexpected failure inside the receiver; see its log. */
    INTERNAL
}
