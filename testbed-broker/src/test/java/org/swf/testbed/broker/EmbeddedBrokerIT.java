package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.ServiceUnavailableException;

class EmbeddedBrokerIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerIT.class);

    @Test
    void startsOnFreePortsAndAnswersStomp() throws IOException {
        BrokerOptions options = freePorts();
        long start = System.nanoTime();
        try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
            long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            LOG.info("Embedded broker start-up took {} ms", startMillis);

            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.amqpUrl()).isEqualTo("amqp://127.0.0.1:" + options.amqpPort());
            assertThat(broker.amqpPort()).isEqualTo(options.amqpPort());
            assertThat(broker.stompPort()).isEqualTo(options.stompPort());
            assertThat(stompConnect(options.stompPort())).startsWith("CONNECTED");
            assertThat(accepts(options.amqpPort())).isTrue();
        }
    }

    @Test
    void closeEndsAwaitStopAndFreesThePorts() {
        BrokerOptions options = freePorts();
        EmbeddedBroker broker = EmbeddedBroker.start(options);
        assertThat(broker.awaitStop(Duration.ofMillis(50))).isFalse();

        long start = System.nanoTime();
        broker.close();
        LOG.info("Embedded broker stop took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        broker.awaitStop();

        assertThat(broker.isRunning()).isFalse();
        assertThat(accepts(options.amqpPort())).isFalse();
        broker.close(); // idempotent
        // The same ports can be used again straight away, as a broker restart does.
        try (EmbeddedBroker again = EmbeddedBroker.start(options)) {
            assertThat(again.isRunning()).isTrue();
        }
    }

    @Test
    void portInUseFailsFastNamingThePortAndTheFix() throws IOException {
        BrokerOptions options = freePorts();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", options.stompPort()));
            long start = System.nanoTime();

            assertThatThrownBy(() -> EmbeddedBroker.start(options))
                    .isInstanceOf(ServiceUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + options.stompPort())
                    .hasMessageContaining("Another broker is running?")
                    .hasMessageContaining("[broker] stomp_port");
            LOG.info("Port-in-use failure took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        // And the AMQP port was not left bound by the failed attempt.
        assertThat(accepts(options.amqpPort())).isFalse();
    }

    @Test
    void secondBrokerOnTheSamePortsIsRefused() {
        BrokerOptions options = freePorts();
        try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
            assertThatThrownBy(() -> EmbeddedBroker.start(options))
                    .isInstanceOf(ServiceUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + options.amqpPort())
                    .hasMessageContaining("[broker] amqp_port");
            assertThat(broker.isRunning()).isTrue();
        }
    }

    @Test
    void persistentBrokerKeepsItsJournalUnderTheDataDir(@TempDir Path dataDir) {
        try (EmbeddedBroker broker = EmbeddedBroker.start(freePorts().withDataDir(dataDir))) {
            assertThat(broker.isRunning()).isTrue();
        }
        assertThat(dataDir.resolve("journal")).isDirectory();
        assertThat(dataDir.resolve("bindings")).isDirectory();
    }

    @Test
    void secondBrokerOnTheSameDataDirFailsInsteadOfWaitingForTheJournalLock(@TempDir Path dataDir) {
        try (EmbeddedBroker first = EmbeddedBroker.start(freePorts().withDataDir(dataDir))) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                    assertThatThrownBy(() -> EmbeddedBroker.start(freePorts().withDataDir(dataDir)))
                            .isInstanceOf(ServiceUnavailableException.class)
                            .hasMessageContaining("data directory " + dataDir));
            assertThat(first.isRunning()).isTrue();
        }
    }

    @Test
    void inMemoryBrokerWritesNothingToTheWorkingDirectory() {
        Path workingDirData = Path.of("data").toAbsolutePath();
        boolean existedBefore = Files.exists(workingDirData);
        try (EmbeddedBroker broker = EmbeddedBroker.start(freePorts())) {
            assertThat(broker.isRunning()).isTrue();
        }
        assertThat(Files.exists(workingDirData)).isEqualTo(existedBefore);
    }

    @Test
    void printsNothingOnStdout() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (EmbeddedBroker broker = EmbeddedBroker.start(freePorts())) {
            assertThat(broker.isRunning()).isTrue();
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    static BrokerOptions freePorts() {
        int amqp = freePort();
        int stomp = freePort();
        while (stomp == amqp) {
            stomp = freePort();
        }
        return BrokerOptions.defaults().withPorts(amqp, stomp);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String stompConnect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0".getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder frame = new StringBuilder();
            int b;
            while ((b = in.read()) > 0) {
                frame.append((char) b);
            }
            return frame.toString();
        }
    }
}
