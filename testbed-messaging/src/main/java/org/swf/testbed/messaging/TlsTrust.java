package org.swf.testbed.messaging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.swf.testbed.ConfigException;

/**
 * Trust for {@code amqps://}: exactly the CA certificates of a PEM file, instead of the JVM's
 * default trust store.
 *
 * <p>Only what is trusted changes. Qpid JMS still turns on host name verification
 * ({@code transport.verifyHost}, on by default) for the engines it makes from this context, so a
 * certificate from the right CA for another host is still refused.
 */
final class TlsTrust {

    // Text outside the blocks (e.g. "# Issuer: ..." comments in CA bundles) is ignored.
    private static final Pattern PEM_CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    private TlsTrust() {
    }

    /**
     * @param caFile a PEM file with one or more CA certificates
     * @return a TLS context that trusts those CAs and no others
     * @throws ConfigException when the file cannot be read or holds no certificate
     */
    static SSLContext trusting(Path caFile) {
        List<Certificate> certificates = read(caFile);
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("Cannot use the CA certificates of " + caFile + " for TLS: " + e.getMessage()
                    + ". Set ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the broker's CA file (PEM)", e);
        }
    }

    /**
     * @param caFile a PEM file
     * @return the certificates in it, at least one
     */
    static List<Certificate> read(Path caFile) {
        String text;
        try {
            // Latin-1 reads any bytes; a file that is not PEM then simply has no certificate block.
            text = Files.readString(caFile, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the broker CA file " + caFile + ": " + e.getMessage()
                    + ". Set ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to a readable PEM file", e);
        }
        List<Certificate> certificates = new ArrayList<>();
        Matcher block = PEM_CERTIFICATE.matcher(text);
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            while (block.find()) {
                byte[] der = Base64.getMimeDecoder().decode(block.group(1));
                certificates.add(x509.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("The broker CA file " + caFile + " holds a certificate that cannot be read: "
                    + e.getMessage() + ". Set ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the broker's CA file (PEM)", e);
        }
        if (certificates.isEmpty()) {
            throw new ConfigException("The broker CA file " + caFile + " holds no PEM certificate (no -----BEGIN"
                    + " CERTIFICATE----- block). Set ACTIVEMQ_SSL_CA_CERTS or [broker] ca_file to the broker's CA file");
        }
        return certificates;
    }
}
