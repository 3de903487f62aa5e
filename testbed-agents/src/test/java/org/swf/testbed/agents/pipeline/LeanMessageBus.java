package org.swf.testbed.agents.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;

/**
 * A minimal in-JVM bus for measuring the agents' throughput: the routing of
 * {@link org.swf.testbed.port.InMemoryMessageBus} (topics copy to current subscribers, queues
 * give each message to one subscriber in turn, one delivery thread per subscription) without its
 * log of every message sent, whose copy-on-write list makes each send cost O(messages so far).
 */
final class LeanMessageBus implements MessageBus {

    private final Hub hub;
    private final List<Sub> subscriptions = new ArrayList<>();

    LeanMessageBus(Hub hub) {
        this.hub = hub;
    }

    @Override
    public void send(Destination destination, String body) {
        send(destination, body, null, null);
    }

    @Override
    public void send(Destination destination, String body, Destination replyTo, String correlationId) {
        hub.route(new InboundMessage(destination, body, replyTo, correlationId));
    }

    @Override
    public synchronized Subscription subscribe(Destination destination, Consumer<InboundMessage> listener) {
        Sub sub = new Sub(hub, destination, listener);
        subscriptions.add(sub);
        hub.attach(sub);
        return sub;
    }

    @Override
    public InboundMessage request(Destination destination, String body, Duration timeout) {
        Destination replies = Destination.queue("tmp." + UUID.randomUUID());
        CompletableFuture<InboundMessage> reply = new CompletableFuture<>();
        try (Subscription ignored = subscribe(replies, reply::complete)) {
            send(destination, body, replies, UUID.randomUUID().toString());
            return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException | ExecutionException e) {
            throw new TestbedTimeoutException("No reply from " + destination.name() + ": " + e);
        }
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public synchronized void close() {
        subscriptions.forEach(Sub::close);
    }

    /** The shared routing state, one per simulated broker. */
    static final class Hub {
        private final Map<String, List<Sub>> topics = new HashMap<>();
        private final Map<String, Deque<InboundMessage>> pending = new HashMap<>();
        private final Map<String, List<Sub>> consumers = new HashMap<>();
        private final Map<String, Integer> turn = new HashMap<>();

        synchronized void route(InboundMessage message) {
            String name = message.destination().name();
            if (message.destination().kind() == Destination.Kind.TOPIC) {
                topics.getOrDefault(name, List.of()).forEach(sub -> sub.deliver(message));
            } else {
                pending.computeIfAbsent(name, n -> new ArrayDeque<>()).addLast(message);
                drain(name);
            }
        }

        synchronized void attach(Sub sub) {
            String name = sub.destination.name();
            if (sub.destination.kind() == Destination.Kind.TOPIC) {
                topics.computeIfAbsent(name, n -> new ArrayList<>()).add(sub);
            } else {
                consumers.computeIfAbsent(name, n -> new ArrayList<>()).add(sub);
                drain(name);
            }
        }

        synchronized void detach(Sub sub) {
            topics.getOrDefault(sub.destination.name(), new ArrayList<>()).remove(sub);
            consumers.getOrDefault(sub.destination.name(), new ArrayList<>()).remove(sub);
        }

        private void drain(String name) {
            List<Sub> subs = consumers.getOrDefault(name, List.of());
            Deque<InboundMessage> queue = pending.getOrDefault(name, new ArrayDeque<>());
            while (!subs.isEmpty() && !queue.isEmpty()) {
                int next = (turn.getOrDefault(name, 0) + 1) % subs.size();
                turn.put(name, next);
                subs.get(next).deliver(queue.removeFirst());
            }
        }
    }

    private static final class Sub implements Subscription {
        private final Hub hub;
        private final Destination destination;
        private final Consumer<InboundMessage> listener;
        private final ExecutorService delivery = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lean-bus");
            thread.setDaemon(true);
            return thread;
        });

        Sub(Hub hub, Destination destination, Consumer<InboundMessage> listener) {
            this.hub = hub;
            this.destination = destination;
            this.listener = listener;
        }

        void deliver(InboundMessage message) {
            if (!delivery.isShutdown()) {
                delivery.execute(() -> {
                    try {
                        listener.accept(message);
                    } catch (RuntimeException e) {
                        // as the real adapters do: a failing listener does not end delivery
                    }
                });
            }
        }

        @Override
        public void close() {
            hub.detach(this);
            delivery.shutdown();
        }
    }
}
