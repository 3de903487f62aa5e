package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks the agent manager for the testbed's observed status and the agents' liveness.
 *
 * @param hostOnly true for the programs of the manager's own host only (what a host that
 *     observes a testbed spread over hosts asks of the others); null or false for the whole testbed
 * @param envelope when, by whom, and where the reply goes
 */
public record TestbedStatusRequest(Boolean hostOnly, @JsonUnwrapped CommandEnvelope envelope)
        implements ManagerCommand<ManagerStatus> {

    /**
     * A request for the whole testbed's status.
     *
     * @param envelope when, by whom, and where the reply goes
     */
    public TestbedStatusRequest(CommandEnvelope envelope) {
        this(null, envelope);
    }

    /** @return whether only the manager's own host is to be observed */
    public boolean thisHostOnly() {
        return Boolean.TRUE.equals(hostOnly);
    }

    @Override
    public MessageType type() {
        return MessageType.STATUS;
    }

    @Override
    public Class<ManagerStatus> resultType() {
        return ManagerStatus.class;
    }
}
