package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The processing agent processed an STF: {@code processing_complete}. Fields and order as the
 * original processing agent sends them, plus {@code execution_id} and {@code sender}.
 *
 * @param msgType always {@code processing_complete}
 * @param namespace the run's namespace
 * @param filename the processed STF
 * @param runId the run number
 * @param executionId the workflow execution, or null when the STF did not name one
 * @param inputFileUrl where the STF is, or null in simulation
 * @param inputChecksum the STF's checksum, or null in simulation
 * @param inputSizeBytes the STF's size, or null in simulation
 * @param outputFiles the files produced
 * @param processingTimeMs how long processing took, in milliseconds
 * @param simulationTick the simulation time of the STF
 * @param processedBy the processing agent's instance name
 * @param sender the sending agent's instance name
 */
@JsonPropertyOrder({"msg_type", "namespace", "filename", "run_id", "execution_id", "input_file_url", "input_checksum",
    "input_size_bytes", "output_files", "processing_time_ms", "simulation_tick", "processed_by", "sender"})
public record ProcessingComplete(
        String msgType,
        String namespace,
        String filename,
        String runId,
        String executionId,
        String inputFileUrl,
        String inputChecksum,
        Long inputSizeBytes,
        List<String> outputFiles,
        Long processingTimeMs,
        Double simulationTick,
        String processedBy,
        String sender) {

    /** Requires the type and a filename; copies the output list. */
    public ProcessingComplete {
        MessageType.PROCESSING_COMPLETE.require(msgType);
        if (filename == null || filename.isBlank()) {
            throw new IllegalArgumentException("processing_complete without filename");
        }
        outputFiles = outputFiles == null ? List.of() : List.copyOf(outputFiles);
    }
}
