package org.swf.testbed.port;

import java.util.Map;
import java.util.Objects;
import org.swf.testbed.protocol.Destination;

/**
 * A message as received.
 *
 * @param destination where it arrived
 * @param body its JSON text
 * @param replyTo the transport reply address, or null when the sender gave none
 * @param correlationId the transport correlation id, or null
 * @param redelivered whether the transport says this message was delivered before (to this or
 *     another consumer that did not acknowledge it, e.g. one that died)
 */
public record InboundMessage(Destination destination, String body, Destination replyTo, String correlationId,
        boolean redelivered) {

    /** Requires destination and body. */
    public InboundMessage {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(body, "body");
    }

    /**
     * A message delivered for the first time.
     *
     * @param destination where it arrived
     * @param body its JSON text
     * @param replyTo the transport reply address, or null
     * @param correlationId the transport correlation id, or null
     */
    public InboundMessage(Destination destination, String body, Destination replyTo, String correlationId) {
        this(destination, body, replyTo, correlationId, false);
    }

    /**
     * Where an answer goes: the transport's reply address, else the {@code reply_to} field that
     * STOMP senders put in the body (e.g. {@code /queue/my.replies}).
     *
     * @param fields the decoded body
     * @return the reply address, or null when the sender gave none (or an invalid one)
     */
    public Destination replyAddress(Map<String, Object> fields) {
        if (replyTo != null) {
            return replyTo;
        }
        Object field = fields.get("reply_to");
        if (!(field instanceof String address) || address.isBlank()) {
            return null;
        }
        try {
            return Destination.parse(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * @param fields the decoded body
     * @return the transport correlation id, else a {@code correlation_id} field, else null
     */
    public String correlationId(Map<String, Object> fields) {
        if (correlationId != null) {
            return correlationId;
        }
        Object field = fields.get("correlation_id");
        return field == null ? null : String.valueOf(field);
    }
}
