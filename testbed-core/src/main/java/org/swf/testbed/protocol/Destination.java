package org.swf.testbed.protocol;

import java.util.Objects;

/**
 * A broker address and how it distributes messages.
 *
 * @param name the address name as both AMQP and STOMP clients know it (no prefix)
 * @param kind queue (one consumer gets each message) or topic (every subscriber does)
 */
public record Destination(String name, Kind kind) {

    /** Requires a non-blank name without whitespace. */
    public Destination {
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("Invalid destination name '" + name + "'");
        }
    }

    /** @param name address name @return a queue */
    public static Destination queue(String name) {
        return new Destination(name, Kind.QUEUE);
    }

    /** @param name address name @return a topic */
    public static Destination topic(String name) {
        return new Destination(name, Kind.TOPIC);
    }

    /**
     * Reads a STOMP-style address such as {@code /queue/x} or {@code /topic/y}; a bare name is a
     * queue.
     *
     * @param address the address text
     * @return the destination
     */
    public static Destination parse(String address) {
        if (address.startsWith("/queue/")) {
            return queue(address.substring("/queue/".length()));
        }
        if (address.startsWith("/topic/")) {
            return topic(address.substring("/topic/".length()));
        }
        return queue(address);
    }

    /** @return the STOMP form, {@code /queue/NAME} or {@code /topic/NAME} */
    public String stompAddress() {
        return (kind == Kind.QUEUE ? "/queue/" : "/topic/") + name;
    }

    /** How a destination distributes messages. */
    public enum Kind { QUEUE, TOPIC }
}
