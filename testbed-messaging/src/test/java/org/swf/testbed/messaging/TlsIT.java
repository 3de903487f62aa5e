package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.broker.BrokerSecurity;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.protocol.Destination;

/** amqps:// against brokers with certificates from a throw-away CA. */
class TlsIT {

    private static final Logger LOG = LoggerFactory.getLogger(TlsIT.class);
    private static final String USER = "tls-owner";
    private static final String PASSWORD = "Tls-Pa55word";
    private static final Duration DELIVERY = Duration.ofSeconds(10);
    /** What a person waits at most with the default connect timeout. */
    private static final long PROMPT_MILLIS = 10_000;
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    static Path certificateDir;

    private static TestCertificates certificates;
    private static EmbeddedBroker broker;
    private static EmbeddedBroker otherHostBroker;

    @BeforeAll
    static void startBrokers() throws IOException {
        certificates = TestCertificates.generate(certificateDir);
        BrokerSecurity security = BrokerSecurity.ownerOnly(USER, PASSWORD);
        broker = EmbeddedBroker.start(TestBrokers.onFreePorts().withSecurity(security)
                .withTls(certificates.brokerTls()));
        otherHostBroker = EmbeddedBroker.start(TestBrokers.onFreePorts().withSecurity(security)
                .withTls(certificates.otherHostTls()));
    }

    @AfterAll
    static void stopBrokers() {
        for (EmbeddedBroker started : new EmbeddedBroker[] {broker, otherHostBroker}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void trustingTheCaFileConnectsAndMessagesFlow() {
        assertThat(broker.amqpUrl()).startsWith("amqps://127.0.0.1:");
        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            for (boolean reconnect : new boolean[] {false, true}) {
                BusOptions options = owner("amqps://" + host + ":" + broker.amqpPort()).withReconnect(reconnect)
                        .withCaFile(certificates.caFile());
                try (JmsMessageBus responder = JmsMessageBus.connect(options);
                        JmsMessageBus requester = JmsMessageBus.connect(options)) {
                    Destination control = Destination.queue("tls.control");
                    responder.subscribe(control, in -> responder.send(in.replyTo(), "{\"ok\":true}", null,
                            in.correlationId()));

                    assertThat(requester.request(control, "{\"command\":\"ping\"}", DELIVERY).body())
                            .isEqualTo("{\"ok\":true}");
                }
            }
        }
    }

    @Test
    void withoutTheCaFileTheCertificateIsNotTrusted() {
        for (boolean reconnect : new boolean[] {false, true}) {
            BusOptions options = owner(broker.amqpUrl()).withReconnect(reconnect);

            String message = failsPromptly(options);

            assertThat(message).isEqualTo("TLS handshake with 127.0.0.1:" + broker.amqpPort() + " failed: certificate"
                    + " not trusted, the broker's certificate is not signed by a CA in the JVM's default trust store."
                    + " Set ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the broker's CA file");
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedEvenFromTheTrustedCa() {
        for (boolean reconnect : new boolean[] {false, true}) {
            BusOptions options = owner(otherHostBroker.amqpUrl()).withReconnect(reconnect)
                    .withCaFile(certificates.caFile());

            String message = failsPromptly(options);

            assertThat(message)
                    .startsWith("TLS handshake with 127.0.0.1:" + otherHostBroker.amqpPort() + " failed: host name"
                            + " mismatch, the broker's certificate is not issued for the host in the URL (")
                    .contains("127.0.0.1")
                    .endsWith("Put a host name the certificate names into [broker] url, and set ACTIVEMQ_SSL_CA_CERTS"
                            + " or [broker] ca_file to the broker's CA file");
        }
        // The check is Qpid's transport.verifyHost, still in force with our trust: switching it
        // off (never do that outside a test) lets the same certificate through.
        try (JmsMessageBus unverified = JmsMessageBus.connect(owner(otherHostBroker.amqpUrl()
                + "?transport.verifyHost=false").withCaFile(certificates.caFile()))) {
            assertThat(unverified.isConnected()).isTrue();
        }
    }

    @Test
    void aCaFileThatIsNotPemIsAConfigurationError(@TempDir Path dir) throws IOException {
        Path notPem = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "# just a comment\n");

        assertThatThrownBy(() -> JmsMessageBus.connect(owner(broker.amqpUrl()).withCaFile(notPem)))
                .isInstanceOf(org.swf.testbed.ConfigException.class)
                .hasMessageContaining("holds no PEM certificate")
                .hasMessageContaining("[broker] ca_file");
    }

    private static String failsPromptly(BusOptions options) {
        return assertTimeoutPreemptively(HANG, () -> {
            long start = System.nanoTime();
            Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(ServiceUnavailableException.class,
                    () -> JmsMessageBus.connect(options));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            LOG.info("{} (reconnect={}) failed after {} ms: {}", options.redactedUrl(), options.reconnect(), millis,
                    failure.getMessage());
            assertThat(millis).isLessThan(PROMPT_MILLIS);
            assertThat(failure.getMessage()).doesNotContain("\n", "\r", PASSWORD, USER);
            return failure.getMessage();
        });
    }

    private static BusOptions owner(String url) {
        return BusOptions.of(url, "tls-client").withCredentials(USER, PASSWORD);
    }
}
