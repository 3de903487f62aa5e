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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.util.Await;

/**
 * The one {@link MessageBus} inside the JVM, for the unit tests of every module that uses the bus.
 *
 * <p>It has the semantics of the real adapter and passes the same {@link MessageBusContract}: a
 * queue keeps messages until a subscriber takes them and gives each to one subscriber, in turn; a
 * topic copies each message to its current subscribers and drops it when there are none; each
 * subscription delivers one message at a time, in order, on a thread of its own; a listener's
 * failure is logged and delivery goes on; a closed subscription hands the queue messages it had
 * not begun to deliver back to the queue, in order; {@link #request} waits on a private reply queue
 * and ignores answers to other requests.
 *
 * <p>Several buses made from one {@link Broker} see each other, like processes sharing a broker.
 * The broker is also what a test inspects and steers: {@link Broker#sent()} records what was sent
 * (or, for long throughput runs, {@link Broker#notRecording()} keeps nothing), {@link
 * Broker#waiting} counts queued messages, and {@link Broker#setAvailable(boolean)} simulates an
 * outage.
 */
public final class InMemoryMessageBus implements MessageBus {

    private static final System.Logger LOG = System.getLogger(InMemoryMessageBus.class.getName());

    private final Broker broker;
    private final Set<InMemorySubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<InboundMessage>> pendingRequests = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Creates a bus on a recording broker of its own. */
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

    /**
     * Encodes a message as the project's codec does on the wire and sends it, so a test can write
     * its input as a map or a protocol record.
     *
     * @param destination where to
     * @param message a record or a map of fields
     */
    public void sendJson(Destination destination, Object message) {
        send(destination, broker.codec.encode(message));
    }

    @Override
    public Subscription subscribe(Destination destination, Consumer<InboundMessage> listener) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(listener, "listener");
        requireUsable();
        InMemorySubscription subscription = new InMemorySubscription(this, destination, listener);
        subscriptions.add(subscription);
        // A bus closed meanwhile (e.g. from another thread) must not keep a live subscription.
        if (closed) {
            subscription.close();
            throw closedException();
        }
        broker.attach(subscription);
        return subscription;
    }

    @Override
    public InboundMessage request(Destination destination, String body, Duration timeout,
            Predicate<InboundMessage> interim) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(interim, "interim");
        requireUsable();
        // Like a JMS temporary queue: private to this request, gone afterwards.
        Destination replyQueue = Destination.queue("tmp." + UUID.randomUUID());
        String correlationId = UUID.randomUUID().toString();
        CompletableFuture<InboundMessage> reply = new CompletableFuture<>();
        pendingRequests.add(reply);
        try (Subscription ignored = subscribe(replyQueue, in -> {
            // An answer without a correlation id can only be ours: the queue is private.
            if ((in.correlationId() == null || correlationId.equals(in.correlationId())) && !reply.isDone()
                    && !interim.test(in)) {
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
            // Only close() fails a pending request, with the exception the real adapter throws.
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } finally {
            pendingRequests.remove(reply);
            broker.forget(replyQueue);
        }
    }

    @Override
    public boolean isConnected() {
        return !closed && broker.available;
    }

    /** Ends every subscription and fails every request still waiting, as a closed connection does. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (InMemorySubscription subscription : subscriptions) {
            subscription.close();
        }
        for (CompletableFuture<InboundMessage> request : pendingRequests) {
            request.completeExceptionally(closedException());
        }
    }

    private void requireUsable() {
        if (closed) {
            throw closedException();
        }
        if (!broker.available) {
            throw new ServiceUnavailableException("The in-memory broker is unavailable (a test simulates an outage)");
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("The message bus is closed");
    }

    private static String describe(Destination destination) {
        return destination.kind().name().toLowerCase(Locale.ROOT) + " " + destination.name();
    }

    /**
     * The state every bus made from it shares: queues with their waiting messages, subscribers,
     * and (unless made {@linkplain #notRecording() not recording}) a record of what was sent.
     */
    public static final class Broker {

        /** Guards the queues, the topics and the record, so the record is in routing order. */
        private final Object lock = new Object();
        private final Map<String, QueueState> queues = new HashMap<>();
        private final Map<String, List<InMemorySubscription>> topics = new HashMap<>();
        private final List<InboundMessage> sent;
        private final JsonCodec codec = new JsonCodec();
        private volatile boolean available = true;

        /** Creates a broker that records every message sent through it. */
        public Broker() {
            this(true);
        }

        private Broker(boolean recording) {
            this.sent = recording ? new ArrayList<>() : null;
        }

        /**
         * A broker that keeps no record of what was sent: for long runs (throughput measurements)
         * whose record would only grow. {@link #sent()} and its kin refuse, so that a test cannot
         * mistake the missing record for silence.
         *
         * @return a new broker that does not record
         */
        public static Broker notRecording() {
            return new Broker(false);
        }

        /** @return a new bus on this broker */
        public InMemoryMessageBus newBus() {
            return new InMemoryMessageBus(this);
        }

        /**
         * Simulates a broker outage: while unavailable, buses report not connected and refuse to
         * send, subscribe or request with a {@link ServiceUnavailableException}. Subscriptions
         * and queued messages survive, as they do on a reconnecting adapter.
         *
         * @param available whether the broker is reachable
         */
        public void setAvailable(boolean available) {
            this.available = available;
        }

        /** @return every message sent through this broker so far, oldest first */
        public List<InboundMessage> sent() {
            synchronized (lock) {
                return List.copyOf(record());
            }
        }

        /**
         * @param destination a destination
         * @return the messages sent to it so far, oldest first
         */
        public List<InboundMessage> sent(Destination destination) {
            synchronized (lock) {
                return record().stream().filter(m -> m.destination().equals(destination)).toList();
            }
        }

        /**
         * @param destination a destination
         * @return the bodies of the messages sent to it so far, decoded, oldest first
         */
        public List<Map<String, Object>> sentFields(Destination destination) {
            return sent(destination).stream().map(m -> codec.decodeObject(m.body())).toList();
        }

        /**
         * @param destination a destination, e.g. {@code epictopic}
         * @param msgType a {@code msg_type}
         * @return the decoded messages of that type sent to it so far, oldest first
         */
        public List<Map<String, Object>> sentFields(Destination destination, String msgType) {
            return sentFields(destination).stream().filter(m -> msgType.equals(m.get("msg_type"))).toList();
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

        private List<InboundMessage> record() {
            if (sent == null) {
                throw new IllegalStateException("This broker does not record what is sent (Broker.notRecording());"
                        + " use new Broker() to inspect messages");
            }
            return sent;
        }

        private void route(InboundMessage message) {
            synchronized (lock) {
                if (sent != null) {
                    sent.add(message);
                }
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

        /**
         * Detaches a closing subscription; the queue messages it had not begun to deliver go back
         * to the head of their queue, in their order, for the remaining or the next subscriber.
         */
        private void detach(InMemorySubscription subscription) {
            synchronized (lock) {
                String name = subscription.destination.name();
                List<InboundMessage> undelivered = subscription.stop();
                if (subscription.destination.kind() == Destination.Kind.TOPIC) {
                    List<InMemorySubscription> subscribers = topics.get(name);
                    if (subscribers != null) {
                        subscribers.remove(subscription);
                    }
                    return;
                }
                QueueState state = queues.get(name);
                if (state == null) {
                    return; // a request's reply queue, already forgotten
                }
                state.subscribers.remove(subscription);
                for (int i = undelivered.size() - 1; i >= 0; i--) {
                    state.pending.addFirst(undelivered.get(i));
                }
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

    /**
     * One listener on one destination. Messages wait in its inbox; one task on its own thread
     * empties the inbox and is started again when a message arrives after it finished, so a burst
     * costs one hand-over, not one per message.
     */
    private static final class InMemorySubscription implements Subscription {
        private final InMemoryMessageBus bus;
        private final Destination destination;
        private final Consumer<InboundMessage> listener;
        private final ExecutorService delivery;
        /** Guarded by this subscription's monitor, as are {@code draining} and {@code stopped}. */
        private final Deque<InboundMessage> inbox = new ArrayDeque<>();
        private boolean draining;
        private boolean stopped;

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

        /** Called under the broker lock, so a message is routed to a subscription still attached. */
        void deliver(InboundMessage message) {
            synchronized (this) {
                inbox.addLast(message);
                if (draining) {
                    return;
                }
                draining = true;
            }
            delivery.execute(this::drainInbox);
        }

        private void drainInbox() {
            while (true) {
                InboundMessage message;
                synchronized (this) {
                    message = stopped ? null : inbox.pollFirst();
                    if (message == null) {
                        draining = false;
                        return;
                    }
                }
                try {
                    listener.accept(message);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    // As the real adapter: a failing listener (even a failed assertion) must not
                    // end delivery, nor would the broker redeliver the message to it.
                    LOG.log(Level.WARNING, "Listener on " + destination.stompAddress() + " failed; delivery continues",
                            e);
                }
            }
        }

        /**
         * Stops delivery; a listener call already begun finishes.
         *
         * @return the messages not yet handed to the listener, oldest first
         */
        synchronized List<InboundMessage> stop() {
            stopped = true;
            List<InboundMessage> undelivered = List.copyOf(inbox);
            inbox.clear();
            return undelivered;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (stopped) {
                    return;
                }
            }
            bus.broker.detach(this);
            bus.subscriptions.remove(this);
            // Not awaited: close() may be called from this subscription's own listener.
            delivery.shutdown();
        }
    }
}
