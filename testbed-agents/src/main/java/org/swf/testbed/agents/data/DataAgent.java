package org.swf.testbed.agents.data;

import java.util.List;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentMessage;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.StfReady;

/**
 * The data agent: registers each new STF and announces it. Every {@code stf_gen} becomes one
 * {@code stf_ready} on {@code epictopic}, with the original data agent's fields. It reports
 * PROCESSING while a run is on (between {@code start_run} and {@code end_run}).
 */
public final class DataAgent implements Agent {

    /** The agent type the original data agent reports. */
    public static final String AGENT_TYPE = "DATA";

    @Override
    public String agentType() {
        return AGENT_TYPE;
    }

    @Override
    public List<Destination> subscriptions(String namespace) {
        return List.of(Destinations.EPICTOPIC);
    }

    @Override
    public void handle(AgentMessage message, AgentRuntime runtime) {
        MessageType type = message.type().orElse(null);
        if (type == null) {
            return;
        }
        switch (type) {
            case START_RUN, RESUME_RUN -> runtime.setState(OperationalState.PROCESSING);
            case END_RUN -> runtime.setState(OperationalState.READY);
            case STF_GEN -> runtime.send(Destinations.EPICTOPIC, stfReady(message, runtime));
            default -> {
                // Other broadcasts (including our own stf_ready) are not for this agent.
            }
        }
    }

    private static StfReady stfReady(AgentMessage stfGen, AgentRuntime runtime) {
        Object sequence = stfGen.fields().get("sequence");
        Object tick = stfGen.fields().get("simulation_tick");
        return new StfReady(MessageType.STF_READY.wireName(), runtime.identity().namespace(), stfGen.text("filename"),
                stfGen.text("run_id"), stfGen.text("file_url"), stfGen.text("checksum"),
                stfGen.fields().get("size_bytes") instanceof Number size ? size.longValue() : null,
                stfGen.text("start"), stfGen.text("end"), stfGen.text("state"), stfGen.text("substate"),
                sequence instanceof Number number ? number.intValue() : null,
                tick instanceof Number number ? number.doubleValue() : null,
                runtime.identity().instanceName(), stfGen.text("execution_id"), runtime.identity().instanceName());
    }
}
