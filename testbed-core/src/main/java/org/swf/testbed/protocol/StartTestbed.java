package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager to start the user's testbed (its agents; no workflow).
 *
 * @param configName the config to start, or null for the default
 * @param progress true when the sender wants a {@link CommandProgress} at its reply address as
 *     each step of the start begins, before the reply; null or false for the reply alone (what
 *     the original's clients expect: the first message at their reply address is the reply)
 * @param shareOf for a testbed spread over hosts: the host whose {@code testbed run} starts it;
 *     this manager then starts only the programs the config puts on its own host, and neither
 *     triggers a workflow nor asks other hosts. Null for a whole testbed started from this host
 * @param configDigest with {@code shareOf}: the SHA-256 (hex) of the config file as that host
 *     read it, so this host refuses to start from a copy that differs
 * @param envelope when, by whom, and where the reply goes
 */
public record StartTestbed(String configName, Boolean progress, String shareOf, String configDigest,
        @JsonUnwrapped CommandEnvelope envelope) implements ManagerCommand<TestbedStarted> {

    /**
     * A start of the whole testbed from the manager's host.
     *
     * @param configName the config to start, or null for the default
     * @param progress true when the sender wants progress messages
     * @param envelope when, by whom, and where the reply goes
     */
    public StartTestbed(String configName, Boolean progress, CommandEnvelope envelope) {
        this(configName, progress, null, null, envelope);
    }

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
