package org.swf.testbed.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reply as a foreign client sees it on the wire: one JSON object. Tests that speak the wire
 * protocol (as the original's Python clients do) read and build replies with it, so what they
 * check is the JSON itself, not our typed reading of it.
 *
 * @param fields the reply's JSON object
 */
public record WireReply(Map<String, Object> fields) {

    private static final JsonCodec CODEC = new JsonCodec();
    private static final List<String> OWN_FIELDS = List.of("msg_type", "in_reply_to", "success", "error", "error_code",
            "correlation_id", "sender", "timestamp");

    /** Copies the fields. */
    public WireReply {
        fields = new LinkedHashMap<>(fields);
    }

    /**
     * @param json a reply's JSON text
     * @return the reply
     */
    public static WireReply of(String json) {
        return new WireReply(CODEC.decodeObject(json));
    }

    /**
     * @param inReplyTo the command answered
     * @param result its result fields
     * @return a successful reply
     */
    public static WireReply ok(String inReplyTo, Map<String, Object> result) {
        Map<String, Object> fields = new LinkedHashMap<>(Map.of("msg_type", "reply", "in_reply_to", inReplyTo,
                "success", true, "sender", "fake", "timestamp", "2026-01-01T00:00:00"));
        fields.putAll(result);
        return new WireReply(fields);
    }

    /**
     * @param inReplyTo the command answered
     * @param code why it failed
     * @param error a sentence
     * @return a failed reply
     */
    public static WireReply failed(String inReplyTo, ErrorCode code, String error) {
        return new WireReply(Map.of("msg_type", "reply", "in_reply_to", inReplyTo, "success", false, "error", error,
                "error_code", code.name(), "sender", "fake", "timestamp", "2026-01-01T00:00:00"));
    }

    /** @return the JSON text */
    public String json() {
        return CODEC.encode(fields);
    }

    /** @return whether the command succeeded */
    public boolean success() {
        return Boolean.TRUE.equals(fields.get("success"));
    }

    /** @return the failure's sentence, or null */
    public String error() {
        return (String) fields.get("error");
    }

    /** @return the failure's code, or null */
    public ErrorCode errorCode() {
        return fields.get("error_code") == null ? null : ErrorCode.valueOf(String.valueOf(fields.get("error_code")));
    }

    /** @return the correlation id, or null */
    public String correlationId() {
        return (String) fields.get("correlation_id");
    }

    /** @return the command answered */
    public String inReplyTo() {
        return (String) fields.get("in_reply_to");
    }

    /** @return the result's fields: every field but the reply's own */
    public Map<String, Object> result() {
        Map<String, Object> result = new LinkedHashMap<>(fields);
        OWN_FIELDS.forEach(result::remove);
        return result;
    }
}
