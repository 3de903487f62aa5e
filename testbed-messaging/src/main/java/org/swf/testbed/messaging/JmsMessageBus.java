package org.swf.testbed.messaging;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.qpid.jms.JmsConnection;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.jms.JmsConnectionListener;
import org.apache.qpid.jms.JmsDestination;
import org.apache.qpid.jms.JmsSession;
import org.apache.qpid.jms.JmsOperationTimedOutException;
import org.apache.qpid.jms.JmsSendTimedOutException;
import org.apache.qpid.jms.message.JmsInboundMessageDispatch;
import org.apache.qpid.jms.policy.JmsDefaultPrefetchPolicy;
import org.apache.qpid.jms.policy.JmsDefaultPresettlePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.lifecycle.ShutdownBudget;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.util.Await;

/**
 * The {@link MessageBus} over AMQP 1.0, with the Qpid JMS client.
 *
 * <p>One connection per bus. JMS sessions are single-threaded, so sends share one producer session
 * under a lock, and each subscription has a session of its own whose delivery thread calls the
 * listener, one message at a time. Bodies are UTF-8 JSON text; a bytes message (what Artemis makes
 * of a STOMP frame with a {@code content-length} header, as the original Python agents send) is
 * decoded as UTF-8 too.
 *
 * <p>Every wait has a deadline: the first connection takes at most the connect timeout, sends and
 * broker round trips at most as long again, and {@link #close()} at most the close timeout, whether
 * the broker is gone or hangs. With {@link BusOptions#reconnect()} a lost connection is re-established forever, with
 * back-off, and subscriptions carry on once it is back.
 */
public final class JmsMessageBus implements MessageBus {

    /** How often a request waiting for its reply looks whether the bus was closed meanwhile. */
    private static final long CLOSE_CHECK_MILLIS = 250;

    private static final Logger LOG = LoggerFactory.getLogger(JmsMessageBus.class);

    private final BusOptions options;
    private final Connection connection;
    private static final int QUEUE_PREFETCH = 10;
    private static final int TOPIC_PREFETCH = 100;
    /**
     * Prefetch of an {@linkplain #subscribeIdempotent idempotent} subscription: enough that a
     * consumer never waits for the broker between messages, while a worker's heap (256 MiB) still
     * holds that many of the largest messages the broker takes.
     */
    static final int WORK_PREFETCH = 50;
    /** An idempotent subscription acknowledges at least this often, and whenever it has caught up. */
    static final int ACK_BATCH = 32;

    private final Session producerSession;
    private final MessageProducer producer;
    private final ConnectionState state;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Set<JmsSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ArtemisBacklog backlog;
    /** Set on this bus's delivery threads while a listener runs: JMS forbids closing the connection there. */
    private final ThreadLocal<Boolean> delivering = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private JmsMessageBus(BusOptions options, Opened opened, ConnectionState state) {
        this.options = options;
        this.connection = opened.connection();
        this.producerSession = opened.session();
        this.producer = opened.producer();
        this.state = state;
        this.backlog = new ArtemisBacklog(options);
    }

    /**
     * Connects to the broker.
     *
     * <p>With a user over plain {@code amqp://} the login is SCRAM only (see {@link BusOptions});
     * over {@code amqps://} the broker's certificate must be signed by a CA of
     * {@link BusOptions#caFile()} (or of the JVM's trust store) and name the host of the URL.
     *
     * @param options the broker URL, credentials, timeout, reconnect choice and CA file
     * @return a connected bus; close it when done
     * @throws ServiceUnavailableException when the broker cannot be reached, refuses the login,
     *     offers no acceptable login, or fails the TLS handshake, within the connect timeout; the
     *     message is one line that says which and what to do
     * @throws org.swf.testbed.ConfigException when the CA file holds no readable certificate
     */
    public static JmsMessageBus connect(BusOptions options) {
        Objects.requireNonNull(options, "options");
        long timeoutMillis = options.connectTimeout().toMillis();
        JmsConnectionFactory factory = new JmsConnectionFactory(QpidUrls.connectionUri(options));
        if (options.caFile() != null && QpidUrls.usesTls(options.url())) {
            // Replaces only the trust: Qpid still sets host name verification on each engine.
            factory.setSslContext(TlsTrust.trusting(options.caFile()));
        }
        factory.setConnectTimeout(timeoutMillis);
        factory.setRequestTimeout(timeoutMillis);
        factory.setSendTimeout(timeoutMillis);
        // Qpid waits this long per resource it closes (each session, then the connection); close()
        // bounds the whole by the same figure.
        factory.setCloseTimeout(options.closeTimeout().toMillis());
        JmsDefaultPrefetchPolicy prefetch = new WorkPrefetchPolicy();
        // Competing consumers of a queue (parallel workers) should share its messages, not have
        // the first one to attach take a thousand of them; a few in flight keep a single consumer
        // from waiting a round trip per message.
        prefetch.setQueuePrefetch(QUEUE_PREFETCH);
        // A topic subscriber's backlog should show at the broker, where a producer that can
        // outrun it (a workflow on a virtual clock) asks for it, not sit unseen in its client.
        prefetch.setTopicPrefetch(TOPIC_PREFETCH);
        factory.setPrefetchPolicy(prefetch);
        // Every consumer here prefetches, so a receive that finds nothing has nothing to ask the
        // broker. Without these, each receive that times out (a worker caught up, a reply not yet
        // in) drains the link's credit in a round trip and grants it again, and against Artemis
        // such a drain now and then leaves the link without credit: the consumer stalls.
        factory.setReceiveLocalOnly(true);
        factory.setReceiveNoWaitLocalOnly(true);
        // Idempotent subscriptions (client-acknowledged sessions) fetch more ahead; see WorkPrefetchPolicy.
        // A long-lived agent streams work messages; waiting for each one's acknowledgement would
        // bound it to one round trip per message. Its failover connection re-sends what was in
        // flight when the link broke. Short-lived callers keep synchronous sends, so a send to a
        // broker that is down fails in their hands.
        factory.setForceAsyncSend(options.reconnect());
        // Broadcasts are transient (sent non-persistent): settling them on sending and on
        // delivery spares a disposition round trip per message and per subscriber.
        JmsDefaultPresettlePolicy presettle = new JmsDefaultPresettlePolicy();
        presettle.setPresettleTopicProducers(true);
        presettle.setPresettleTopicConsumers(true);
        factory.setPresettlePolicy(presettle);

        ConnectionState state = new ConnectionState(options.clientName(), options.redactedUrl());
        long startNanos = System.nanoTime();
        Opened opened = openWithin(factory, options, state);
        state.connected = true;
        LOG.info("{} connected to {} in {} ms{}", options.clientName(), options.redactedUrl(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                options.reconnect() ? ", reconnecting if the connection is lost" : "");
        return new JmsMessageBus(options, opened, state);
    }

    @Override
    public void send(Destination destination, String body) {
        send(destination, body, null, null);
    }

    @Override
    public void send(Destination destination, String body, Destination replyTo, String correlationId) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(body, "body");
        requireOpen();
        sendLock.lock();
        try {
            sendMessage(destination, body, replyTo == null ? null : toJms(producerSession, replyTo), correlationId,
                    Message.DEFAULT_TIME_TO_LIVE);
        } catch (JMSException e) {
            throw failure("send to " + describe(destination), e);
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public Subscription subscribe(Destination destination, Consumer<InboundMessage> listener) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(listener, "listener");
        requireOpen();
        Session session = null;
        try {
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // Returns once the broker has attached the consumer (for a topic: created its
            // subscription queue), so a message sent after subscribe() returns is delivered.
            MessageConsumer consumer = session.createConsumer(toJms(session, destination));
            JmsSubscription subscription = new JmsSubscription(destination, session, consumer);
            consumer.setMessageListener(message -> deliver(destination, message, listener));
            subscriptions.add(subscription);
            if (closed.get()) {
                subscription.close();
                throw closedException();
            }
            LOG.debug("{} subscribed to {}", options.clientName(), describe(destination));
            return subscription;
        } catch (JMSException e) {
            closeQuietly(session);
            throw failure("subscribe to " + describe(destination), e);
        }
    }

    /**
     * Consumes on a client-acknowledged session of its own, on a thread of its own that takes the
     * messages the broker sent ahead ({@value #WORK_PREFETCH} at most) one by one and acknowledges
     * them, each after its listener returned, every {@value #ACK_BATCH} messages and whenever none
     * is waiting: one acknowledgement instead of one per message, with no delay when traffic is
     * light. Sends made by the listener go out before the acknowledgement that follows them on the
     * same connection, so a message acknowledged has had its answers sent.
     */
    @Override
    public Subscription subscribeIdempotent(Destination destination, Consumer<InboundMessage> listener) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(listener, "listener");
        requireOpen();
        Session session = null;
        try {
            session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(toJms(session, destination));
            JmsSubscription subscription = new JmsSubscription(destination, session, consumer);
            subscriptions.add(subscription);
            if (closed.get()) {
                subscription.close();
                throw closedException();
            }
            Thread receiver = new Thread(() -> receiveInBatches(subscription, listener),
                    "testbed-bus-work " + options.clientName() + " " + destination.name());
            receiver.setDaemon(true);
            receiver.start();
            LOG.debug("{} subscribed to {}, acknowledging in batches", options.clientName(), describe(destination));
            return subscription;
        } catch (JMSException e) {
            closeQuietly(session);
            throw failure("subscribe to " + describe(destination), e);
        }
    }

    private void receiveInBatches(JmsSubscription subscription, Consumer<InboundMessage> listener) {
        Message unacknowledged = null;
        int count = 0;
        while (!subscription.subscriptionClosed.get()) {
            try {
                Message message = count > 0 ? subscription.consumer.receiveNoWait()
                        : subscription.consumer.receive(CLOSE_CHECK_MILLIS);
                if (message == null) {
                    if (unacknowledged != null) {
                        // Caught up: acknowledge what was handled, not to hold it while idle.
                        unacknowledged.acknowledge();
                        unacknowledged = null;
                        count = 0;
                    }
                    continue;
                }
                deliver(subscription.destination, message, listener);
                unacknowledged = message;
                if (++count >= ACK_BATCH) {
                    // Acknowledges every message of the session handled so far.
                    message.acknowledge();
                    unacknowledged = null;
                    count = 0;
                }
            } catch (JMSException | RuntimeException e) {
                if (subscription.subscriptionClosed.get() || closed.get()) {
                    return;
                }
                // E.g. the connection is being re-established: what was not acknowledged comes again.
                LOG.debug("{}: receiving from {} failed: {}", options.clientName(), describe(subscription.destination),
                        e.toString());
                unacknowledged = null;
                count = 0;
                if (!pauseAfterFailure()) {
                    return;
                }
            }
        }
    }

    private static boolean pauseAfterFailure() {
        try {
            // Not a wait for a condition: only keeps a receive that fails at once from spinning.
            TimeUnit.MILLISECONDS.sleep(CLOSE_CHECK_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public InboundMessage request(Destination destination, String body, Duration timeout,
            Predicate<InboundMessage> interim) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(interim, "interim");
        requireOpen();
        Session session = null;
        MessageConsumer consumer = null;
        TemporaryQueue replyQueue = null;
        try {
            // A private queue per request: nothing to demultiplex, nothing left behind.
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            replyQueue = session.createTemporaryQueue();
            consumer = session.createConsumer(replyQueue);
            String correlationId = UUID.randomUUID().toString();
            sendLock.lock();
            try {
                // Expires with the wait: a request nobody consumed in time is gone, not left for a
                // consumer that starts later to act on while nobody waits for it.
                sendMessage(destination, body, replyQueue, correlationId, timeout.toMillis());
            } finally {
                sendLock.unlock();
            }
            Destination replyDestination = Destination.queue(replyQueue.getQueueName());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0) {
                    throw new TestbedTimeoutException("No reply from " + describe(destination) + " within "
                            + Await.seconds(timeout) + ". Is its consumer running?");
                }
                // In slices (receive(0) would wait forever): a close whose connection the broker is
                // slow to confirm still ends this wait at once, not at the request's own timeout.
                Message reply = consumer.receive(Math.min(remainingMillis, CLOSE_CHECK_MILLIS));
                if (reply == null) {
                    requireOpen();
                    continue;
                }
                String replyCorrelation = reply.getJMSCorrelationID();
                if (replyCorrelation != null && !replyCorrelation.equals(correlationId)) {
                    LOG.debug("{} ignores a reply for another request ({})", options.clientName(), replyCorrelation);
                    continue;
                }
                InboundMessage inbound = toInbound(replyDestination, reply);
                if (inbound != null && !interim.test(inbound)) {
                    return inbound;
                }
            }
        } catch (JMSException e) {
            throw failure("send a request to " + describe(destination), e);
        } finally {
            // Once the bus is closing, its connection's close takes the session, consumer and reply
            // queue with it; a round trip each here would wait on a connection being torn down,
            // and keep the caller past the close it asked for.
            if (!closed.get()) {
                discardRequestResources(session, consumer, replyQueue);
            }
        }
    }

    /** Asks Artemis' management address; any other broker leaves this empty. */
    @Override
    public OptionalLong undelivered(Destination destination) {
        Objects.requireNonNull(destination, "destination");
        return closed.get() ? OptionalLong.empty() : backlog.messageCount(destination.name());
    }

    @Override
    public boolean isConnected() {
        return !closed.get() && state.connected;
    }

    /**
     * Closes every subscription and the connection, waiting at most the close timeout: a broker
     * that hangs (accepts, never answers) or is gone must not keep a stopping program past its
     * shutdown budget. A close the broker has not confirmed by then carries on in the background;
     * the connection is dropped with the process at the latest, and the broker cleans up after it.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state.closing = true;
        backlog.close();
        subscriptions.forEach(JmsSubscription::markClosed);
        subscriptions.clear();
        String clientName = options.clientName();
        if (delivering.get()) {
            // close() called from one of our own listeners: JMS forbids closing the connection on
            // its delivery thread (it would wait for itself), so finish the close on another one.
            closeInBackground(connection, clientName);
        } else if (!ShutdownBudget.runWithin(options.closeTimeout(), "testbed-bus-close " + clientName,
                () -> closeQuietly(connection))) {
            LOG.warn("{}: the broker at {} did not confirm the close within {} ms; leaving the connection to be"
                    + " dropped", clientName, options.redactedUrl(), options.closeTimeout().toMillis());
            return;
        }
        LOG.info("{} disconnected from {}", clientName, options.redactedUrl());
    }

    /** @return the connection, for a helper of this package that opens sessions of its own on it */
    Connection connection() {
        return connection;
    }

    /** @return the options this bus was connected with */
    public BusOptions options() {
        return options;
    }

    private void sendMessage(Destination destination, String body, jakarta.jms.Destination replyTo,
            String correlationId, long timeToLiveMillis)
            throws JMSException {
        TextMessage message = producerSession.createTextMessage(body);
        if (replyTo != null) {
            message.setJMSReplyTo(replyTo);
        }
        if (correlationId != null) {
            message.setJMSCorrelationID(correlationId);
        }
        // Broadcasts are transient, as the original's STOMP sends: a topic message that nobody
        // subscribed to is gone anyway. Queue messages (commands, work) are persistent, so a broker
        // with a journal keeps them across a restart; the testbed's own broker has none and keeps
        // every message in memory only.
        int deliveryMode = destination.kind() == Destination.Kind.TOPIC ? DeliveryMode.NON_PERSISTENT
                : DeliveryMode.PERSISTENT;
        producer.send(toJms(producerSession, destination), message, deliveryMode, Message.DEFAULT_PRIORITY,
                timeToLiveMillis);
    }

    private void deliver(Destination destination, Message message, Consumer<InboundMessage> listener) {
        InboundMessage inbound;
        try {
            inbound = toInbound(destination, message);
        } catch (JMSException | RuntimeException e) {
            LOG.warn("{} drops an unreadable message on {}: {}", options.clientName(), describe(destination),
                    e.toString());
            return;
        }
        if (inbound == null) {
            return;
        }
        delivering.set(Boolean.TRUE);
        try {
            listener.accept(inbound);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // Caught here, because a listener exception in an AUTO_ACKNOWLEDGE session makes JMS
            // redeliver the message at once, to the same failing listener, again and again.
            LOG.warn("{}: listener on {} failed; delivery continues", options.clientName(), describe(destination), e);
        } finally {
            delivering.remove();
        }
    }

    private InboundMessage toInbound(Destination destination, Message message) throws JMSException {
        String body;
        if (message instanceof TextMessage text) {
            body = text.getText() == null ? "" : text.getText();
        } else if (message instanceof BytesMessage bytes) {
            byte[] content = new byte[Math.toIntExact(bytes.getBodyLength())];
            bytes.readBytes(content);
            body = new String(content, StandardCharsets.UTF_8);
        } else {
            LOG.warn("{} drops a {} on {}: only text (JSON) messages are understood", options.clientName(),
                    message.getClass().getSimpleName(), describe(destination));
            return null;
        }
        return new InboundMessage(destination, body, fromJms(message.getJMSReplyTo()), message.getJMSCorrelationID(),
                message.getJMSRedelivered());
    }

    private static Destination fromJms(jakarta.jms.Destination destination) throws JMSException {
        String name;
        Destination.Kind kind;
        // A TemporaryQueue is a Queue: its name is the broker address a reply is sent to.
        if (destination instanceof Queue queue) {
            name = queue.getQueueName();
            kind = Destination.Kind.QUEUE;
        } else if (destination instanceof Topic topic) {
            name = topic.getTopicName();
            kind = Destination.Kind.TOPIC;
        } else {
            return null;
        }
        try {
            // A STOMP sender's reply-to arrives as written, e.g. "/queue/x": its prefix names the
            // kind, and the address a reply must go to is the bare name.
            if (name != null && (name.startsWith("/queue/") || name.startsWith("/topic/"))) {
                return Destination.parse(name);
            }
            return new Destination(name, kind);
        } catch (IllegalArgumentException e) {
            LOG.debug("Ignoring a reply address that is not a valid destination: {}", e.getMessage());
            return null;
        }
    }

    private static jakarta.jms.Destination toJms(Session session, Destination destination) throws JMSException {
        return destination.kind() == Destination.Kind.QUEUE
                ? session.createQueue(destination.name())
                : session.createTopic(destination.name());
    }

    private void requireOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("The message bus of " + options.clientName() + " is closed");
    }

    private RuntimeException failure(String action, JMSException e) {
        if (closed.get()) {
            return closedException();
        }
        String reason = reason(e);
        if (e instanceof JMSSecurityException) {
            // Logged in already, so this is a permission the broker's rules do not grant.
            return new ServiceUnavailableException("Cannot " + action + ": the broker at " + options.redactedUrl()
                    + " does not permit it (" + reason + "). Use the broker user this address belongs to, or ask the"
                    + " broker's administrator to grant the permission", e);
        }
        if (e instanceof ResourceAllocationException) {
            // The connection is fine: the broker refused this one message, because its address is
            // full or the message is larger than the broker takes.
            return new TestbedException("Cannot " + action + ": the broker at " + options.redactedUrl()
                    + " refused the message (" + reason + "). A queue is full when nothing consumes it: start its"
                    + " consumer; a message over the broker's size limit must be made smaller. See 'Broker limits'"
                    + " in docs/operations.md", e);
        }
        if (!state.connected || e instanceof JmsSendTimedOutException || e instanceof JmsOperationTimedOutException) {
            return new ServiceUnavailableException("Cannot " + action + ": " + reason + ". The broker at "
                    + options.redactedUrl() + " is not reachable; start it (testbed broker) or fix [broker] url", e);
        }
        return new TestbedException("Cannot " + action + " on the broker at " + options.redactedUrl() + ": " + reason, e);
    }

    private void discardRequestResources(Session session, MessageConsumer consumer, TemporaryQueue replyQueue) {
        try {
            if (consumer != null) {
                consumer.close();
            }
            if (replyQueue != null) {
                // Deleted explicitly: a long-lived agent would otherwise collect one per request
                // until its connection closes.
                replyQueue.delete();
            }
        } catch (JMSException | RuntimeException e) {
            LOG.debug("{}: could not delete a reply queue: {}", options.clientName(), e.toString());
        }
        closeQuietly(session);
    }

    private static Opened openWithin(JmsConnectionFactory factory, BusOptions options, ConnectionState state) {
        CompletableFuture<Opened> result = new CompletableFuture<>();
        AtomicReference<Connection> created = new AtomicReference<>();
        // Qpid bounds each step with its own timeouts, but not the whole (a failover URL retries
        // its first connection per attempt); this thread and the deadline below bound the whole.
        Thread opener = new Thread(() -> {
            try {
                Connection connection = options.user() == null ? factory.createConnection()
                        : factory.createConnection(options.user(), options.password());
                created.set(connection);
                ((JmsConnection) connection).addConnectionListener(state);
                connection.setExceptionListener(state);
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                // An anonymous producer: one link for every destination.
                MessageProducer producer = session.createProducer(null);
                if (!result.complete(new Opened(connection, session, producer))) {
                    closeQuietly(connection); // the caller has given up already
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "testbed-bus-connect " + options.clientName());
        opener.setDaemon(true);
        opener.start();
        Duration timeout = options.connectTimeout();
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.completeExceptionally(e);
            closeInBackground(created.get(), options.clientName());
            throw ConnectFailures.unreachable(options, "it did not answer", e);
        } catch (ExecutionException e) {
            closeQuietly(created.get());
            throw ConnectFailures.describe(options, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(e);
            closeInBackground(created.get(), options.clientName());
            throw new ServiceUnavailableException("Interrupted while connecting to the broker at "
                    + options.redactedUrl(), e);
        }
    }

    private static String reason(Throwable e) {
        return ConnectFailures.reason(e);
    }

    private static String describe(Destination destination) {
        return destination.kind().name().toLowerCase(Locale.ROOT) + " " + destination.name();
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Closing a connection failed: {}", e.toString());
            }
        }
    }

    private static void closeQuietly(Session session) {
        if (session != null) {
            try {
                session.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Closing a session failed: {}", e.toString());
            }
        }
    }

    private static void closeInBackground(Connection connection, String clientName) {
        if (connection != null) {
            Thread closer = new Thread(() -> closeQuietly(connection), "testbed-bus-close " + clientName);
            closer.setDaemon(true);
            closer.start();
        }
    }

    /**
     * The queue prefetch, and a larger one for the consumers of client-acknowledged sessions, which
     * only {@link #subscribeIdempotent} creates.
     */
    private static final class WorkPrefetchPolicy extends JmsDefaultPrefetchPolicy {
        WorkPrefetchPolicy() {
        }

        WorkPrefetchPolicy(WorkPrefetchPolicy source) {
            super(source);
        }

        @Override
        public WorkPrefetchPolicy copy() {
            return new WorkPrefetchPolicy(this);
        }

        @Override
        public int getConfiguredPrefetch(JmsSession session, JmsDestination destination, boolean durable,
                boolean browser) {
            if (session != null && session.isClientAcknowledge() && !browser) {
                return WORK_PREFETCH;
            }
            return super.getConfiguredPrefetch(session, destination, durable, browser);
        }
    }

    /** What the opening thread hands over. */
    private record Opened(Connection connection, Session session, MessageProducer producer) {
    }

    /** One subscription: its own session, hence its own delivery thread. */
    private final class JmsSubscription implements Subscription {
        private final Destination destination;
        private final Session session;
        private final MessageConsumer consumer;
        private final AtomicBoolean subscriptionClosed = new AtomicBoolean();

        JmsSubscription(Destination destination, Session session, MessageConsumer consumer) {
            this.destination = destination;
            this.session = session;
            this.consumer = consumer;
        }

        void markClosed() {
            subscriptionClosed.set(true);
        }

        @Override
        public void close() {
            if (!subscriptionClosed.compareAndSet(false, true)) {
                return;
            }
            subscriptions.remove(this);
            try {
                // The consumer first: JMS 2 allows that from the consumer's own listener, and it
                // hands prefetched queue messages back to the broker for other subscribers.
                consumer.close();
            } catch (JMSException e) {
                LOG.debug("{}: closing the consumer of {} failed: {}", options.clientName(), describe(destination),
                        e.toString());
            }
            try {
                session.close();
            } catch (jakarta.jms.IllegalStateException e) {
                // Called from this subscription's own listener, where JMS forbids closing the
                // session; the listener returns first, then the session closes.
                CompletableFuture.runAsync(() -> closeQuietly(session));
            } catch (JMSException e) {
                LOG.debug("{}: closing the subscription to {} failed: {}", options.clientName(), describe(destination),
                        e.toString());
            }
        }
    }

    /** Tracks whether the connection is up, from Qpid's connection events. */
    private static final class ConnectionState implements JmsConnectionListener, ExceptionListener {
        private final String clientName;
        private final String url;
        volatile boolean connected;
        volatile boolean closing;

        ConnectionState(String clientName, String url) {
            this.clientName = clientName;
            this.url = url;
        }

        @Override
        public void onConnectionEstablished(URI remoteUri) {
            connected = true;
        }

        @Override
        public void onConnectionFailure(Throwable error) {
            lost(error);
        }

        @Override
        public void onConnectionInterrupted(URI remoteUri) {
            connected = false;
            if (!closing) {
                LOG.warn("{}: the connection to {} was interrupted; reconnecting", clientName, address(remoteUri));
            }
        }

        @Override
        public void onConnectionRestored(URI remoteUri) {
            connected = true;
            LOG.info("{}: the connection to {} is restored", clientName, address(remoteUri));
        }

        @Override
        public void onException(JMSException error) {
            if (error instanceof JMSSecurityException || error instanceof ResourceAllocationException) {
                // An asynchronous send the broker refused (its rules, a full address, a message
                // larger than it takes); the connection itself is fine (a lost one is reported
                // through onConnectionFailure as well).
                LOG.warn("{}: the broker at {} refused a message: {}", clientName, url, reason(error));
                return;
            }
            lost(error);
        }

        /** Qpid reports a final loss twice (listener and ExceptionListener); say it once. */
        private void lost(Throwable error) {
            boolean wasConnected = connected;
            connected = false;
            // Before the first connection is up, the failure goes to the caller of connect().
            if (wasConnected && !closing) {
                LOG.warn("{}: the connection to {} is lost: {}", clientName, url, reason(error));
            }
        }

        private static String address(URI remoteUri) {
            return remoteUri == null ? "the broker"
                    : QpidUrls.redact(remoteUri.getScheme() + "://" + remoteUri.getAuthority());
        }

        @Override
        public void onInboundMessage(JmsInboundMessageDispatch envelope) {
            // Deliveries go to the subscriptions' listeners.
        }

        @Override
        public void onSessionClosed(jakarta.jms.Session session, Throwable cause) {
            LOG.debug("{}: the broker closed a session: {}", clientName, reason(cause));
        }

        @Override
        public void onConsumerClosed(jakarta.jms.MessageConsumer consumer, Throwable cause) {
            LOG.warn("{}: the broker closed a subscription: {}", clientName, reason(cause));
        }

        @Override
        public void onProducerClosed(jakarta.jms.MessageProducer producer, Throwable cause) {
            LOG.warn("{}: the broker closed the producer: {}", clientName, reason(cause));
        }
    }
}
