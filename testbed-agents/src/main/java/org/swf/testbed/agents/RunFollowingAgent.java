package org.swf.testbed.agents;

import java.util.List;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;

/**
 * An agent that listens on {@code epictopic}, reports PROCESSING while a run is on (from
 * {@code start_run} or {@code resume_run} to {@code end_run}) and READY otherwise, and turns one
 * kind of message into its output.
 */
public abstract class RunFollowingAgent implements Agent {

    private final MessageType input;

    /** @param input the message type this agent works on */
    protected RunFollowingAgent(MessageType input) {
        this.input = input;
    }

    @Override
    public List<Destination> subscriptions(String namespace) {
        return List.of(Destinations.EPICTOPIC);
    }

    @Override
    public final void handle(AgentMessage message, AgentRuntime runtime) {
        MessageType type = message.type().orElse(null);
        if (type == MessageType.START_RUN || type == MessageType.RESUME_RUN) {
            runtime.setState(OperationalState.PROCESSING);
        } else if (type == MessageType.END_RUN) {
            runtime.setState(OperationalState.READY);
        } else if (type == input) {
            work(message, runtime);
        }
        // Other broadcasts, our own outputs included, are not for this agent.
    }

    /**
     * Handles one message of the input type.
     *
     * @param message the message
     * @param runtime the runtime, for sending
     */
    protected abstract void work(AgentMessage message, AgentRuntime runtime);
}
