package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.ServiceUnavailableException;

/** Connecting to a broker that is not there fails within the connect timeout, never hangs. */
class BrokerUnavailableIT {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerUnavailableIT.class);

    /** Generous: only there to turn a hang into a failure. */
    private static final Duration HANG = Duration.ofSeconds(60);

    /**
     * Added to a connect timeout for the deadline of a failure: the behaviour is that the client
     * gives up at its timeout instead of hanging or retrying on, which a busy machine cannot hide.
     */
    private static final Duration MARGIN = Duration.ofSeconds(20);

    @Test
    void refusedConnectionFailsFastWithTheFix() {
        String url = "amqp://127.0.0.1:" + TestBrokers.freePort();

        BusOptions options = BusOptions.of(url, "test");

        long millis = failureMillis(options, url);

        assertThat(millis).isLessThan(options.connectTimeout().plus(MARGIN).toMillis());
    }

    @Test
    void refusedConnectionWithReconnectStillFailsWithinTheTimeout() {
        String url = "amqp://127.0.0.1:" + TestBrokers.freePort();

        BusOptions options = BusOptions.of(url, "agent").withReconnect(true);

        long millis = failureMillis(options, url);

        assertThat(millis).isLessThan(options.connectTimeout().plus(MARGIN).toMillis());
    }

    @Test
    void peerThatNeverSpeaksAmqpFailsAtTheTimeout() throws IOException {
        // Accepts TCP (the kernel completes the handshake from the backlog) and never answers:
        // a wrong port or a hung broker, the case where an unbounded client would hang.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "amqp://127.0.0.1:" + silent.getLocalPort();
            BusOptions options = BusOptions.of(url, "test").withConnectTimeout(Duration.ofSeconds(2));

            long millis = failureMillis(options, url);

            // Not before its timeout (a slow machine only makes it later), and not long after it.
            assertThat(millis).isBetween(1_500L, options.connectTimeout().plus(MARGIN).toMillis());
        }
    }

    @Test
    void peerThatNeverSpeaksAmqpFailsAtTheTimeoutWithReconnect() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "amqp://127.0.0.1:" + silent.getLocalPort();
            BusOptions options = BusOptions.of(url, "agent").withConnectTimeout(Duration.ofSeconds(2))
                    .withReconnect(true);

            long millis = failureMillis(options, url);

            // Not before its timeout (a slow machine only makes it later), and not long after it.
            assertThat(millis).isBetween(1_500L, options.connectTimeout().plus(MARGIN).toMillis());
        }
    }

    @Test
    void credentialsNeverAppearInTheError() {
        String url = "amqp://127.0.0.1:" + TestBrokers.freePort();
        BusOptions options = BusOptions.of(url, "test").withCredentials("alice", "s3cret-pw");

        assertThatThrownBy(() -> JmsMessageBus.connect(options))
                .isInstanceOf(ServiceUnavailableException.class)
                .hasMessageNotContaining("s3cret-pw")
                .hasMessageNotContaining("alice");
    }

    private static long failureMillis(BusOptions options, String url) {
        return assertTimeoutPreemptively(HANG, () -> {
            long start = System.nanoTime();
            assertThatThrownBy(() -> JmsMessageBus.connect(options))
                    .isInstanceOf(ServiceUnavailableException.class)
                    .hasMessageStartingWith("Cannot reach the broker at " + url + " within "
                            + options.connectTimeout().toSeconds() + " s: ")
                    .hasMessageEndingWith(". Start it (testbed broker) or fix [broker] url");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            LOG.info("connect to {} (reconnect={}) failed after {} ms", url, options.reconnect(), millis);
            return millis;
        });
    }
}
