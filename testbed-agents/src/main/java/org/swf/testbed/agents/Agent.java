package org.swf.testbed.agents;

import java.time.Duration;
import java.util.List;
import org.swf.testbed.protocol.Destination;

/**
 * What a workflow agent does with messages. The {@link AgentRuntime} around it does everything
 * agents share: connecting, subscribing, namespace filtering, heartbeats and shutdown.
 */
public interface Agent {

    /** @return the agent type shown in heartbeats, e.g. {@code DATA} */
    String agentType();

    /**
     * @param namespace the agent's namespace
     * @return where the agent listens; the runtime reports READY only after subscribing to all
     */
    List<Destination> subscriptions(String namespace);

    /**
     * @param destination one of the agent's {@linkplain #subscriptions(String) subscriptions}
     * @param namespace the agent's namespace
     * @return whether the agent handles a message from there correctly when it gets it twice, so
     *     that the bus may acknowledge its messages in batches (see
     *     {@link org.swf.testbed.port.MessageBus#subscribeIdempotent}); false unless the agent says so
     */
    default boolean idempotent(Destination destination, String namespace) {
        return false;
    }

    /**
     * Handles one message that passed the namespace filter. Called on the bus's delivery
     * thread, one message at a time per subscription.
     *
     * @param message the decoded message
     * @param runtime the runtime, for sending, replying and reporting state
     */
    void handle(AgentMessage message, AgentRuntime runtime);

    /**
     * Called once the agent is subscribed everywhere and reported READY.
     *
     * @param runtime the runtime, for sending
     */
    default void started(AgentRuntime runtime) {
    }

    /**
     * Called after the runtime answered a {@code heartbeat_request} with its own heartbeat: an
     * agent that speaks for others (the runner, for agents reporting over the monitor API) answers
     * for them here.
     *
     * @param runtime the runtime, for sending
     */
    default void heartbeatsRequested(AgentRuntime runtime) {
    }

    /**
     * Ends the agent's work and releases what it holds; called once at shutdown, before the exit
     * heartbeat. Returns within {@code deadline}, the agent's share of the program's
     * {@link org.swf.testbed.lifecycle.ShutdownBudget}: what is not done by then is left undone,
     * since supervisord kills a program that overruns its stop wait.
     *
     * @param deadline the longest the agent may take
     */
    default void close(Duration deadline) {
    }
}
