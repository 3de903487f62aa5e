package org.swf.testbed.messaging;

import jakarta.jms.JMSSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;
import javax.net.ssl.SSLException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.util.Await;

/**
 * Turns why a first connection failed into one sentence a person can act on: what failed, why,
 * and what to do. Never shows a user name, a password or an unredacted URL.
 */
final class ConnectFailures {

    /** What Qpid JMS says when none of the offered SASL mechanisms fits. */
    private static final String NO_MECHANISM = "Could not find a suitable SASL mechanism";
    private static final String SERVER_OFFERED = "Server offered: ";
    private static final String CA_HINT = "Set ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the broker's CA file";
    private static final String CA_HINT_LOWER = "set ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the broker's CA file";

    private ConnectFailures() {
    }

    /**
     * @param options what the client tried
     * @param cause why it failed
     * @return the failure to throw
     */
    static ServiceUnavailableException describe(BusOptions options, Throwable cause) {
        String url = options.redactedUrl();
        String tls = tlsFailure(options, cause);
        if (tls != null) {
            return new ServiceUnavailableException(tls, cause);
        }
        JMSSecurityException security = find(cause, JMSSecurityException.class);
        if (security != null) {
            String reason = oneLine(reason(security));
            if (reason.contains(NO_MECHANISM)) {
                return new ServiceUnavailableException(noMechanism(options, url, offered(reason)), cause);
            }
            return new ServiceUnavailableException("The broker at " + url + " refused the login: " + reason
                    + ". Check the broker user and password (ACTIVEMQ_USER, ACTIVEMQ_PASSWORD)", cause);
        }
        return unreachable(options, oneLine(reason(cause)), cause);
    }

    /**
     * @param options what the client tried
     * @param reason why, in a few words
     * @param cause the underlying failure, or null
     * @return the failure for a broker that did not answer or refused the TCP connection
     */
    static ServiceUnavailableException unreachable(BusOptions options, String reason, Throwable cause) {
        return new ServiceUnavailableException("Cannot reach the broker at " + options.redactedUrl() + " within "
                + Await.seconds(options.connectTimeout()) + ": " + reason
                + ". Start it (testbed broker) or fix [broker] url", cause);
    }

    /**
     * @param e a failure
     * @return the first non-blank message in its cause chain, or its class name
     */
    static String reason(Throwable e) {
        Throwable current = e;
        while (current != null) {
            if (current.getMessage() != null && !current.getMessage().isBlank()) {
                return current.getMessage();
            }
            current = current.getCause();
        }
        return e.getClass().getSimpleName();
    }

    private static String noMechanism(BusOptions options, String url, String offered) {
        if (options.user() == null) {
            return "The broker at " + url + " requires a login" + (offered.isEmpty() ? "" : " (it offers " + offered + ")")
                    + " and no broker user is set. Set ACTIVEMQ_USER and ACTIVEMQ_PASSWORD";
        }
        if (QpidUrls.restrictsToScram(options)) {
            return "The broker at " + url + " offers no SCRAM login" + (offered.isEmpty() ? "" : " (only " + offered + ")")
                    + ", and over plain amqp:// this client logs in only with SCRAM, which never sends the password."
                    + " Use amqps://, or allow another mechanism with ?" + QpidUrls.SASL_MECHANISMS_OPTION
                    + "=PLAIN in [broker] url";
        }
        return "The broker at " + url + " offers no login mechanism this client can use"
                + (offered.isEmpty() ? "" : " (it offers " + offered + ")") + ". Check " + QpidUrls.SASL_MECHANISMS_OPTION
                + " in [broker] url and the broker's SASL mechanisms";
    }

    private static String offered(String reason) {
        int at = reason.indexOf(SERVER_OFFERED);
        return at < 0 ? "" : reason.substring(at + SERVER_OFFERED.length()).trim();
    }

    /** @return the sentence for a failed TLS handshake, or null when TLS is not what failed */
    private static String tlsFailure(BusOptions options, Throwable cause) {
        SSLException ssl = find(cause, SSLException.class);
        if (ssl == null || !QpidUrls.usesTls(options.url())) {
            return null;
        }
        List<String> hosts = QpidUrls.hostPorts(options.url());
        String what = "TLS handshake with " + (hosts.isEmpty() ? "the broker" : String.join(" / ", hosts)) + " failed: ";
        CertificateException certificate = find(cause, CertificateException.class);
        String certificateReason = certificate == null ? "" : oneLine(reason(certificate));
        if (find(cause, CertificateExpiredException.class) != null
                || find(cause, CertificateNotYetValidException.class) != null) {
            return what + "the broker's certificate is outside its validity period (" + certificateReason
                    + "). Renew the broker's certificate, or check this machine's clock";
        }
        if (certificate != null && isHostMismatch(certificateReason)) {
            return what + "host name mismatch, the broker's certificate is not issued for the host in the URL ("
                    + certificateReason + "). Put a host name the certificate names into [broker] url, and "
                    + CA_HINT_LOWER;
        }
        if (find(cause, CertPathBuilderException.class) != null || find(cause, CertPathValidatorException.class) != null
                || certificateReason.contains("PKIX") || certificateReason.contains("certification path")) {
            return what + "certificate not trusted, the broker's certificate is not signed by a CA in "
                    + (options.caFile() == null ? "the JVM's default trust store" : "the CA file " + options.caFile())
                    + ". " + CA_HINT;
        }
        return what + oneLine(reason(ssl)) + ". Check that the port speaks TLS (amqps://, or amqp:// for a plain port);"
                + " for a certificate problem, " + CA_HINT_LOWER;
    }

    private static boolean isHostMismatch(String reason) {
        // The JDK's wording for a certificate that does not name the host (HostnameChecker).
        return reason.startsWith("No subject alternative") || reason.startsWith("No name matching");
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable current = e; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return null;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
