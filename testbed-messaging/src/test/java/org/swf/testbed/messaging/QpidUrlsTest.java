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

    @Test
    void redactsStorePasswordsAndUserInfoEverywhere() {
        assertThat(QpidUrls.redact("amqps://h:5671?transport.keyStorePassword=k1&transport.trustStorePassword=t1"
                + "&transport.verifyHost=true"))
                .isEqualTo("amqps://h:5671?transport.keyStorePassword=***&transport.trustStorePassword=***"
                        + "&transport.verifyHost=true");
        assertThat(QpidUrls.redact("failover:(amqps://u:p@a:1?transport.trustStorePassword=t1,amqps://b:2"
                + "?transport.keyStorePassword=k2)?failover.nested.transport.trustStorePassword=t3"))
                .isEqualTo("failover:(amqps://***@a:1?transport.trustStorePassword=***,amqps://b:2"
                        + "?transport.keyStorePassword=***)?failover.nested.transport.trustStorePassword=***");
        // A password with '@' in it is masked up to the last '@' of the authority.
        assertThat(QpidUrls.redact("amqp://alice:p@ss@h:5672?x=1")).isEqualTo("amqp://***@h:5672?x=1");
        // An '@' in the query is not user info.
        assertThat(QpidUrls.redact("amqp://h:5672?jms.clientID=a@b")).isEqualTo("amqp://h:5672?jms.clientID=a@b");
    }

    @Test
    void aUserOverPlainAmqpIsLimitedToScram() {
        BusOptions options = BusOptions.of("amqp://h:5672", "x").withCredentials("alice", "pw");

        assertThat(QpidUrls.restrictsToScram(options)).isTrue();
        assertThat(QpidUrls.connectionUri(options))
                .isEqualTo("amqp://h:5672?transport.connectTimeout=5000&amqp.saslMechanisms=SCRAM-SHA-512%2CSCRAM-SHA-256");
    }

    @Test
    void scramLimitSurvivesTheReconnectWrapperBecauseItsCommaIsEncoded() {
        BusOptions options = BusOptions.of("amqp://h:5672", "x").withCredentials("alice", "pw").withReconnect(true);

        assertThat(QpidUrls.connectionUri(options)).startsWith("failover:(amqp://h:5672?transport.connectTimeout=5000"
                + "&amqp.saslMechanisms=SCRAM-SHA-512%2CSCRAM-SHA-256)?");
    }

    @Test
    void inAFailoverUrlOnlyThePlainUrisAreLimited() {
        BusOptions options = BusOptions.of("failover:(amqp://a:1,amqps://b:2,amqp://c:3?amqp.saslMechanisms=PLAIN)"
                + "?failover.maxReconnectAttempts=3", "x").withCredentials("alice", "pw");

        assertThat(QpidUrls.connectionUri(options)).startsWith("failover:(amqp://a:1?amqp.saslMechanisms="
                + "SCRAM-SHA-512%2CSCRAM-SHA-256,amqps://b:2,amqp://c:3?amqp.saslMechanisms=PLAIN)"
                + "?failover.maxReconnectAttempts=3&");
    }

    @Test
    void noScramLimitOverTlsWithoutAUserOrWhenTheUrlChooses() {
        assertThat(QpidUrls.restrictsToScram(BusOptions.of("amqps://h:5671", "x").withCredentials("a", "p"))).isFalse();
        assertThat(QpidUrls.restrictsToScram(BusOptions.of("amqpwss://h:443", "x").withCredentials("a", "p"))).isFalse();
        assertThat(QpidUrls.restrictsToScram(BusOptions.of("amqpws://h:80", "x").withCredentials("a", "p"))).isTrue();
        assertThat(QpidUrls.restrictsToScram(BusOptions.of("amqp://h:5672", "x"))).isFalse();
        assertThat(QpidUrls.restrictsToScram(BusOptions.of("amqp://h:5672?amqp.saslMechanisms=PLAIN", "x")
                .withCredentials("a", "p"))).isFalse();
        assertThat(QpidUrls.restrictsToScram(BusOptions.of("failover:(amqp://a:1)?failover.nested.amqp.saslMechanisms"
                + "=PLAIN", "x").withCredentials("a", "p"))).isFalse();
        assertThat(QpidUrls.restrictsToScram(BusOptions.of("failover:(amqps://a:1,amqps://b:2)", "x")
                .withCredentials("a", "p"))).isFalse();
        assertThat(QpidUrls.connectionUri(BusOptions.of("amqps://h:5671", "x").withCredentials("a", "p")))
                .doesNotContain("saslMechanisms");
    }

    @Test
    void findsTlsAndTheHostsOfAUrl() {
        assertThat(QpidUrls.usesTls("amqps://h:5671")).isTrue();
        assertThat(QpidUrls.usesTls("amqp://h:5672")).isFalse();
        assertThat(QpidUrls.usesTls("failover:(amqp://a:1,amqps://b:2)")).isTrue();
        assertThat(QpidUrls.hostPorts("amqps://u:p@h:5671?x=1")).containsExactly("h:5671");
        assertThat(QpidUrls.hostPorts("failover:(amqp://a,amqps://b)?failover.x=1")).containsExactly("a:5672", "b:5671");
        assertThat(QpidUrls.components("failover:(amqp://a:1, amqp://b:2)")).containsExactly("amqp://a:1", "amqp://b:2");
    }
}
