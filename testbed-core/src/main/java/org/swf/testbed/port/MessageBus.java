package org.swf.testbed.port;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.swf.testbed.protocol.Destination;

/**
 * Sends and receives JSON text messages on the broker's queues and topics.
 *
 * <p>The production adapter speaks AMQP 1.0; tests use an in-memory fake. When the broker cannot
 * be reached the adapter fails within its connect timeout with a
 * {@link org.swf.testbed.ServiceUnavailableException}; it never blocks without a deadline.
 */
public interface MessageBus extends AutoCloseable {

    /**
     * Sends a message.
     *
     * @param destination where to
     * @param body the JSON text
     */
    void send(Destination destination, String body);

    /**
     * Sends a message that expects an answer at {@code replyTo}.
     *
     * @param destination where to
     * @param body the JSON text
     * @param replyTo where the answer should go
     * @param correlationId echoed in the answer
     */
    void send(Destination destination, String body, Destination replyTo, String correlationId);

    /**
     * Delivers every message arriving at {@code destination} to {@code listener}, one at a time,
     * on a thread of the adapter's. Returns once the subscription is active, so a message sent
     * after this call returns is delivered.
     *
     * @param destination a queue (competing consumers) or topic (every subscriber gets a copy)
     * @param listener called for each message; exceptions are logged and do not end the
     *     subscription
     * @return a handle that ends the subscription
     */
    Subscription subscribe(Destination destination, Consumer<InboundMessage> listener);

    /**
     * Subscribes as {@link #subscribe(Destination, Consumer)} does, for a listener that can take a
     * message twice (it is idempotent, or its results are counted once downstream), so the
     * adapter may trade that for throughput: fetch more messages ahead and acknowledge them in
     * batches. A message is acknowledged only after the listener has returned for it, so when
     * the process dies nothing is lost: what it had not acknowledged goes to another consumer,
     * or to it again, marked {@linkplain InboundMessage#redelivered() redelivered}.
     *
     * @param destination a queue of work
     * @param listener called for each message, one at a time; exceptions are logged and do not
     *     end the subscription
     * @return a handle that ends the subscription
     */
    default Subscription subscribeIdempotent(Destination destination, Consumer<InboundMessage> listener) {
        return subscribe(destination, listener);
    }

    /**
     * Sends {@code body} with a private reply address and waits for one answer. The request
     * expires with the wait: a broker drops it when nobody consumed it in time, so no consumer
     * that starts later acts on it.
     *
     * @param destination where to
     * @param body the JSON text
     * @param timeout how long to wait for the answer
     * @return the answer
     * @throws org.swf.testbed.TestbedTimeoutException when no answer came in time
     */
    default InboundMessage request(Destination destination, String body, Duration timeout) {
        return request(destination, body, timeout, message -> false);
    }

    /**
     * Sends {@code body} as {@link #request(Destination, String, Duration)} does, to a consumer
     * that may send interim messages (e.g. progress) to the reply address before its answer. Each
     * message arriving there goes to {@code interim}, on the waiting thread or one of the
     * adapter's, one at a time: it returns true for an interim message, which it has dealt with,
     * and waiting goes on; the first message for which it returns false is the answer. The
     * timeout covers the whole exchange, interim messages included.
     *
     * @param destination where to
     * @param body the JSON text
     * @param timeout how long to wait for the answer
     * @param interim deals with an interim message and returns true, or returns false for the answer
     * @return the answer
     * @throws org.swf.testbed.TestbedTimeoutException when no answer came in time
     */
    InboundMessage request(Destination destination, String body, Duration timeout, Predicate<InboundMessage> interim);

    /** @return whether the connection to the broker is up at this moment */
    boolean isConnected();

    /**
     * Asks the broker how many messages it holds for the consumers of a destination and has not
     * delivered yet: for a topic, summed over its subscribers. A producer that can outrun its
     * consumers (a workflow on a virtual clock) waits on this rather than overflowing what the
     * broker keeps for a subscriber that is behind.
     *
     * @param destination a queue or topic
     * @return the count, or empty when the broker does not tell this client (no such interface,
     *     no permission, no answer in time); the default
     */
    default OptionalLong undelivered(Destination destination) {
        return OptionalLong.empty();
    }

    /** Closes every subscription and the connection. */
    @Override
    void close();

    /** An active subscription. */
    interface Subscription extends AutoCloseable {
        /** Stops delivery. */
        @Override
        void close();
    }
}
