package org.swf.testbed.agentmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;

/**
 * The daemon's lifecycle: it connects however long the broker takes, serves, answers SIGUSR1
 * with a heartbeat, and on shutdown stops retrying or closes in order (the manager's EXITED
 * heartbeat, its connection, then what the daemon owns).
 */
class AgentManagerDaemonTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AgentManagerDaemon.Backoff QUICK = new AgentManagerDaemon.Backoff(Duration.ofMillis(5),
            Duration.ofMillis(20));

    @TempDir
    Path home;

    private ManagerTestbed testbed;
    private final Events events = new Events();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final AtomicReference<AgentManager> serving = new AtomicReference<>();
    private AgentManagerDaemon daemon;

    @BeforeEach
    void setUp() throws IOException {
        testbed = new ManagerTestbed(home);
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.close();
        }
        testbed.close();
    }

    private AgentManagerDaemon daemon(AgentManagerDaemon.Connector connector, AgentManagerDaemon.Backoff backoff,
            Duration heartbeats) {
        daemon = new AgentManagerDaemon(ManagerTestbed.USER, connector,
                bus -> testbed.manager(bus, heartbeats, Optional.empty()), backoff, events,
                List.of(named("broker", closed), named("store", closed)));
        return daemon;
    }

    /** Runs the daemon as the process's main thread would. */
    private CompletableFuture<Boolean> runInBackground(AgentManagerDaemon daemon) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread main = new Thread(() -> {
            try {
                result.complete(daemon.run(serving::set));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "daemon-main");
        main.setDaemon(true);
        main.start();
        return result;
    }

    @Test
    void retriesUntilTheBrokerCanBeReachedThenServes() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<Boolean> run = runInBackground(daemon(() -> {
            if (attempts.incrementAndGet() <= 3) {
                throw new ServiceUnavailableException("Cannot reach the broker at amqp://127.0.0.1:1.");
            }
            return testbed.broker.newBus();
        }, QUICK, Duration.ofHours(1)));

        InMemoryMessageBus client = testbed.client();
        assertThat(testbed.command(client, "{\"command\": \"ping\"}")).containsEntry("status", "alive");
        assertThat(attempts).hasValue(4);
        assertThat(serving.get()).isNotNull();
        assertThat(serving.get().controlQueue()).isEqualTo(ManagerTestbed.control());
        assertThat(run).isNotDone();

        events.shutdown();
        assertThat(run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void aShutdownEndsTheWaitBetweenAttempts() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        // After the first failure the daemon would wait an hour; the shutdown must not wait with it.
        CompletableFuture<Boolean> run = runInBackground(daemon(() -> {
            attempts.incrementAndGet();
            throw new ServiceUnavailableException("Cannot reach the broker at amqp://127.0.0.1:1.");
        }, new AgentManagerDaemon.Backoff(Duration.ofHours(1), Duration.ofHours(1)), Duration.ofHours(1)));
        await().atMost(WAIT).until(() -> attempts.get() == 1 && events.shutdown.get() != null);

        events.shutdown();

        assertThat(run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(attempts).hasValue(1);
        assertThat(serving.get()).isNull();
        assertThat(closed).containsExactly("store", "broker");
        assertThat(testbed.managerHeartbeats()).isEmpty();
    }

    @Test
    void aConnectionThatArrivesAfterTheShutdownIsClosedUnused() throws Exception {
        CountDownLatch connecting = new CountDownLatch(1);
        CountDownLatch connect = new CountDownLatch(1);
        InMemoryMessageBus late = testbed.broker.newBus();
        CompletableFuture<Boolean> run = runInBackground(daemon(() -> {
            connecting.countDown();
            try {
                connect.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return late;
        }, QUICK, Duration.ofHours(1)));
        assertThat(connecting.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        daemon.close();
        connect.countDown();

        assertThat(run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(late.isConnected()).isFalse();
        assertThat(serving.get()).isNull();
        assertThat(testbed.managerHeartbeats()).isEmpty();
    }

    @Test
    void closesTheManagerFirstThenWhatItOwnsLastFirst() throws Exception {
        InMemoryMessageBus bus = testbed.broker.newBus();
        RecordingBus recording = new RecordingBus(bus, () -> closed.add("manager bus, after "
                + testbed.lastManagerHeartbeat().get("operational_state") + " heartbeat"));
        CompletableFuture<Boolean> run = runInBackground(daemon(() -> recording, QUICK, Duration.ofHours(1)));
        await().atMost(WAIT).until(() -> serving.get() != null);

        events.shutdown();

        assertThat(run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(closed).containsExactly("manager bus, after EXITED heartbeat", "store", "broker");
        daemon.close();
        assertThat(closed).hasSize(3);
    }

    @Test
    void sigusr1SendsAHeartbeatAtOnceAndIsHarmlessBeforeTheManagerServes() throws Exception {
        CountDownLatch connect = new CountDownLatch(1);
        CompletableFuture<Boolean> run = runInBackground(daemon(() -> {
            try {
                connect.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return testbed.broker.newBus();
        }, QUICK, Duration.ofHours(1)));
        await().atMost(WAIT).until(() -> events.heartbeat.get() != null);
        events.sigusr1();
        assertThat(testbed.managerHeartbeats()).isEmpty();

        connect.countDown();
        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() == 1);
        events.sigusr1();

        await().atMost(WAIT).until(() -> testbed.managerHeartbeats().size() == 2);
        assertThat(testbed.lastManagerHeartbeat()).containsEntry("operational_state", "READY");
        events.shutdown();
        assertThat(run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void runsOnlyOnce() throws Exception {
        CompletableFuture<Boolean> run = runInBackground(daemon(testbed.broker::newBus, QUICK, Duration.ofHours(1)));
        await().atMost(WAIT).until(() -> serving.get() != null);

        assertThatThrownBy(() -> daemon.run(manager -> { })).isInstanceOf(IllegalStateException.class);
        daemon.close();
        assertThat(run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void aManagerThatCannotBeMadeLeavesNoConnectionOpen() {
        InMemoryMessageBus bus = testbed.broker.newBus();
        daemon = new AgentManagerDaemon(ManagerTestbed.USER, () -> bus, created -> {
            throw new IllegalStateException("no orchestrator");
        }, QUICK, events, List.of());

        assertThatThrownBy(() -> daemon.run(manager -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessage("no orchestrator");
        assertThat(bus.isConnected()).isFalse();
    }

    @Test
    void backoffDoublesUpToItsLongestWait() {
        AgentManagerDaemon.Backoff backoff = AgentManagerDaemon.Backoff.DEFAULT;
        assertThat(backoff.first()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.after(Duration.ofSeconds(16))).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.after(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> new AgentManagerDaemon.Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AgentManagerDaemon.Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static AutoCloseable named(String name, List<String> closed) {
        return () -> closed.add(name);
    }

    /** The process's events as a test triggers them: what the JVM's shutdown hook and SIGUSR1 would do. */
    private static final class Events implements AgentManagerDaemon.ProcessEvents {
        final AtomicReference<Runnable> shutdown = new AtomicReference<>();
        final AtomicReference<Runnable> heartbeat = new AtomicReference<>();

        @Override
        public void onShutdown(Runnable action) {
            shutdown.set(action);
        }

        @Override
        public void onHeartbeatRequest(Runnable action) {
            heartbeat.set(action);
        }

        void shutdown() {
            shutdown.get().run();
        }

        void sigusr1() {
            heartbeat.get().run();
        }
    }

    /** A bus that notes when it is closed, to see the close order. */
    private static final class RecordingBus implements MessageBus {
        private final MessageBus delegate;
        private final Runnable onClose;

        RecordingBus(MessageBus delegate, Runnable onClose) {
            this.delegate = delegate;
            this.onClose = onClose;
        }

        @Override
        public void send(Destination destination, String body) {
            delegate.send(destination, body);
        }

        @Override
        public void send(Destination destination, String body, Destination replyTo, String correlationId) {
            delegate.send(destination, body, replyTo, correlationId);
        }

        @Override
        public Subscription subscribe(Destination destination, Consumer<InboundMessage> listener) {
            return delegate.subscribe(destination, listener);
        }

        @Override
        public InboundMessage request(Destination destination, String body, Duration timeout,
                Predicate<InboundMessage> interim) {
            return delegate.request(destination, body, timeout, interim);
        }

        @Override
        public boolean isConnected() {
            return delegate.isConnected();
        }

        @Override
        public void close() {
            onClose.run();
            delegate.close();
        }
    }
}
