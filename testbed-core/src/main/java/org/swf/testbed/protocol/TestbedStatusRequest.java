package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager for the testbed's observed status and the agents' liveness.
 *
 * @param envelope when, by whom, and where the reply goes
 */
public record TestbedStatusRequest(@JsonUnwrapped CommandEnvelope envelope) implements ManagerCommand<ManagerStatus> {

    @Override
    public MessageType type() {
        return MessageType.STATUS;
    }

    @Override
    public Class<ManagerStatus> resultType() {
        return ManagerStatus.class;
    }
}
