package org.swf.testbed.mcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/**
 * Consumes a control queue as the agent manager or a workflow runner would, answering each
 * command that has a reply address with what {@code answer} returns (null: no answer at all).
 */
final class FakeConsumer implements AutoCloseable {

    private final JsonCodec codec = new JsonCodec();
    private final InMemoryMessageBus bus;
    private final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();

    FakeConsumer(InMemoryMessageBus.Broker broker, Destination queue, Function<Map<String, Object>, WireReply> answer) {
        this.bus = broker.newBus();
        bus.subscribe(queue, message -> {
            Map<String, Object> command = codec.decodeObject(message.body());
            received.add(command);
            WireReply reply = answer.apply(command);
            if (reply != null && message.replyTo() != null) {
                bus.send(message.replyTo(), reply.json(), null, message.correlationId());
            }
        });
    }

    /** @return every command received, oldest first */
    List<Map<String, Object>> received() {
        return List.copyOf(received);
    }

    /** @return the names ({@code command} or {@code msg_type}) of the commands received */
    List<String> names() {
        return received.stream().map(c -> String.valueOf(c.containsKey("command") ? c.get("command") : c.get("msg_type")))
                .toList();
    }

    static WireReply ok(Map<String, Object> command, Map<String, Object> result) {
        return WireReply.ok(name(command), result);
    }

    static WireReply failed(Map<String, Object> command, ErrorCode code, String error) {
        return WireReply.failed(name(command), code, error);
    }

    private static String name(Map<String, Object> command) {
        return String.valueOf(command.containsKey("command") ? command.get("command") : command.get("msg_type"));
    }

    @Override
    public void close() {
        bus.close();
    }
}
