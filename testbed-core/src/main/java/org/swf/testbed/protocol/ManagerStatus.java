package org.swf.testbed.protocol;

import java.util.List;
import org.swf.testbed.status.AgentLiveness;
import org.swf.testbed.status.TestbedStatus;

/**
 * The answer to the agent manager's {@code status}: the testbed as observed now, the agents as the
 * manager heard them, and the manager itself.
 *
 * @param status the observed testbed
 * @param agents the running testbed's agents by their last heartbeat
 * @param manager the agent manager itself
 */
public record ManagerStatus(
        TestbedStatus status,
        List<AgentLiveness> agents,
        ManagerInfo manager) {

    /** Copies the list; a reply without it has none. */
    public ManagerStatus {
        agents = agents == null ? List.of() : List.copyOf(agents);
    }
}
