package org.swf.testbed.port;

import java.util.Objects;
import org.swf.testbed.protocol.Destination;

/**
 * A message as received.
 *
 * @param destination where it arrived
 * @param body its JSON text
 * @param replyTo the transport reply address, or null when the sender gave none
 * @param correlationId the transport correlation id, or null
 */
public record InboundMessage(Destination destination, String body, Destination replyTo, String correlationId) {

    /** Requires destination and body. */
    public InboundMessage {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(body, "body");
    }
}
