package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks whether the agent manager is alive, and what it knows of itself.
 *
 * @param envelope when, by whom, and where the reply goes
 */
public record Ping(@JsonUnwrapped CommandEnvelope envelope) implements ManagerCommand<ManagerInfo> {

    @Override
    public MessageType type() {
        return MessageType.PING;
    }

    @Override
    public Class<ManagerInfo> resultType() {
        return ManagerInfo.class;
    }
}
