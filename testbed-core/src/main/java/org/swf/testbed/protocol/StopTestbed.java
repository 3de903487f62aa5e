package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager to stop every program of the user's testbed.
 *
 * @param progress true when the sender wants a {@link CommandProgress} at its reply address as
 *     each step of the stop begins, before the reply; null or false for the reply alone
 * @param envelope when, by whom, and where the reply goes
 */
public record StopTestbed(Boolean progress, @JsonUnwrapped CommandEnvelope envelope)
        implements ManagerCommand<TestbedStopped> {

    /** @return whether the sender asked for progress messages */
    public boolean wantsProgress() {
        return Boolean.TRUE.equals(progress);
    }

    @Override
    public MessageType type() {
        return MessageType.STOP_TESTBED;
    }

    @Override
    public Class<TestbedStopped> resultType() {
        return TestbedStopped.class;
    }
}
