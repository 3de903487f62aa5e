package org.swf.testbed.agents;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.swf.testbed.TestbedException;
import org.swf.testbed.heartbeat.HeartbeatPublisher;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.lifecycle.ShutdownBudget;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.CommandEnvelope;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.HeartbeatRequest;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.Timestamps;

/**
 * Runs one {@link Agent}: reports STARTING, subscribes, reports READY only once every
 * subscription is active, filters messages by namespace, answers commands that carry a reply
 * address, sends heartbeats (periodically and on every state change), and on shutdown sends an
 * EXITED heartbeat before disconnecting.
 *
 * <p>Shutdown keeps to a {@link ShutdownBudget}: each step that may wait on something outside the
 * process (the agent's work, the exit heartbeat and its POST to the monitor, the broker connection)
 * gets its share and no more, so the program exits before supervisord's stop wait ends in SIGKILL.
 */
public final class AgentRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AgentRuntime.class.getName());

    private final AgentIdentity identity;
    private final MessageBus bus;
    private final Agent agent;
    private final JsonCodec codec;
    private final Duration heartbeatInterval;
    private final HeartbeatSender heartbeatSender;
    private final HeartbeatPublisher heartbeatPublisher;
    private final AtomicReference<OperationalState> state = new AtomicReference<>(OperationalState.STARTING);
    private final ScheduledExecutorService heartbeats;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final ShutdownBudget budget;

    /**
     * A runtime that shuts down within {@link ShutdownBudget#STANDARD}.
     *
     * @param identity who this agent is
     * @param bus the connected message bus; closed with the runtime
     * @param agent what the agent does
     * @param codec the JSON codec
     * @param heartbeatInterval how often to send a heartbeat when nothing changes
     * @param monitor where heartbeats are also POSTed, if a monitor is configured
     */
    public AgentRuntime(AgentIdentity identity, MessageBus bus, Agent agent, JsonCodec codec,
            Duration heartbeatInterval, Optional<MonitorClient> monitor) {
        this(identity, bus, agent, codec, heartbeatInterval, monitor, ShutdownBudget.STANDARD);
    }

    /**
     * @param identity who this agent is
     * @param bus the connected message bus, whose own close keeps to {@code budget}'s bus share;
     *     closed with the runtime
     * @param agent what the agent does
     * @param codec the JSON codec
     * @param heartbeatInterval how often to send a heartbeat when nothing changes
     * @param monitor where heartbeats are also POSTed, if a monitor is configured
     * @param budget how {@link #close()} shares out its time
     */
    public AgentRuntime(AgentIdentity identity, MessageBus bus, Agent agent, JsonCodec codec,
            Duration heartbeatInterval, Optional<MonitorClient> monitor, ShutdownBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.identity = identity;
        this.bus = bus;
        this.agent = agent;
        this.codec = codec;
        this.heartbeatInterval = heartbeatInterval;
        this.heartbeatSender = identity.heartbeatSender();
        this.heartbeatPublisher = new HeartbeatPublisher(bus, codec, monitor);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Announces the agent, subscribes everywhere it listens, then reports READY. */
    public void start() {
        heartbeat();
        // Every agent listens to heartbeats: to answer heartbeat requests, and for agents (the
        // runner) that keep track of the others.
        bus.subscribe(Destinations.HEARTBEATS, this::deliver);
        for (Destination destination : agent.subscriptions(identity.namespace())) {
            if (destination.equals(Destinations.HEARTBEATS)) {
                continue;
            }
            if (agent.idempotent(destination, identity.namespace())) {
                bus.subscribeIdempotent(destination, this::deliver);
            } else {
                bus.subscribe(destination, this::deliver);
            }
        }
        setState(OperationalState.READY);
        agent.started(this);
        long period = heartbeatInterval.toMillis();
        heartbeats.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "{0} ({1}) READY in namespace {2}", identity.instanceName(), identity.agentType(),
                identity.namespace());
    }

    /** @return who this agent is */
    public AgentIdentity identity() {
        return identity;
    }

    /** @return the state the agent reports now */
    public OperationalState state() {
        return state.get();
    }

    /**
     * Changes the reported state and sends a heartbeat at once when it changed; an agent that has
     * exited stays EXITED.
     *
     * @param next the new state
     */
    public void setState(OperationalState next) {
        // Once EXITED, nothing reports the agent alive again: an execution thread that ends after
        // the shutdown gave up waiting for it would otherwise send READY after the exit heartbeat.
        OperationalState previous = state.getAndUpdate(current -> current == OperationalState.EXITED ? current : next);
        if (previous != next && previous != OperationalState.EXITED) {
            heartbeat();
        }
    }

    /**
     * @param destination where to
     * @param message a wire record or a map of fields
     */
    public void send(Destination destination, Object message) {
        bus.send(destination, codec.encode(message));
    }

    /**
     * @param destination a queue or topic
     * @return what the broker holds for its consumers, undelivered, if it tells (see
     *     {@link MessageBus#undelivered})
     */
    public OptionalLong undelivered(Destination destination) {
        return bus.undelivered(destination);
    }

    /**
     * Answers {@code request} when it carries a reply address (a transport one, or a
     * {@code reply_to} field as STOMP senders give); otherwise does nothing.
     *
     * @param request the command answered
     * @param reply the answer
     */
    public void reply(AgentMessage request, Reply<?> reply) {
        Destination address = replyAddress(request);
        if (address == null) {
            LOG.log(Level.DEBUG, "No reply address on {0}; answer not sent", request.msgType());
            return;
        }
        bus.send(address, codec.encodeReply(reply), null, request.correlationId());
    }

    /**
     * @param request the command answered
     * @param result its result, a record of the command's result type
     */
    public void replyOk(AgentMessage request, Object result) {
        reply(request, Reply.ok(request.msgType(), request.correlationId(), identity.instanceName(), result));
    }

    /**
     * @param request the command answered
     * @param code the stable reason
     * @param error a sentence a person can act on
     */
    public void replyError(AgentMessage request, ErrorCode code, String error) {
        reply(request, Reply.failed(request.msgType(), request.correlationId(), identity.instanceName(), code, error,
                List.of()));
    }

    /** @return now, in the original's timestamp format */
    public String timestamp() {
        return Timestamps.localIso(Instant.now());
    }

    private void deliver(InboundMessage raw) {
        Map<String, Object> fields;
        try {
            fields = codec.decodeObject(raw.body());
        } catch (MalformedMessageException e) {
            LOG.log(Level.WARNING, "Dropped a malformed message on {0}: {1}", raw.destination().name(), e.getMessage());
            AgentMessage unreadable = new AgentMessage(null, Map.of(), raw);
            replyError(unreadable, ErrorCode.MALFORMED, e.getMessage() + ". Send a JSON object with msg_type");
            return;
        }
        Object type = fields.containsKey("msg_type") ? fields.get("msg_type") : fields.get("command");
        AgentMessage message = new AgentMessage(type == null ? null : String.valueOf(type), fields, raw);
        Object namespace = fields.get("namespace");
        if (namespace != null && !String.valueOf(namespace).isEmpty()
                && !String.valueOf(namespace).equals(identity.namespace())) {
            if (replyAddress(message) != null) {
                replyError(message, ErrorCode.WRONG_NAMESPACE, "This agent serves namespace '" + identity.namespace()
                        + "', not '" + namespace + "'. Send the command to that namespace's queue");
            }
            return;
        }
        if (message.type().filter(MessageType.HEARTBEAT_REQUEST::equals).isPresent()) {
            heartbeat();
            agent.heartbeatsRequested(this);
            return;
        }
        if (raw.destination().equals(Destinations.HEARTBEATS)
                && !agent.subscriptions(identity.namespace()).contains(Destinations.HEARTBEATS)) {
            return;
        }
        try {
            agent.handle(message, this);
        } catch (TestbedException e) {
            LOG.log(Level.WARNING, "Failed to handle {0}: {1}", message.msgType(), e.getMessage());
            replyError(message, ErrorCode.INTERNAL, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Failed to handle " + message.msgType(), e);
            replyError(message, ErrorCode.INTERNAL, "The agent failed on " + message.msgType() + ": " + e
                    + ". See its log");
        }
    }

    private static Destination replyAddress(AgentMessage message) {
        return message.raw().replyAddress(message.fields());
    }

    /**
     * Asks every agent of this namespace for a heartbeat now, so that an observer that just
     * subscribed need not wait a whole heartbeat interval to know who is there.
     */
    public void requestHeartbeats() {
        bus.send(Destinations.HEARTBEATS, codec.encodeCommand(new HeartbeatRequest(identity.namespace(),
                identity.instanceName(), new CommandEnvelope(timestamp(), null, null, null))));
    }

    /** Sends a heartbeat now; failures are logged, never thrown, since liveness reports must not kill work. */
    public void heartbeat() {
        heartbeatPublisher.publish(heartbeatSender.agent(state.get(), identity.namespace(), bus.isConnected()));
    }

    /** Blocks until {@link #close()} was called (e.g. by the shutdown hook on SIGTERM). */
    public void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }

    /** @return whether the agent's broker connection is up now */
    public boolean brokerConnected() {
        return bus.isConnected();
    }

    /**
     * Stops the agent: ends its work, sends the EXITED heartbeat, disconnects; each step within
     * its share of the budget, so the whole takes at most {@link ShutdownBudget#total()}.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        String name = identity.instanceName();
        try {
            heartbeats.shutdownNow();
            // Subscriptions end with the bus below; closing them one by one could block while the
            // broker is unreachable, and the process must exit within supervisord's stopwaitsecs.
            // The steps run on threads of their own because a send to a broker that has stopped
            // answering blocks for Qpid's send timeout, longer than any share.
            if (!ShutdownBudget.runWithin(budget.stopWork(), "shutdown-work " + name,
                    () -> agent.close(budget.stopWork()))) {
                LOG.log(Level.WARNING, "{0}: its work did not stop within {1} ms; exiting without waiting for it",
                        name, budget.stopWork().toMillis());
            }
            state.set(OperationalState.EXITED);
            long flushStart = System.nanoTime();
            if (!ShutdownBudget.runWithin(budget.monitorFlush(), "shutdown-heartbeat " + name, () -> {
                heartbeat();
                heartbeatPublisher.flush(budget.monitorFlush().minusNanos(System.nanoTime() - flushStart));
            })) {
                LOG.log(Level.WARNING, "{0}: the exit heartbeat was not sent within {1} ms", name,
                        budget.monitorFlush().toMillis());
            }
        } finally {
            bus.close();
            shutdown.countDown();
            LOG.log(Level.INFO, "{0} exited after {1} ms", name,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }
}
