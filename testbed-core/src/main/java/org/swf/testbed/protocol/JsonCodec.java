package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes the wire records as JSON text. The only class that imports Jackson.
 *
 * <p>Field names are the original's snake_case; absent (null) fields are left out; unknown
 * fields are ignored on reading, so messages from the original Python agents, which carry
 * fields we do not model, still decode.
 */
public final class JsonCodec {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final JsonMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
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

    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause instanceof JacksonException jackson ? jackson.getOriginalMessage() : cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
