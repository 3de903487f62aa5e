package org.swf.testbed.protocol;

/**
 * A command on the bus: one record per command, the JSON codec the only place that turns it
 * into and out of the wire's JSON object ({@link JsonCodec#encodeCommand},
 * {@link JsonCodec#decodeCommand}).
 *
 * @param <R> the result a successful reply to it carries ({@link Void} when it gets no reply)
 */
public sealed interface Command<R> permits RunnerCommand, ManagerCommand, HeartbeatRequest {

    /** @return the command's wire name */
    MessageType type();

    /** @return when, by whom and for whom it was sent */
    CommandEnvelope envelope();

    /** @return the class of the result a successful reply carries */
    Class<R> resultType();
}
