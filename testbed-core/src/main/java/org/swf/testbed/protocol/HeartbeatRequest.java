package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks every agent of a namespace, on the heartbeat topic, for a heartbeat now, e.g. from a
 * runner or agent manager that just started and wants to know who is alive. It gets no reply:
 * the heartbeats are the answer.
 *
 * @param namespace whose agents should answer
 * @param sender the asking agent's instance name
 * @param envelope when it was sent
 */
public record HeartbeatRequest(String namespace, String sender, @JsonUnwrapped CommandEnvelope envelope)
        implements Command<Void> {

    @Override
    public MessageType type() {
        return MessageType.HEARTBEAT_REQUEST;
    }

    @Override
    public Class<Void> resultType() {
        return Void.class;
    }
}
