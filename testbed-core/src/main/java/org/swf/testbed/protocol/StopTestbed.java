package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager to stop every program of the user's testbed.
 *
 * @param progress true when the sender wants a {@link CommandProgress} at its reply address as
 *     each step of the stop begins, before the reply; null or false for the reply alone
 * @param hostOnly true to stop only the programs of the manager's own host (what a host that
 *     stops a testbed spread over hosts asks of the others); null or false for the whole testbed
 * @param envelope when, by whom, and where the reply goes
 */
public record StopTestbed(Boolean progress, Boolean hostOnly, @JsonUnwrapped CommandEnvelope envelope)
        implements ManagerCommand<TestbedStopped> {

    /**
     * A stop of the whole testbed.
     *
     * @param progress true when the sender wants progress messages
     * @param envelope when, by whom, and where the reply goes
     */
    public StopTestbed(Boolean progress, CommandEnvelope envelope) {
        this(progress, null, envelope);
    }

    /** @return whether only the manager's own host is to stop */
    public boolean thisHostOnly() {
        return Boolean.TRUE.equals(hostOnly);
    }

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
