package org.swf.testbed.agents.processing;

import java.lang.System.Logger.Level;
import java.util.List;
import org.swf.testbed.agents.RunFollowingAgent;
import org.swf.testbed.agents.AgentMessage;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.ProcessingComplete;
import org.swf.testbed.protocol.StfReady;

/**
 * The STF processing agent: processes every new STF (simulated, instantly) into a DST and a
 * histogram file. Each {@code stf_ready} becomes one {@code processing_complete} on
 * {@code epictopic}, with the original processing agent's fields.
 *
 * <p>The original listens on {@code /queue/processing_agent}, which nothing feeds since the data
 * agent publishes {@code stf_ready} to {@code epictopic}; this one listens on {@code epictopic},
 * so it takes part in a run. It reports PROCESSING between {@code start_run} and {@code end_run}.
 */
public final class ProcessingAgent extends RunFollowingAgent {

    /** The agent type the original processing agent reports. */
    public static final String AGENT_TYPE = "STF_Processing";

    private static final System.Logger LOG = System.getLogger(ProcessingAgent.class.getName());

    private final JsonCodec codec;

    /** A processing agent with its own JSON codec. */
    public ProcessingAgent() {
        this(new JsonCodec());
    }

    /** @param codec decodes incoming messages */
    public ProcessingAgent(JsonCodec codec) {
        super(MessageType.STF_READY);
        this.codec = codec;
    }

    @Override
    public String agentType() {
        return AGENT_TYPE;
    }



    @Override
    protected void work(AgentMessage message, AgentRuntime runtime) {
        long started = System.nanoTime();
        StfReady stf;
        try {
            stf = codec.convert(message.fields(), StfReady.class);
        } catch (MalformedMessageException e) {
            LOG.log(Level.WARNING, "Ignored an unreadable stf_ready: {0}", e.getMessage());
            return;
        }
        List<String> outputs = outputFiles(stf.filename());
        String self = runtime.identity().instanceName();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        runtime.send(Destinations.EPICTOPIC, new ProcessingComplete(MessageType.PROCESSING_COMPLETE.wireName(),
                runtime.identity().namespace(), stf.filename(), stf.runId(), stf.executionId(), stf.fileUrl(),
                stf.checksum(), stf.sizeBytes(), outputs, tookMillis, stf.simulationTick(), self, self));
    }

    /**
     * @param stfFilename e.g. {@code swf.100010.000001.stf}
     * @return the files processing it produces: its name with the extension replaced by
     *     {@code .dst} and by {@code .hist.root}
     */
    static List<String> outputFiles(String stfFilename) {
        int dot = stfFilename.lastIndexOf('.');
        String base = dot > 0 ? stfFilename.substring(0, dot) : stfFilename;
        return List.of(base + ".dst", base + ".hist.root");
    }
}
