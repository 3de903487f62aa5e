package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.lifecycle.ShutdownBudget;

class BusOptionsTest {

    @Test
    void ofUsesAnonymousDefaults() {
        BusOptions options = BusOptions.of("amqp://127.0.0.1:5672", "cli");

        assertThat(options.user()).isNull();
        assertThat(options.password()).isNull();
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.reconnect()).isFalse();
    }

    @Test
    void nullTimeoutMeansTheDefault() {
        assertThat(new BusOptions("amqp://h:1", null, null, "x", null, true).connectTimeout())
                .isEqualTo(BusOptions.DEFAULT_CONNECT_TIMEOUT);
    }

    @Test
    void theCloseTimeoutIsTheBusShareOfTheShutdownBudgetUnlessGiven() {
        BusOptions options = BusOptions.of("amqp://h:1", "agent").withConnectTimeout(Duration.ofSeconds(10));

        assertThat(options.closeTimeout()).isEqualTo(ShutdownBudget.STANDARD.busClose());
        assertThat(options.withCloseTimeout(Duration.ofMillis(500)).closeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.withCloseTimeout(Duration.ofMillis(500)).withReconnect(true).closeTimeout())
                .isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> options.withCloseTimeout(Duration.ZERO)).hasMessageContaining("close timeout");
    }

    @Test
    void acceptsTheSupportedUrlForms() {
        assertThat(BusOptions.of("amqps://broker.example.org:5671?transport.verifyHost=false", "x").url())
                .startsWith("amqps://");
        assertThat(BusOptions.of("failover:(amqp://a:5672,amqp://b:5672)?failover.maxReconnectAttempts=5", "x").url())
                .startsWith("failover:");
        assertThat(BusOptions.of("amqpws://h:80", "x").url()).startsWith("amqpws://");
    }

    @Test
    void refusesMalformedUrlsNamingTheKey() {
        for (String bad : new String[] {"", "  ", "tcp://h:61616", "h:5672", "amqp://", "failover:amqp://h:1",
                "amqp://h :1"}) {
            assertThatThrownBy(() -> BusOptions.of(bad, "x"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[broker] url");
        }
    }

    @Test
    void refusesBadOtherFields() {
        assertThatThrownBy(() -> BusOptions.of("amqp://h:1", " ")).hasMessageContaining("client name");
        assertThatThrownBy(() -> BusOptions.of("amqp://h:1", "x").withConnectTimeout(Duration.ZERO))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> BusOptions.of("amqp://h:1", "x").withCredentials(null, "secret"))
                .hasMessageContaining("without a user");
    }

    @Test
    void toStringHidesCredentials() {
        BusOptions options = BusOptions.of("amqps://h:5671?transport.trustStorePassword=tspw", "x")
                .withCredentials("alice", "s3cret");

        assertThat(options.toString()).doesNotContain("alice", "s3cret", "tspw").contains("***");
    }

    @Test
    void invalidUrlMessageHidesCredentials() {
        assertThatThrownBy(() -> BusOptions.of("tcp://bob:pw@h:1?jms.password=pw2", "x"))
                .hasMessageNotContaining("pw2")
                .hasMessageNotContaining("bob:pw");
    }

    @Test
    void caFileMustBeAReadableFile(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----");
        BusOptions options = BusOptions.of("amqps://h:5671", "x").withCredentials("alice", "pw").withCaFile(ca);

        assertThat(options.caFile()).isEqualTo(ca);
        assertThat(options.withReconnect(true).withConnectTimeout(Duration.ofSeconds(2)).withCredentials("b", "p")
                .caFile()).isEqualTo(ca);
        assertThat(options.withCaFile(null).caFile()).isNull();
        assertThat(new BusOptions("amqps://h:5671", null, null, "x", null, false).caFile()).isNull();
        assertThatThrownBy(() -> options.withCaFile(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.pem")
                .hasMessageContaining("not a readable file")
                .hasMessageContaining("ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file");
        assertThatThrownBy(() -> options.withCaFile(dir)).hasMessageContaining("not a readable file");
    }

    @Test
    void toStringNamesTheCaFileButNoCredentials(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        BusOptions options = BusOptions.of("amqps://bob:pw1@h:5671?transport.keyStorePassword=kspw", "x")
                .withCredentials("alice", "s3cret").withCaFile(ca);

        assertThat(options.toString()).contains("caFile=" + ca).doesNotContain("alice", "s3cret", "pw1", "kspw");
        assertThat(BusOptions.of("amqps://h:5671", "x").toString()).contains("caFile=default trust store");
    }
}
