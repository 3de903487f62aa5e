package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A worker's answer to one {@link Slice}: {@code slice_result} on the namespace's results queue
 * ({@link Destinations#sliceResults(String)}), consumed by the fast processing agent.
 *
 * @param msgType always {@code slice_result}
 * @param namespace the run's namespace
 * @param runId the run number
 * @param executionId the workflow execution
 * @param reqId the answered slice's request id
 * @param sliceId the answered slice's number within its TF file
 * @param tfFilename the answered slice's file name
 * @param state {@code done} or {@code failed}
 * @param processedBy the worker's instance name
 * @param processingTimeMs how long the worker took, in milliseconds
 * @param timestamp local ISO time of sending
 * @param sender the sending agent's instance name
 * @param redelivered true when the worker received the slice more than once (the broker
 *     redelivered it, e.g. after the worker that held it died); absent (null) otherwise, and in
 *     the answers of the original's workers
 * @param content the nested result of the original's iDDS workers ({@code content.state}); we
 *     never send it, we read it so their answers count too
 */
@JsonPropertyOrder({"msg_type", "namespace", "run_id", "execution_id", "req_id", "slice_id", "tf_filename", "state",
    "processed_by", "processing_time_ms", "timestamp", "sender", "redelivered", "content"})
public record SliceResult(
        String msgType,
        String namespace,
        String runId,
        String executionId,
        String reqId,
        Integer sliceId,
        String tfFilename,
        String state,
        String processedBy,
        Long processingTimeMs,
        String timestamp,
        String sender,
        Boolean redelivered,
        Map<String, Object> content) {

    /** The state of a slice processed successfully. */
    public static final String DONE = "done";
    /** The state of a slice whose processing failed. */
    public static final String FAILED = "failed";

    /** Requires the type. */
    public SliceResult {
        MessageType.SLICE_RESULT.require(msgType);
    }

    /**
     * @return what identifies the answered slice across answers: its {@code req_id}, else (in an
     *     answer that lacks it) its file name and number, or null when the answer names neither
     */
    public String sliceKey() {
        if (reqId != null && !reqId.isBlank()) {
            return reqId;
        }
        Object nested = content == null ? null : content.get("req_id");
        if (nested != null) {
            return String.valueOf(nested);
        }
        return tfFilename == null ? null : tfFilename + "#" + sliceId;
    }

    /** @return whether the slice was processed: our {@code state}, or the iDDS {@code content.state} */
    public boolean done() {
        Object nested = content == null ? null : content.get("state");
        return DONE.equals(state != null ? state : nested);
    }
}
