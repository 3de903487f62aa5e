package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The data agent registered an STF: {@code stf_ready} on {@code epictopic}. Fields and order as
 * the original data agent sends them; {@code execution_id} is added so that downstream agents
 * and observers can attribute the STF to its execution.
 *
 * @param msgType always {@code stf_ready}
 * @param namespace the run's namespace
 * @param filename the STF file name
 * @param runId the run number
 * @param fileUrl where the file is, or null in simulation
 * @param checksum its checksum, or null in simulation
 * @param sizeBytes its size, or null in simulation
 * @param start STF start time, or null
 * @param end STF end time, or null
 * @param state DAQ state at generation
 * @param substate DAQ substate at generation
 * @param sequence the 1-based STF number
 * @param simulationTick the simulation time of the {@code stf_gen}
 * @param processedBy the data agent's instance name
 * @param executionId the workflow execution
 * @param sender the sending agent's instance name
 */
@JsonPropertyOrder({"msg_type", "namespace", "filename", "run_id", "file_url", "checksum", "size_bytes", "start",
    "end", "state", "substate", "sequence", "simulation_tick", "processed_by", "execution_id", "sender"})
public record StfReady(
        String msgType,
        String namespace,
        String filename,
        String runId,
        String fileUrl,
        String checksum,
        Long sizeBytes,
        String start,
        String end,
        String state,
        String substate,
        Integer sequence,
        Double simulationTick,
        String processedBy,
        String executionId,
        String sender) {

    /** Requires the type and a filename. */
    public StfReady {
        MessageType.STF_READY.require(msgType);
        if (filename == null || filename.isBlank()) {
            throw new IllegalArgumentException("stf_ready without filename");
        }
    }
}
