package org.swf.testbed.agentmanager;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.control.AgentManagerClient;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.ManagerInfo;
import org.swf.testbed.util.Await;

/**
 * The agent-manager process around its {@link AgentManager}: connects to the broker, retrying
 * with back-off for as long as it takes (the broker may come up after the manager); serves until
 * the process is asked to stop; then closes in order: the manager (its {@code EXITED} heartbeat,
 * then its broker connection), then what the daemon was given to own, such as its hold on the
 * home's supervised broker, so the exit heartbeat still finds a broker. SIGUSR1 asks for a heartbeat at
 * once.
 *
 * <p>Shutdown and signals reach the daemon through {@link ProcessEvents}, so its lifecycle can be
 * driven without ending a JVM: {@link ProcessEvents#jvm()} in the process, a test's own calls
 * elsewhere.
 *
 * <pre>{@code
 * AgentManagerDaemon daemon = new AgentManagerDaemon(user, () -> buses.connectReconnecting(...),
 *         bus -> new AgentManager(user, orchestrator, bus, ...), Backoff.DEFAULT, ProcessEvents.jvm(),
 *         List.of(ownBroker));
 * daemon.run(manager -> System.err.println("serving"));   // returns once the process is stopping
 * }</pre>
 */
public final class AgentManagerDaemon implements AutoCloseable {

    /** How long another manager of the user has to answer a ping before this one serves. */
    private static final Duration OTHER_MANAGER_PROBE = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(AgentManagerDaemon.class.getName());

    /** Opens the manager's broker connection: one attempt. */
    @FunctionalInterface
    public interface Connector {
        /**
         * @return a connected bus, ideally one that reconnects by itself once connected
         * @throws ServiceUnavailableException when the broker cannot be reached now; the daemon
         *     tries again after a back-off
         */
        MessageBus connect();
    }

    /** Makes the manager once the bus is connected. */
    @FunctionalInterface
    public interface ManagerFactory {
        /**
         * @param bus the connected bus, which the manager owns from now on
         * @return a manager, not yet started
         */
        AgentManager create(MessageBus bus);
    }

    /** How the process asks the daemon to stop, and for a heartbeat now. */
    public interface ProcessEvents {
        /** @param action to run once when the process is asked to stop (SIGTERM, SIGINT, exit) */
        void onShutdown(Runnable action);

        /** @param action to run whenever someone asks for a heartbeat now (SIGUSR1) */
        void onHeartbeatRequest(Runnable action);

        /** @return this JVM's events: a shutdown hook, and a SIGUSR1 handler where the JVM allows one */
        static ProcessEvents jvm() {
            return new JvmProcessEvents();
        }
    }

    /**
     * How long to wait between connection attempts: {@code first}, doubling up to {@code longest}.
     * The waits end early when the process is asked to stop.
     *
     * @param first the wait after the first failed attempt
     * @param longest the longest wait
     */
    public record Backoff(Duration first, Duration longest) {

        /** 1 s, doubling up to 30 s: quick when the broker is just starting, quiet when it is down for long. */
        public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

        /** Requires positive waits, the first no longer than the longest. */
        public Backoff {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(longest, "longest");
            if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0) {
                throw new IllegalArgumentException("Back-off needs 0 < first <= longest, got " + first + ", " + longest);
            }
        }

        /**
         * @param wait the last wait
         * @return the next wait
         */
        public Duration after(Duration wait) {
            Duration doubled = wait.multipliedBy(2);
            return doubled.compareTo(longest) > 0 ? longest : doubled;
        }
    }

    private final String user;
    private final String host;
    private final Connector connector;
    private final ManagerFactory managers;
    private final Backoff backoff;
    private final ProcessEvents events;
    private final List<AutoCloseable> owned;
    private final Object lock = new Object();
    private final AtomicBoolean running = new AtomicBoolean();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Guarded by {@link #lock} for writes; read without it by signal handlers, which must not wait. */
    private volatile AgentManager manager;
    private boolean closing;

    /**
     * @param user the OS login name the manager serves
     * @param connector opens the broker connection, one attempt per call
     * @param managers makes the manager on the connected bus
     * @param backoff how long to wait between connection attempts
     * @param events where the process asks to stop, and for heartbeats
     * @param owned closed after the manager, last first (e.g. its hold on the home's broker)
     */
    public AgentManagerDaemon(String user, Connector connector, ManagerFactory managers, Backoff backoff,
            ProcessEvents events, List<? extends AutoCloseable> owned) {
        this(user, HeartbeatSender.localHostname(), connector, managers, backoff, events, owned);
    }

    /**
     * @param user the OS login name the manager serves
     * @param host this host's name in the testbed: no other manager of the user may serve it
     * @param connector opens the broker connection, one attempt per call
     * @param managers makes the manager on the connected bus
     * @param backoff how long to wait between connection attempts
     * @param events where the process asks to stop, and for heartbeats
     * @param owned closed after the manager, last first (e.g. its hold on the home's broker)
     */
    public AgentManagerDaemon(String user, String host, Connector connector, ManagerFactory managers, Backoff backoff,
            ProcessEvents events, List<? extends AutoCloseable> owned) {
        this.host = Objects.requireNonNull(host, "host");
        this.user = Objects.requireNonNull(user, "user");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.managers = Objects.requireNonNull(managers, "managers");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.events = Objects.requireNonNull(events, "events");
        this.owned = List.copyOf(owned);
    }

    /**
     * Runs the daemon on the calling thread: connects (retrying until it succeeds or the process
     * stops), starts the manager, tells {@code serving}, and returns once {@link #close()} has
     * finished.
     *
     * @param serving told the manager once it serves its control queue
     * @return true when it served, false when it was stopped before it could connect
     * @throws InterruptedException when the calling thread is interrupted
     * @throws IllegalStateException when the daemon runs already or ran before
     */
    public boolean run(Consumer<AgentManager> serving) throws InterruptedException {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("The agent manager daemon runs only once");
        }
        events.onShutdown(this::close);
        events.onHeartbeatRequest(this::heartbeatNow);
        MessageBus bus = connectForever();
        if (bus == null) {
            closed.await();
            return false;
        }
        AgentManager created;
        synchronized (lock) {
            if (closing) {
                // Stopped while the last attempt connected: nobody will use this connection.
                bus.close();
                created = null;
            } else {
                created = create(bus);
                manager = created;
                // Under the lock, so that a close() racing this start finds the manager started.
                created.start();
            }
        }
        if (created == null) {
            closed.await();
            return false;
        }
        serving.accept(created);
        created.awaitShutdown();
        closed.await();
        return true;
    }

    private AgentManager create(MessageBus bus) {
        try {
            refuseIfAnotherServes(bus);
            return managers.create(bus);
        } catch (RuntimeException e) {
            bus.close();
            throw e;
        }
    }

    /**
     * The lock file keeps a second manager off this machine; this keeps one off this host's queue
     * from anywhere (a machine whose {@code TESTBED_HOST} names this host): two consumers would
     * split the host's commands between them. Managers of other hosts serve queues of their own.
     *
     * @throws LifecycleConflictException when another manager answers on this host's control queue
     */
    private void refuseIfAnotherServes(MessageBus bus) {
        ManagerInfo other;
        try {
            other = new AgentManagerClient(bus, new JsonCodec(), user, host, "agent-manager").ping(OTHER_MANAGER_PROBE);
        } catch (TestbedTimeoutException e) {
            return; // nobody answers: this one serves
        }
        throw new LifecycleConflictException("An agent manager for " + user + " already serves /queue/"
                + Destinations.agentManagerControl(user, host).name() + " (pid " + other.pid() + " on "
                + other.hostname() + "). Use that one, or stop it first");
    }

    /** @return a connected bus, or null when the process is stopping */
    private MessageBus connectForever() throws InterruptedException {
        Duration wait = backoff.first();
        while (stopping.getCount() > 0) {
            try {
                return connector.connect();
            } catch (ServiceUnavailableException e) {
                LOG.log(Level.WARNING, "{0} Retrying in {1}", e.getMessage(), Await.seconds(wait));
                if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
                wait = backoff.after(wait);
            }
        }
        return null;
    }

    /** Sends the manager's heartbeat now, off the caller's thread; before the manager serves there is none to send. */
    public void heartbeatNow() {
        AgentManager serving = manager;
        if (serving == null) {
            LOG.log(Level.DEBUG, "No heartbeat: the agent manager is not connected yet");
            return;
        }
        serving.heartbeatNow();
    }

    /**
     * Stops the daemon: ends connection attempts, closes the manager (its {@code EXITED}
     * heartbeat, then its bus), then what the daemon owns, last first. Idempotent.
     */
    @Override
    public void close() {
        AgentManager serving;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            serving = manager;
        }
        stopping.countDown();
        try {
            if (serving != null) {
                serving.close();
            }
        } finally {
            closeOwned();
            if (serving != null) {
                // In a shutdown hook java.util.logging may be shut down already, so this goes to stderr directly.
                System.err.println(LocalDateTime.now() + " INFO agent manager for " + user + " exited");
            }
            closed.countDown();
        }
    }

    private void closeOwned() {
        List<AutoCloseable> reversed = new ArrayList<>(owned);
        Collections.reverse(reversed);
        for (AutoCloseable closeable : reversed) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Closing {0} failed: {1}", closeable, e.toString());
            }
        }
    }
}
