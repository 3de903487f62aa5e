package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager to start the user's testbed (its agents; no workflow).
 *
 * @param configName the config to start, or null for the default
 * @param progress true when the sender wants a {@link CommandProgress} at its reply address as
 *     each step of the start begins, before the reply; null or false for the reply alone (what
 *     the original's clients expect: the first message at their reply address is the reply)
 * @param envelope when, by whom, and where the reply goes
 */
public record StartTestbed(String configName, Boolean progress, @JsonUnwrapped CommandEnvelope envelope)
        implements ManagerCommand<TestbedStarted> {

    /** @return whether the sender asked for progress messages */
    public boolean wantsProgress() {
        return Boolean.TRUE.equals(progress);
    }

    @Override
    public MessageType type() {
        return MessageType.START_TESTBED;
    }

    @Override
    public Class<TestbedStarted> resultType() {
        return TestbedStarted.class;
    }
}
