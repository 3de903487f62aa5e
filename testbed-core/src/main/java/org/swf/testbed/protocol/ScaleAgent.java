package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * Asks an agent manager to run, on its own host, exactly the named copies of one agent: what a
 * host that scales an agent of a testbed spread over several asks of the hosts its copies go to.
 *
 * @param agent the agent's key, e.g. {@code worker}
 * @param copies the programs of the copies that host is to run, e.g. {@code worker-agent-2} and
 *     {@code worker-agent-4}; its other copies of the agent stop
 * @param envelope when, by whom, and where the reply goes
 */
public record ScaleAgent(String agent, List<String> copies, @JsonUnwrapped CommandEnvelope envelope)
        implements ManagerCommand<AgentScaled> {

    /** Copies the list; a command without it asks for none. */
    public ScaleAgent {
        copies = copies == null ? List.of() : List.copyOf(copies);
    }

    @Override
    public MessageType type() {
        return MessageType.SCALE_AGENT;
    }

    @Override
    public Class<AgentScaled> resultType() {
        return AgentScaled.class;
    }
}
