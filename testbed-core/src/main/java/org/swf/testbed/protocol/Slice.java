package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A slice of a TF file for a worker: {@code slice} on the namespace's slice queue
 * ({@link Destinations#sliceQueue(String)}), in the iDDS format the original fast processing
 * agent sends (the work itself is in {@code content}), plus {@code namespace},
 * {@code execution_id} and {@code sender}.
 *
 * @param msgType always {@code slice}
 * @param namespace the run's namespace
 * @param runId the run number
 * @param executionId the workflow execution
 * @param createdAt UTC ISO time of creation, no zone, as the original
 * @param content what to process
 * @param sender the sending agent's instance name
 */
@JsonPropertyOrder({"msg_type", "namespace", "run_id", "execution_id", "created_at", "content", "sender"})
public record Slice(
        String msgType,
        String namespace,
        String runId,
        String executionId,
        String createdAt,
        Content content,
        String sender) {

    /** The state of a slice just created. */
    public static final String QUEUED = "queued";
    /** The substate of a slice just created. */
    public static final String NEW = "new";

    /** Requires the type and the content. */
    public Slice {
        MessageType.SLICE.require(msgType);
        Objects.requireNonNull(content, "slice without content");
    }

    /**
     * The work of one slice: a contiguous range of time frames of one TF file.
     *
     * @param runId the run number
     * @param executionId the workflow execution
     * @param reqId a unique request id (UUID)
     * @param filename the STF the TF file came from
     * @param tfFilename {@code <TF file name without extension>_slice_<NNN>.tf}
     * @param sliceId the slice's 0-based number within its TF file
     * @param start the first time frame (inclusive)
     * @param end the last time frame (inclusive)
     * @param tfCount how many time frames the slice holds
     * @param state {@code queued}
     * @param substate {@code new}
     */
    @JsonPropertyOrder({"run_id", "execution_id", "req_id", "filename", "tf_filename", "slice_id", "start", "end",
        "tf_count", "state", "substate"})
    public record Content(
            String runId,
            String executionId,
            String reqId,
            String filename,
            String tfFilename,
            int sliceId,
            int start,
            int end,
            int tfCount,
            String state,
            String substate) {

        /** Requires a request id and a range that is not reversed. */
        public Content {
            if (reqId == null || reqId.isBlank()) {
                throw new IllegalArgumentException("slice without req_id");
            }
            if (end < start) {
                throw new IllegalArgumentException("slice with end " + end + " before start " + start);
            }
        }
    }
}
