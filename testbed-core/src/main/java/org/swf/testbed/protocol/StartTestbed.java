package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager to start the user's testbed (its agents; no workflow).
 *
 * @param configName the config to start, or null for the default
 * @param envelope when, by whom, and where the reply goes
 */
public record StartTestbed(String configName, @JsonUnwrapped CommandEnvelope envelope) implements ManagerCommand<TestbedStarted> {

    @Override
    public MessageType type() {
        return MessageType.START_TESTBED;
    }

    @Override
    public Class<TestbedStarted> resultType() {
        return TestbedStarted.class;
    }
}
