package org.swf.testbed.control;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Command;
import org.swf.testbed.protocol.CommandProgress;
import org.swf.testbed.protocol.CommandRefusedException;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
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
        return send(command, timeout, null);
    }

    /**
     * @param onProgress hears each {@code progress} message that arrives before the reply, or
     *     null when the command asked for none
     */
    private <R> Reply<R> send(Command<R> command, Duration timeout, Consumer<CommandProgress> onProgress) {
        InboundMessage answer = onProgress == null ? bus.request(queue, codec.encodeCommand(command), timeout)
                : bus.request(queue, codec.encodeCommand(command), timeout, message -> {
                    Optional<CommandProgress> progress;
                    try {
                        progress = codec.decodeProgress(message.body());
                    } catch (MalformedMessageException e) {
                        return false; // the answer, and decodeReply says what is wrong with it
                    }
                    progress.ifPresent(onProgress);
                    return progress.isPresent();
                });
        return codec.decodeReply(answer.body(), command.resultType());
    }

    <R> R call(Command<R> command, Duration timeout) {
        return call(command, timeout, null);
    }

    /**
     * @param onProgress hears each {@code progress} message the consumer sends before its reply,
     *     or null when the command asked for none
     */
    <R> R call(Command<R> command, Duration timeout, Consumer<CommandProgress> onProgress) {
        Reply<R> reply = send(command, timeout, onProgress);
        if (!reply.success()) {
            throw new CommandRefusedException(who, command.type().wireName(), reply.errorCode(), reply.error(),
                    reply.logTail());
        }
        return reply.result();
    }
}
