package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes the wire records as JSON text. The only class that imports Jackson, and
 * the only place where commands and replies meet the wire's JSON objects.
 *
 * <p>Field names are the original's snake_case; absent (null) fields are left out; unknown
 * fields are ignored on reading, so messages from the original Python agents, which carry
 * fields we do not model, still decode.
 */
public final class JsonCodec {

    /** The field naming a command for the agent manager, as the original's clients send it. */
    public static final String COMMAND_FIELD = "command";
    /** The field naming every other message's type. */
    public static final String MSG_TYPE_FIELD = "msg_type";

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final Map<MessageType, Class<? extends Command<?>>> COMMANDS = commands();
    /** The reply's own fields; every other field of a reply belongs to its result. */
    private static final List<String> REPLY_FIELDS = List.of(MSG_TYPE_FIELD, "in_reply_to", "success", "error",
            "error_code", "correlation_id", "sender", "timestamp", "log_tail");

    private final JsonMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // Records keep their declared order on the wire, as the original's messages read.
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    /**
     * @param message a wire record, or a map of fields
     * @return its JSON text
     */
    public String encode(Object message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JacksonException e) {
            throw new IllegalStateException("Cannot encode " + message.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param json JSON text
     * @param type the wire record to read it as
     * @param <T> the record type
     * @return the record
     * @throws MalformedMessageException when the text is not JSON or does not fit the record
     */
    public <T> T decode(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new MalformedMessageException("Not a valid " + type.getSimpleName() + " message: "
                    + reason(e), e);
        }
    }

    /**
     * @param json JSON text
     * @return its top-level object as an ordered map
     * @throws MalformedMessageException when the text is not a JSON object
     */
    public Map<String, Object> decodeObject(String json) {
        try {
            Map<String, Object> fields = mapper.readValue(json, OBJECT);
            if (fields == null) {
                throw new MalformedMessageException("Message is JSON null, expected an object");
            }
            return fields;
        } catch (JacksonException e) {
            throw new MalformedMessageException("Message is not a JSON object: " + reason(e), e);
        }
    }

    /**
     * @param fields decoded fields
     * @param type the wire record to read them as
     * @param <T> the record type
     * @return the record
     * @throws MalformedMessageException when the fields do not fit the record
     */
    public <T> T convert(Map<String, Object> fields, Class<T> type) {
        try {
            return mapper.convertValue(fields, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new MalformedMessageException("Not a valid " + type.getSimpleName() + " message: "
                    + reason(e), e);
        }
    }

    /**
     * @param command a command
     * @return its JSON object: the field naming it ({@code command} for the agent manager's,
     *     {@code msg_type} for the others), then its fields and its envelope's
     */
    public String encodeCommand(Command<?> command) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(command instanceof ManagerCommand ? COMMAND_FIELD : MSG_TYPE_FIELD, command.type().wireName());
        fields.putAll(toFields(command));
        return encode(fields);
    }

    /**
     * @param fields a decoded message
     * @return the command it is, named by its {@code command} (else {@code msg_type}) field
     * @throws UnknownCommandException when it names something that is not a command we know
     * @throws MalformedMessageException when it names none, or its fields do not fit the command
     */
    public Command<?> decodeCommand(Map<String, Object> fields) {
        String name = commandName(fields);
        if (name == null) {
            throw new MalformedMessageException("The message has no command (or msg_type) field");
        }
        Class<? extends Command<?>> type = MessageType.fromWireName(name).map(COMMANDS::get)
                .orElseThrow(() -> new UnknownCommandException(name));
        return convert(fields, type);
    }

    /**
     * @param fields a decoded message
     * @return the command it names: its {@code command} field, else its {@code msg_type}; null
     *     when it has neither
     */
    public static String commandName(Map<String, Object> fields) {
        Object name = fields.containsKey(COMMAND_FIELD) ? fields.get(COMMAND_FIELD) : fields.get(MSG_TYPE_FIELD);
        return name == null ? null : String.valueOf(name);
    }

    /**
     * @param reply a reply
     * @return its JSON object, the result's fields alongside the reply's own
     */
    public String encodeReply(Reply<?> reply) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(MSG_TYPE_FIELD, MessageType.REPLY.wireName());
        putIfPresent(fields, "in_reply_to", reply.inReplyTo());
        fields.put("success", reply.success());
        putIfPresent(fields, "error", reply.error());
        putIfPresent(fields, "error_code", reply.errorCode());
        putIfPresent(fields, "correlation_id", reply.correlationId());
        putIfPresent(fields, "sender", reply.sender());
        putIfPresent(fields, "timestamp", reply.timestamp());
        if (reply.result() != null) {
            fields.putAll(toFields(reply.result()));
        }
        if (!reply.logTail().isEmpty()) {
            fields.put("log_tail", reply.logTail());
        }
        return encode(fields);
    }

    /**
     * @param json a reply's JSON text
     * @param resultType the result the command answered carries
     * @param <R> the result type
     * @return the reply; its result is read only when it succeeded
     * @throws MalformedMessageException when the text is not a reply, or its fields do not fit
     */
    public <R> Reply<R> decodeReply(String json, Class<R> resultType) {
        Map<String, Object> fields = decodeObject(json);
        if (!MessageType.REPLY.wireName().equals(fields.get(MSG_TYPE_FIELD))) {
            throw new MalformedMessageException("Not a reply: its msg_type is " + fields.get(MSG_TYPE_FIELD));
        }
        boolean success = Boolean.TRUE.equals(fields.get("success"));
        R result = null;
        if (success && resultType != Void.class) {
            Map<String, Object> resultFields = new LinkedHashMap<>(fields);
            REPLY_FIELDS.forEach(resultFields::remove);
            result = convert(resultFields, resultType);
        }
        ErrorCode code = null;
        if (fields.get("error_code") != null) {
            code = convert(Map.of("code", fields.get("error_code")), CodeField.class).code();
        }
        List<String> logTail = fields.get("log_tail") instanceof List<?> lines
                ? lines.stream().map(String::valueOf).toList() : List.of();
        try {
            return new Reply<>(text(fields, "in_reply_to"), success, text(fields, "error"), code,
                    text(fields, "correlation_id"), text(fields, "sender"), text(fields, "timestamp"), result, logTail);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("Not a valid reply: " + e.getMessage(), e);
        }
    }

    /**
     * @param json a message that arrived at a reply address before the reply
     * @return the step it reports, or empty when it is not a {@code progress} message (the reply,
     *     or anything else)
     * @throws MalformedMessageException when it is not a JSON object, or says it is progress but
     *     its fields do not fit
     */
    public Optional<CommandProgress> decodeProgress(String json) {
        Map<String, Object> fields = decodeObject(json);
        if (!MessageType.PROGRESS.wireName().equals(fields.get(MSG_TYPE_FIELD))) {
            return Optional.empty();
        }
        return Optional.of(convert(fields, CommandProgress.class));
    }

    /**
     * @param record a wire or status record
     * @return its fields as the JSON object would carry them, in order, nulls left out
     */
    public Map<String, Object> toFields(Object record) {
        // Through the text, so numbers come back as a reader of the JSON sees them (3, not 3L).
        return decodeObject(encode(record));
    }

    private static void putIfPresent(Map<String, Object> fields, String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
    }

    private static String text(Map<String, Object> fields, String key) {
        Object value = fields.get(key);
        return value == null ? null : String.valueOf(value);
    }

    private static Map<MessageType, Class<? extends Command<?>>> commands() {
        Map<MessageType, Class<? extends Command<?>>> commands = new EnumMap<>(MessageType.class);
        commands.put(MessageType.RUN_WORKFLOW, RunWorkflow.class);
        commands.put(MessageType.STOP_WORKFLOW, StopWorkflow.class);
        commands.put(MessageType.STATUS_REQUEST, StatusRequest.class);
        commands.put(MessageType.HEARTBEAT_REQUEST, HeartbeatRequest.class);
        commands.put(MessageType.START_TESTBED, StartTestbed.class);
        commands.put(MessageType.STOP_TESTBED, StopTestbed.class);
        commands.put(MessageType.STATUS, TestbedStatusRequest.class);
        commands.put(MessageType.PING, Ping.class);
        commands.put(MessageType.LOGS, LogsRequest.class);
        commands.put(MessageType.SCALE_AGENT, ScaleAgent.class);
        return commands;
    }

    /** Reads an error code as the enum reads it, so an unknown code is malformed like any bad field. */
    private record CodeField(ErrorCode code) {
    }

    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause instanceof JacksonException jackson ? jackson.getOriginalMessage() : cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
