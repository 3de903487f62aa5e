package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A super time frame was produced: {@code stf_gen} on {@code epictopic}.
 *
 * @param msgType always {@code stf_gen}
 * @param namespace the run's namespace
 * @param executionId the workflow execution
 * @param runId the run number, as a string
 * @param filename {@code swf.<run_id>.<6-digit sequence>.stf}
 * @param sequence 1-based STF number within the run
 * @param timestamp local ISO time of sending
 * @param simulationTick seconds since the workflow started, on the simulation's clock
 * @param state DAQ state, {@code run}
 * @param substate DAQ substate, {@code physics}
 * @param sender the sending agent's instance name
 */
@JsonPropertyOrder({"msg_type", "namespace", "execution_id", "run_id", "filename", "sequence", "timestamp",
    "simulation_tick", "state", "substate", "sender"})
public record StfGen(
        String msgType, String namespace, String executionId, String runId,
        String filename, int sequence,
        String timestamp, Double simulationTick, String state, String substate,
        String sender) {

    /** Requires the type and a filename. */
    public StfGen {
        MessageType.STF_GEN.require(msgType);
        if (filename == null || filename.isBlank()) {
            throw new IllegalArgumentException("stf_gen without filename");
        }
    }

    /**
     * @param runId the run number
     * @param sequence the 1-based STF number
     * @return the original's STF file name, e.g. {@code swf.100123.000001.stf}
     */
    public static String filename(String runId, int sequence) {
        return String.format("swf.%s.%06d.stf", runId, sequence);
    }
}
