package org.swf.testbed.agents;

import java.util.Map;
import java.util.Optional;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.protocol.MessageType;

/**
 * A received message, decoded once.
 *
 * @param msgType the message's {@code msg_type} (or {@code command}) text, or null when absent
 * @param fields the JSON object's fields
 * @param raw the message as the bus delivered it, for its reply address
 */
public record AgentMessage(String msgType, Map<String, Object> fields, InboundMessage raw) {

    /** @return the known message type, empty for one this project does not model */
    public Optional<MessageType> type() {
        return MessageType.fromWireName(msgType);
    }

    /**
     * @param key a field name
     * @return the field as text, or null when absent
     */
    public String text(String key) {
        Object value = fields.get(key);
        return value == null ? null : String.valueOf(value);
    }

    /** @return the correlation id from the transport, or from a {@code correlation_id} field */
    public String correlationId() {
        return raw.correlationId(fields);
    }
}
