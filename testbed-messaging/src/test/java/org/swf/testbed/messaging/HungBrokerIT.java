package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.protocol.Destination;

/**
 * A broker that stops answering while the connection stays up (a broker process stopped with
 * SIGSTOP, a network that drops packets) must not hold a closing program past its budget.
 */
class HungBrokerIT {

    /**
     * Only there to turn a hang into a failure: ten times the close timeout given, a third of the
     * connect timeout (which Qpid used to wait for a close too).
     */
    private static final Duration HANG = Duration.ofSeconds(10);

    @Test
    void closeGivesUpAtItsTimeoutWhenTheBrokerStopsAnswering() {
        try (EmbeddedBroker broker = EmbeddedBroker.start(TestBrokers.onFreePorts());
                FreezableRelay relay = new FreezableRelay(URI.create(broker.amqpUrl()).getPort())) {
            // As an agent connects: reconnecting, several subscriptions, each a session Qpid
            // would close one after the other, each waiting for the broker's answer.
            JmsMessageBus bus = JmsMessageBus.connect(BusOptions.of("amqp://127.0.0.1:" + relay.port(), "agent")
                    .withReconnect(true).withConnectTimeout(Duration.ofSeconds(30))
                    .withCloseTimeout(Duration.ofSeconds(1)));
            for (int i = 0; i < 4; i++) {
                bus.subscribe(Destination.topic("hung.topic." + i), message -> { });
            }
            bus.send(Destination.topic("hung.topic.0"), "{\"before\":\"freeze\"}");

            relay.freeze();

            assertTimeoutPreemptively(HANG, bus::close);
            assertThat(bus.isConnected()).isFalse();
        }
    }

    @Test
    void closeFromAListenerDoesNotWaitForItself() {
        try (EmbeddedBroker broker = EmbeddedBroker.start(TestBrokers.onFreePorts())) {
            JmsMessageBus bus = JmsMessageBus.connect(BusOptions.of(broker.amqpUrl(), "agent")
                    .withCloseTimeout(Duration.ofSeconds(30)));
            CountDownLatch closed = new CountDownLatch(1);
            Destination queue = Destination.queue("close.from.listener");
            bus.subscribe(queue, message -> {
                bus.close();
                closed.countDown();
            });

            bus.send(queue, "{\"close\":true}");

            // Waiting for the close timeout would take 30 s: the listener returns long before.
            await().atMost(HANG).until(() -> closed.getCount() == 0);
            assertThat(bus.isConnected()).isFalse();
        }
    }

    /**
     * Relays TCP between the client and the broker until {@link #freeze()}: from then on it
     * forwards nothing and closes nothing, so the client sees a live connection that never answers.
     */
    private static final class FreezableRelay implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final CountDownLatch frozen = new CountDownLatch(1);
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        FreezableRelay(int target) {
            this.target = target;
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            daemon(this::accept, "relay-accept");
        }

        int port() {
            return server.getLocalPort();
        }

        void freeze() {
            frozen.countDown();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    daemon(() -> pump(client, upstream), "relay-up");
                    daemon(() -> pump(upstream, client), "relay-down");
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0 && frozen.getCount() > 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
                // Frozen: hold both sockets open, silent, until the test closes the relay.
                while (!from.isClosed()) {
                    frozen.await();
                    if (from.getInputStream().read(buffer) < 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                // a side closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void daemon(Runnable task, String name) {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            try {
                server.close();
                for (Socket socket : sockets) {
                    socket.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
