package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager for the last lines of a program's log.
 *
 * @param program the program, e.g. {@code data-agent}
 * @param lines how many lines at most, or null for the default
 * @param envelope when, by whom, and where the reply goes
 */
public record LogsRequest(String program, Integer lines, @JsonUnwrapped CommandEnvelope envelope) implements ManagerCommand<LogLines> {

    @Override
    public MessageType type() {
        return MessageType.LOGS;
    }

    @Override
    public Class<LogLines> resultType() {
        return LogLines.class;
    }
}
