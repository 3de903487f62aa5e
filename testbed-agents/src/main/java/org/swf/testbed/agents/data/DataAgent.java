package org.swf.testbed.agents.data;

import org.swf.testbed.agents.AgentMessage;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.RunFollowingAgent;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.StfReady;

/**
 * The data agent: registers each new STF and announces it. Every {@code stf_gen} becomes one
 * {@code stf_ready} on {@code epictopic}, with the original data agent's fields. It reports
 * PROCESSING while a run is on (between {@code start_run} and {@code end_run}).
 */
public final class DataAgent extends RunFollowingAgent {

    /** The agent type the original data agent reports. */
    public static final String AGENT_TYPE = "DATA";

    /** A data agent. */
    public DataAgent() {
        super(MessageType.STF_GEN);
    }

    @Override
    public String agentType() {
        return AGENT_TYPE;
    }

    @Override
    protected void work(AgentMessage stfGen, AgentRuntime runtime) {
        Object sequence = stfGen.fields().get("sequence");
        Object tick = stfGen.fields().get("simulation_tick");
        runtime.send(Destinations.EPICTOPIC, new StfReady(MessageType.STF_READY.wireName(),
                runtime.identity().namespace(), stfGen.text("filename"), stfGen.text("run_id"), stfGen.text("file_url"),
                stfGen.text("checksum"), stfGen.fields().get("size_bytes") instanceof Number size ? size.longValue() : null,
                stfGen.text("start"), stfGen.text("end"), stfGen.text("state"), stfGen.text("substate"),
                sequence instanceof Number number ? number.intValue() : null,
                tick instanceof Number number ? number.doubleValue() : null,
                runtime.identity().instanceName(), stfGen.text("execution_id"), runtime.identity().instanceName()));
    }
}
