package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The fastmon agent sampled a TF file from an STF: {@code tf_file_registered} on
 * {@code epictopic}. Fields and order as the original fastmon agent sends them, plus
 * {@code sender}; {@code tf_first}, {@code tf_last} and {@code tf_count} describe the
 * contiguous block of time frames the file holds.
 *
 * @param msgType always {@code tf_file_registered}
 * @param namespace the run's namespace
 * @param runId the run number
 * @param executionId the workflow execution, or null when the STF did not name one
 * @param processedBy the fastmon agent's instance name
 * @param tfFileId the TF file's id (the original's comes from the monitor; ours is local)
 * @param tfFilename {@code <stf name without extension>_tf_<NNN>.tf}
 * @param tfFirst the first time frame in the file (inclusive)
 * @param tfLast the last time frame in the file (inclusive)
 * @param tfCount how many time frames the file holds
 * @param fileSizeBytes the file's size
 * @param stfFilename the STF the file was sampled from
 * @param status {@code registered}
 * @param timestamp local ISO time of sending
 * @param sender the sending agent's instance name
 */
@JsonPropertyOrder({"msg_type", "namespace", "run_id", "execution_id", "processed_by", "tf_file_id", "tf_filename",
    "tf_first", "tf_last", "tf_count", "file_size_bytes", "stf_filename", "status", "timestamp", "sender"})
public record TfFileRegistered(
        String msgType,
        String namespace,
        String runId,
        String executionId,
        String processedBy,
        String tfFileId,
        String tfFilename,
        Integer tfFirst,
        Integer tfLast,
        Integer tfCount,
        Long fileSizeBytes,
        String stfFilename,
        String status,
        String timestamp,
        String sender) {

    /** The status of a TF file just registered. */
    public static final String REGISTERED = "registered";

    /** Requires the type and a TF file name; a given range must not be reversed. */
    public TfFileRegistered {
        MessageType.TF_FILE_REGISTERED.require(msgType);
        if (tfFilename == null || tfFilename.isBlank()) {
            throw new IllegalArgumentException("tf_file_registered without tf_filename");
        }
        if (tfFirst != null && tfLast != null && tfLast < tfFirst) {
            throw new IllegalArgumentException("tf_file_registered with tf_last " + tfLast + " before tf_first "
                    + tfFirst);
        }
    }
}
