package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The fast processing agent's account of one execution: {@code processing_summary} on
 * {@code epictopic}, sent at {@code end_run} and again each time every slice created so far has
 * been answered after it. The original logs these numbers; we also broadcast them so that an
 * operator (or a test) can see, without the monitor, that every slice was answered.
 *
 * <p>Not a {@link MessageType}: no agent acts on it, it is for observers.
 *
 * @param msgType always {@code processing_summary}
 * @param namespace the run's namespace
 * @param runId the run number
 * @param executionId the workflow execution
 * @param tfFilesReceived how many {@code tf_file_registered} the agent sliced
 * @param slicesCreated how many slices it sent to the workers
 * @param slicesCompleted how many came back {@code done}
 * @param slicesFailed how many came back otherwise
 * @param runEnded whether {@code end_run} was seen
 * @param slicesRedelivered how many of the counted answers were for a slice that a worker had
 *     received more than once (the broker redelivered it, e.g. after a worker died holding it);
 *     each such slice is counted once all the same
 * @param duplicateAnswers answers ignored because their slice had been counted already (a slice
 *     redelivered after its first worker had answered it)
 * @param timestamp local ISO time of sending
 * @param sender the sending agent's instance name
 */
@JsonPropertyOrder({"msg_type", "namespace", "run_id", "execution_id", "tf_files_received", "slices_created",
    "slices_completed", "slices_failed", "run_ended", "slices_redelivered", "duplicate_answers", "timestamp", "sender"})
public record ProcessingSummary(
        String msgType,
        String namespace,
        String runId,
        String executionId,
        long tfFilesReceived,
        long slicesCreated,
        long slicesCompleted,
        long slicesFailed,
        boolean runEnded,
        long slicesRedelivered,
        long duplicateAnswers,
        String timestamp,
        String sender) {

    /** The wire name of this message. */
    public static final String MSG_TYPE = "processing_summary";

    /**
     * Requires the type and counts that are not negative. Answers may outnumber slices (a worker
     * answering a slice sent before this agent restarted), so that is not refused.
     */
    public ProcessingSummary {
        if (!MSG_TYPE.equals(msgType)) {
            throw new IllegalArgumentException("Not a processing_summary message: " + msgType);
        }
        if (tfFilesReceived < 0 || slicesCreated < 0 || slicesCompleted < 0 || slicesFailed < 0
                || slicesRedelivered < 0 || duplicateAnswers < 0) {
            throw new IllegalArgumentException("processing_summary with a negative count");
        }
    }
}
