package org.swf.testbed.protocol;

import java.util.List;
import org.swf.testbed.TestbedException;

/** A command was answered with a failed reply: the receiver refused it or failed doing it. */
public final class CommandRefusedException extends TestbedException {

    private static final long serialVersionUID = 1L;

    private final String command;
    private final ErrorCode code;
    private final String error;

    /**
     * @param who who refused, e.g. {@code The workflow runner}
     * @param command the command's wire name
     * @param code the reply's error code
     * @param error the reply's sentence
     * @param logTail the log lines the reply carried, or empty
     */
    public CommandRefusedException(String who, String command, ErrorCode code, String error, List<String> logTail) {
        super(who + " refused " + command + ": " + error, null, logTail);
        this.command = command;
        this.code = code;
        this.error = error;
    }

    /** @return the refused command's wire name */
    public String command() {
        return command;
    }

    /** @return why, as a stable code */
    public ErrorCode code() {
        return code;
    }

    /** @return the receiver's own sentence */
    public String error() {
        return error;
    }
}
