package org.swf.testbed.port;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.util.Await;

/**
 * A {@link MessageBus} inside the JVM, for unit tests of the modules that use the bus.
 *
 * <p>It has the semantics of the real adapter (it passes {@link MessageBusContract}): a queue
 * keeps messages until a subscriber takes them and gives each to one subscriber; a topic copies
 * each message to its current subscribers and drops it when there are none; each subscription
 * delivers one message at a time on its own thread; a listener's exception is logged and delivery
 * goes on. Several buses made from one {@link Broker} see each other, like processes sharing a
 * broker; {@link Broker#setAvailable(boolean)} simulates an outage and {@link Broker#sent()} lets
 * a test see what was sent.
 */
public final class InMemoryMessageBus implements MessageBus {

    private static final System.Logger LOG = System.getLogger(InMemoryMessageBus.class.getName());

    private final Broker broker;
    private final Set<InMemorySubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Creates a bus on a broker of its own. */
    public InMemoryMessageBus() {
        this(new Broker());
    }

    /** @param broker the broker this bus shares with other buses */
    public InMemoryMessageBus(Broker broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** @return the broker this bus is connected to */
    public Broker broker() {
        return broker;
    }

    /** @return another bus on the same broker, as a second process would have */
    public InMemoryMessageBus newView() {
        return new InMemoryMessageBus(broker);
    }

    @Override
    public void send(Destination destination, String body) {
        send(destination, body, null, null);
    }

    @Override
    public void send(Destination destination, String body, Destination replyTo, String correlationId) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(body, "body");
        requireUsable();
        broker.route(new InboundMessage(destination, body, replyTo, correlationId));
    }

    @Override
    public Subscription subscribe(Destination destination, Consumer<InboundMessage> listener) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(listener, "listener");
        requireUsable();
        InMemorySubscription subscription = new InMemorySubscription(this, destination, listener);
        subscriptions.add(subscription);
        broker.attach(subscription);
        return subscription;
    }

    @Override
    public InboundMessage request(Destination destination, String body, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        requireUsable();
        // Like a JMS temporary queue: private to this request, gone afterwards.
        Destination replyQueue = Destination.queue("tmp." + UUID.randomUUID());
        String correlationId = UUID.randomUUID().toString();
        CompletableFuture<InboundMessage> reply = new CompletableFuture<>();
        try (Subscription ignored = subscribe(replyQueue, in -> {
            if (in.correlationId() == null || correlationId.equals(in.correlationId())) {
                reply.complete(in);
            }
        })) {
            send(destination, body, replyQueue, correlationId);
            return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TestbedTimeoutException("No reply from " + describe(destination) + " within "
                    + Await.seconds(timeout) + ". Is its consumer running?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedTimeoutException("Interrupted while waiting for a reply from " + describe(destination), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            broker.forget(replyQueue);
        }
    }

    @Override
    public boolean isConnected() {
        return !closed && broker.available;
    }

    @Override
    public void close() {
        closed = true;
        for (InMemorySubscription subscription : subscriptions) {
            subscription.close();
        }
    }

    private void requireUsable() {
        if (closed) {
            throw new IllegalStateException("The message bus is closed");
        }
        if (!broker.available) {
            throw new ServiceUnavailableException("The in-memory broker is unavailable (a test simulates an outage)");
        }
    }

    private static String describe(Destination destination) {
        return destination.kind().name().toLowerCase(Locale.ROOT) + " " + destination.name();
    }

    /**
     * The state every bus made from it shares: queues with their waiting messages, subscribers,
     * and a record of what was sent.
     */
    public static final class Broker {

        private final Object lock = new Object();
        private final Map<String, QueueState> queues = new HashMap<>();
        private final Map<String, List<InMemorySubscription>> topics = new HashMap<>();
        private final List<InboundMessage> sent = new CopyOnWriteArrayList<>();
        private volatile boolean available = true;

        /** @return a new bus on this broker */
        public InMemoryMessageBus newBus() {
            return new InMemoryMessageBus(this);
        }

        /**
         * Simulates a broker outage: while unavailable, buses report not connected and refuse to
         * send, subscribe or request with a {@link ServiceUnavailableException}. Subscriptions
         * survive, as they do on a reconnecting adapter.
         *
         * @param available whether the broker is reachable
         */
        public void setAvailable(boolean available) {
            this.available = available;
        }

        /** @return every message sent through this broker so far, oldest first */
        public List<InboundMessage> sent() {
            return List.copyOf(sent);
        }

        /**
         * @param destination a destination
         * @return the messages sent to it so far, oldest first
         */
        public List<InboundMessage> sent(Destination destination) {
            return sent.stream().filter(m -> m.destination().equals(destination)).toList();
        }

        /**
         * @param queue a queue
         * @return how many messages wait in it for a subscriber
         */
        public int waiting(Destination queue) {
            synchronized (lock) {
                QueueState state = queues.get(queue.name());
                return state == null ? 0 : state.pending.size();
            }
        }

        private void route(InboundMessage message) {
            sent.add(message);
            synchronized (lock) {
                String name = message.destination().name();
                if (message.destination().kind() == Destination.Kind.TOPIC) {
                    for (InMemorySubscription subscription : topics.getOrDefault(name, List.of())) {
                        subscription.deliver(message);
                    }
                } else {
                    queues.computeIfAbsent(name, n -> new QueueState()).offer(message);
                }
            }
        }

        private void attach(InMemorySubscription subscription) {
            synchronized (lock) {
                String name = subscription.destination.name();
                if (subscription.destination.kind() == Destination.Kind.TOPIC) {
                    topics.computeIfAbsent(name, n -> new ArrayList<>()).add(subscription);
                } else {
                    QueueState state = queues.computeIfAbsent(name, n -> new QueueState());
                    state.subscribers.add(subscription);
                    state.drain();
                }
            }
        }

        private void detach(InMemorySubscription subscription) {
            synchronized (lock) {
                String name = subscription.destination.name();
                if (subscription.destination.kind() == Destination.Kind.TOPIC) {
                    List<InMemorySubscription> subscribers = topics.get(name);
                    if (subscribers != null) {
                        subscribers.remove(subscription);
                    }
                } else {
                    QueueState state = queues.get(name);
                    if (state != null) {
                        state.subscribers.remove(subscription);
                    }
                }
            }
        }

        /** A queue message that reached a subscription after it closed goes back to the queue. */
        private void requeue(InboundMessage message) {
            synchronized (lock) {
                QueueState state = queues.computeIfAbsent(message.destination().name(), n -> new QueueState());
                state.pending.addFirst(message);
                state.drain();
            }
        }

        private void forget(Destination temporaryQueue) {
            synchronized (lock) {
                queues.remove(temporaryQueue.name());
            }
        }
    }

    /** Messages waiting in a queue and its subscribers, served in turn. Guarded by the broker lock. */
    private static final class QueueState {
        private final Deque<InboundMessage> pending = new ArrayDeque<>();
        private final List<InMemorySubscription> subscribers = new ArrayList<>();
        private int next;

        void offer(InboundMessage message) {
            pending.addLast(message);
            drain();
        }

        void drain() {
            while (!subscribers.isEmpty() && !pending.isEmpty()) {
                next = (next + 1) % subscribers.size();
                subscribers.get(next).deliver(pending.removeFirst());
            }
        }
    }

    /** One listener on one destination, with its own delivery thread. */
    private static final class InMemorySubscription implements Subscription {
        private final InMemoryMessageBus bus;
        private final Destination destination;
        private final Consumer<InboundMessage> listener;
        private final ExecutorService delivery;
        private volatile boolean closed;

        InMemorySubscription(InMemoryMessageBus bus, Destination destination, Consumer<InboundMessage> listener) {
            this.bus = bus;
            this.destination = destination;
            this.listener = listener;
            this.delivery = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "in-memory-bus " + destination.stompAddress());
                thread.setDaemon(true);
                return thread;
            });
        }

        void deliver(InboundMessage message) {
            delivery.execute(() -> {
                if (closed) {
                    if (destination.kind() == Destination.Kind.QUEUE) {
                        bus.broker.requeue(message);
                    }
                    return;
                }
                try {
                    listener.accept(message);
                } catch (RuntimeException | AssertionError e) {
                    LOG.log(Level.WARNING, "Listener on " + destination.stompAddress()
                            + " failed; delivery continues", e);
                }
            });
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            bus.broker.detach(this);
            bus.subscriptions.remove(this);
            // Tasks already queued still run, to hand queue messages back.
            delivery.shutdown();
        }
    }
}
