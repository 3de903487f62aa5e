package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to any command that carried a reply address.
 *
 * @param msgType always {@code reply}
 * @param inReplyTo the command answered, e.g. {@code run_workflow}
 * @param success whether the command did what it asked
 * @param error a sentence a person can act on when it failed, else null
 * @param errorCode a stable reason when it failed, else null
 * @param correlationId the command's correlation id, if it had one
 * @param sender the answering agent's instance name
 * @param timestamp local ISO time of answering
 * @param result the command's result fields (e.g. {@code execution_id}), flattened into the
 *     JSON object
 */
@JsonPropertyOrder({"msg_type", "in_reply_to", "success", "error", "error_code", "correlation_id", "sender",
    "timestamp"})
public record Reply(
        String msgType,
        String inReplyTo,
        boolean success,
        String error,
        ErrorCode errorCode,
        String correlationId,
        String sender,
        String timestamp,
        @JsonAnyGetter Map<String, Object> result) {

    /** Requires the type; failed replies need an error and a code. */
    public Reply {
        if (!MessageType.REPLY.wireName().equals(msgType)) {
            throw new IllegalArgumentException("Not a reply message: " + msgType);
        }
        if (!success && (error == null || errorCode == null)) {
            throw new IllegalArgumentException("A failed reply needs an error sentence and an error code");
        }
        result = result == null ? new LinkedHashMap<>() : new LinkedHashMap<>(result);
    }

    /**
     * Collects unknown JSON fields into {@link #result} when decoding.
     *
     * @param key field name
     * @param value field value
     */
    @JsonAnySetter
    void putResult(String key, Object value) {
        result.put(key, value);
    }

    /**
     * @param inReplyTo the command answered
     * @param correlationId its correlation id, or null
     * @param sender the answering agent
     * @param timestamp local ISO time
     * @param result result fields
     * @return a successful reply
     */
    public static Reply ok(String inReplyTo, String correlationId, String sender, String timestamp,
            Map<String, Object> result) {
        return new Reply(MessageType.REPLY.wireName(), inReplyTo, true, null, null, correlationId, sender,
                timestamp, result);
    }

    /**
     * @param inReplyTo the command answered, or null when it could not be read
     * @param correlationId its correlation id, or null
     * @param sender the answering agent
     * @param timestamp local ISO time
     * @param code the stable reason
     * @param error a sentence a person can act on
     * @return a failed reply
     */
    public static Reply failed(String inReplyTo, String correlationId, String sender, String timestamp,
            ErrorCode code, String error) {
        return new Reply(MessageType.REPLY.wireName(), inReplyTo, false, error, code, correlationId, sender,
                timestamp, Map.of());
    }
}
