package org.swf.testbed.agents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Agents a test runs in {@link #NAMESPACE}, each on a bus of its own from the test's in-memory
 * broker, as separate processes would be, and stopped together after the test. The test sends and
 * inspects messages on that broker ({@link InMemoryMessageBus#sendJson},
 * {@link InMemoryMessageBus.Broker#sentFields}); this class only starts and stops agents.
 */
public final class TestAgents implements AutoCloseable {

    /** The namespace agents started here serve. */
    public static final String NAMESPACE = "ns1";

    private final InMemoryMessageBus.Broker broker;
    private final JsonCodec codec = new JsonCodec();
    private final List<AgentRuntime> runtimes = new ArrayList<>();

    /** @param broker the broker the agents and the test share */
    public TestAgents(InMemoryMessageBus.Broker broker) {
        this.broker = broker;
    }

    /**
     * Starts an agent in {@link #NAMESPACE}; it is READY when this returns.
     *
     * @param instanceName the agent's instance name
     * @param program its program name
     * @param agent the agent
     * @return its runtime
     */
    public AgentRuntime start(String instanceName, String program, Agent agent) {
        // An hour between heartbeats: a test sees only the heartbeats of state changes.
        AgentRuntime runtime = new AgentRuntime(new AgentIdentity(instanceName, agent.agentType(), NAMESPACE, program,
                "u", 1, "h"), broker.newBus(), agent, codec, Duration.ofHours(1), Optional.empty());
        runtime.start();
        runtimes.add(runtime);
        return runtime;
    }

    /** Stops every agent started here, each closing its bus. */
    @Override
    public void close() {
        runtimes.forEach(AgentRuntime::close);
    }
}
