package org.swf.testbed.agents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Agents of one namespace on one in-memory broker, with a client to send them messages and a
 * view of everything sent, decoded.
 */
public final class AgentTestBus implements AutoCloseable {

    /** The namespace agents started here serve. */
    public static final String NAMESPACE = "ns1";

    private final JsonCodec codec = new JsonCodec();
    private final InMemoryMessageBus client = new InMemoryMessageBus();
    private final List<AgentRuntime> runtimes = new ArrayList<>();

    /**
     * Starts an agent in {@link #NAMESPACE}; it is READY when this returns.
     *
     * @param instanceName the agent's instance name
     * @param program its program name
     * @param agent the agent
     * @return its runtime
     */
    public AgentRuntime start(String instanceName, String program, Agent agent) {
        AgentRuntime runtime = new AgentRuntime(new AgentIdentity(instanceName, agent.agentType(), NAMESPACE, program,
                "u", 1, "h"), client.newView(), agent, codec, Duration.ofHours(1), Optional.empty());
        runtime.start();
        runtimes.add(runtime);
        return runtime;
    }

    /** @return the codec */
    public JsonCodec codec() {
        return codec;
    }

    /** @return the client bus, on the agents' broker */
    public InMemoryMessageBus client() {
        return client;
    }

    /**
     * @param destination where to
     * @param message a record or a map of fields
     */
    public void send(Destination destination, Object message) {
        client.send(destination, codec.encode(message));
    }

    /**
     * @param destination a destination
     * @return every message sent to it so far, decoded, oldest first
     */
    public List<Map<String, Object>> sent(Destination destination) {
        return client.broker().sent(destination).stream().map(m -> codec.decodeObject(m.body())).toList();
    }

    /**
     * @param msgType a message type
     * @return the messages of that type sent to epictopic so far, oldest first
     */
    public List<Map<String, Object>> epictopic(String msgType) {
        return sent(Destinations.EPICTOPIC).stream().filter(m -> msgType.equals(m.get("msg_type"))).toList();
    }

    /** Stops every agent started here, then the client. */
    @Override
    public void close() {
        runtimes.forEach(AgentRuntime::close);
        client.close();
    }
}
