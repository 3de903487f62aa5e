package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QpidUrlsTest {

    @Test
    void plainUrlGetsATransportConnectTimeout() {
        BusOptions options = BusOptions.of("amqp://127.0.0.1:5672", "x").withConnectTimeout(Duration.ofSeconds(3));

        assertThat(QpidUrls.connectionUri(options)).isEqualTo("amqp://127.0.0.1:5672?transport.connectTimeout=3000");
    }

    @Test
    void userOptionsWin() {
        BusOptions options = BusOptions.of("amqps://h:5671?transport.connectTimeout=100&transport.verifyHost=false", "x");

        assertThat(QpidUrls.connectionUri(options))
                .isEqualTo("amqps://h:5671?transport.connectTimeout=100&transport.verifyHost=false");
    }

    @Test
    void reconnectWrapsThePlainUrlInFailoverWithBoundedStartup() {
        BusOptions options = BusOptions.of("amqp://h:5672", "x").withReconnect(true);

        String uri = QpidUrls.connectionUri(options);

        assertThat(uri).startsWith("failover:(amqp://h:5672?transport.connectTimeout=5000)?")
                .contains("failover.maxReconnectAttempts=-1")
                .contains("failover.startupMaxReconnectAttempts=" + QpidUrls.startupAttempts(5000))
                .contains("failover.maxReconnectDelay=5000")
                .contains("failover.useReconnectBackOff=true");
    }

    @Test
    void failoverUrlKeepsItsOptionsAndGetsTheMissingBounds() {
        BusOptions options = BusOptions.of("failover:(amqp://a:1,amqp://b:2)?failover.maxReconnectAttempts=20", "x");

        String uri = QpidUrls.connectionUri(options);

        assertThat(uri).startsWith("failover:(amqp://a:1,amqp://b:2)?failover.maxReconnectAttempts=20&")
                .doesNotContain("failover.maxReconnectAttempts=-1")
                .contains("failover.nested.transport.connectTimeout=5000")
                .contains("failover.startupMaxReconnectAttempts=");
    }

    @Test
    void startupAttemptsFillTheTimeoutWithBackOff() {
        // Attempts at 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s fit into 5 s; the next would be at 6.3 s.
        assertThat(QpidUrls.startupAttempts(5000)).isEqualTo(6);
        assertThat(QpidUrls.startupAttempts(50)).isEqualTo(1);
        assertThat(QpidUrls.startupAttempts(60_000)).isGreaterThan(6);
    }

    @Test
    void redactsUserInfoAndSecretOptions() {
        assertThat(QpidUrls.redact("amqp://alice:pw@h:5672")).isEqualTo("amqp://***@h:5672");
        assertThat(QpidUrls.redact("amqps://h:5671?transport.trustStorePassword=x&transport.verifyHost=false"))
                .isEqualTo("amqps://h:5671?transport.trustStorePassword=***&transport.verifyHost=false");
        assertThat(QpidUrls.redact("failover:(amqp://h:1?jms.username=bob)?jms.password=pw"))
                .isEqualTo("failover:(amqp://h:1?jms.username=***)?jms.password=***");
        assertThat(QpidUrls.redact("amqp://127.0.0.1:5672")).isEqualTo("amqp://127.0.0.1:5672");
    }
}
