package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager to stop every program of the user's testbed.
 *
 * @param envelope when, by whom, and where the reply goes
 */
public record StopTestbed(@JsonUnwrapped CommandEnvelope envelope) implements ManagerCommand<TestbedStopped> {

    @Override
    public MessageType type() {
        return MessageType.STOP_TESTBED;
    }

    @Override
    public Class<TestbedStopped> resultType() {
        return TestbedStopped.class;
    }
}
