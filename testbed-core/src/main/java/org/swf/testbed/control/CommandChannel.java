package org.swf.testbed.control;

import java.time.Duration;
import java.util.Objects;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Command;
import org.swf.testbed.protocol.CommandRefusedException;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.Reply;

/**
 * Sends commands to one consumer's queue and reads their replies: the request/reply both typed
 * clients share.
 */
final class CommandChannel {

    private final MessageBus bus;
    private final JsonCodec codec;
    private final Destination queue;
    private final String who;

    /**
     * @param bus a connected bus
     * @param codec the JSON codec
     * @param queue the consumer's queue
     * @param who the consumer, for messages, e.g. {@code The workflow runner}
     */
    CommandChannel(MessageBus bus, JsonCodec codec, Destination queue, String who) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.who = Objects.requireNonNull(who, "who");
    }

    <R> Reply<R> send(Command<R> command, Duration timeout) {
        InboundMessage answer = bus.request(queue, codec.encodeCommand(command), timeout);
        return codec.decodeReply(answer.body(), command.resultType());
    }

    <R> R call(Command<R> command, Duration timeout) {
        Reply<R> reply = send(command, timeout);
        if (!reply.success()) {
            throw new CommandRefusedException(who, command.type().wireName(), reply.errorCode(), reply.error(),
                    reply.logTail());
        }
        return reply.result();
    }
}
