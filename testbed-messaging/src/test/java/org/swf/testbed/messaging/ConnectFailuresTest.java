package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The sentences for failed first connections, from the exceptions Qpid JMS and the JDK raise. */
class ConnectFailuresTest {

    private static final BusOptions TLS = BusOptions.of("amqps://alice:pw@broker.example:5671", "x")
            .withCredentials("alice", "pw");

    @Test
    void untrustedCertificateIsOneLineNamingHostAndFix() {
        Throwable cause = chain(new JMSException("Failed to connect"), new SSLHandshakeException("PKIX path building"
                + " failed:\n sun.security...: unable to find valid certification path to requested target"),
                new CertificateException("PKIX path building failed"), new CertPathBuilderException("no path"));

        String message = ConnectFailures.describe(TLS, cause).getMessage();

        assertThat(message).isEqualTo("TLS handshake with broker.example:5671 failed: certificate not trusted, the"
                + " broker's certificate is not signed by a CA in the JVM's default trust store. Set"
                + " ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the broker's CA file");
    }

    @Test
    void hostNameMismatchQuotesTheJdk() {
        Throwable cause = chain(new JMSException("x"), new SSLHandshakeException("No name matching broker.example"
                + " found"), new CertificateException("No name matching broker.example found"));

        assertThat(ConnectFailures.describe(TLS, cause).getMessage())
                .startsWith("TLS handshake with broker.example:5671 failed: host name mismatch")
                .contains("(No name matching broker.example found)")
                .doesNotContain("\n", "alice", "pw");
    }

    @Test
    void expiredCertificateSaysSo() {
        Throwable cause = chain(new JMSException("x"), new SSLHandshakeException("expired"),
                new CertificateExpiredException("NotAfter: Mon Jan 01"));

        assertThat(ConnectFailures.describe(TLS, cause).getMessage())
                .contains("outside its validity period (NotAfter: Mon Jan 01)");
    }

    @Test
    void scramOnlyClientFacingAPlainOnlyListener() {
        BusOptions plain = BusOptions.of("amqp://h:5672", "x").withCredentials("alice", "pw");
        JMSSecurityException refused = new JMSSecurityException("Could not find a suitable SASL mechanism. No supported"
                + " mechanism, or none usable with the available credentials. Server offered: [PLAIN]");

        assertThat(ConnectFailures.describe(plain, refused).getMessage()).isEqualTo("The broker at amqp://h:5672"
                + " offers no SCRAM login (only [PLAIN]), and over plain amqp:// this client logs in only with SCRAM,"
                + " which never sends the password. Use amqps://, or allow another mechanism with"
                + " ?amqp.saslMechanisms=PLAIN in [broker] url");
    }

    @Test
    void anonymousClientAtALoginBroker() {
        JMSSecurityException refused = new JMSSecurityException("Could not find a suitable SASL mechanism. No supported"
                + " mechanism, or none usable with the available credentials. Server offered: [SCRAM-SHA-512, PLAIN]");

        assertThat(ConnectFailures.describe(BusOptions.of("amqp://h:5672", "x"), refused).getMessage())
                .isEqualTo("The broker at amqp://h:5672 requires a login (it offers [SCRAM-SHA-512, PLAIN]) and no"
                        + " broker user is set. Set ACTIVEMQ_USER and ACTIVEMQ_PASSWORD");
    }

    @Test
    void wrongPasswordNamesNeitherUserNorPassword() {
        JMSSecurityException refused = new JMSSecurityException("Client failed to authenticate using SASL: PLAIN");

        assertThat(ConnectFailures.describe(TLS, refused).getMessage())
                .isEqualTo("The broker at amqps://***@broker.example:5671 refused the login: Client failed to"
                        + " authenticate using SASL: PLAIN. Check the broker user and password (ACTIVEMQ_USER,"
                        + " ACTIVEMQ_PASSWORD)");
    }

    @Test
    void anythingElseIsUnreachable() {
        assertThat(ConnectFailures.describe(BusOptions.of("amqp://h:5672", "x"),
                chain(new JMSException("x"), new IOException("Connection refused"))).getMessage())
                .isEqualTo("Cannot reach the broker at amqp://h:5672 within 5 s: x. Start it (testbed broker) or fix"
                        + " [broker] url");
    }

    private static Throwable chain(Throwable... links) {
        for (int i = 0; i + 1 < links.length; i++) {
            links[i].initCause(links[i + 1]);
        }
        return links[0];
    }
}
