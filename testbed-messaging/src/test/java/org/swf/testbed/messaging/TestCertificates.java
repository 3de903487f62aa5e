package org.swf.testbed.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.broker.BrokerTls;

/**
 * A throw-away certificate authority and broker certificates for TLS tests, made with the JDK's
 * {@code keytool} into a directory the caller owns (e.g. a JUnit {@code @TempDir}), so nothing
 * outlives the test.
 *
 * <p>{@link #caFile()} is the CA as PEM (what {@code ACTIVEMQ_SSL_CA_CERTS} / {@code [broker]
 * ca_file} point to); {@link #brokerTls()} is a PKCS12 key store whose certificate, signed by that
 * CA, names {@code localhost} and {@code 127.0.0.1}; {@link #otherHostTls()} is signed by the same
 * CA but names only {@code other-host.invalid}.
 */
public final class TestCertificates {

    /** How long one keytool run may take; a first JVM start on a busy machine is the slow part. */
    private static final Duration KEYTOOL_DEADLINE = Duration.ofSeconds(60);
    private static final String PASSWORD = "test-store-pw";

    private final Path caFile;
    private final BrokerTls brokerTls;
    private final BrokerTls otherHostTls;

    private TestCertificates(Path caFile, BrokerTls brokerTls, BrokerTls otherHostTls) {
        this.caFile = caFile;
        this.brokerTls = brokerTls;
        this.otherHostTls = otherHostTls;
    }

    /**
     * Makes the CA and both broker key stores; takes a few seconds (seven keytool runs, one JVM each).
     *
     * @param dir an empty directory to write into; the caller deletes it
     * @return the certificates
     * @throws IOException when keytool fails or runs past its deadline
     */
    public static TestCertificates generate(Path dir) throws IOException {
        Path caStore = dir.resolve("ca.p12");
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=testbed test CA", "-ext", "bc:c", "-validity", "2",
                "-keystore", caStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Certificate ca = caCertificate(caStore);
        Path caPem = Files.writeString(dir.resolve("ca.pem"), pem(ca), StandardCharsets.US_ASCII);
        Path broker = brokerStore(dir, caStore, ca, "broker", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        Path other = brokerStore(dir, caStore, ca, "other-host", "CN=other-host.invalid", "dns:other-host.invalid");
        return new TestCertificates(caPem, new BrokerTls(broker, PASSWORD), new BrokerTls(other, PASSWORD));
    }

    /** @return the CA certificate as a PEM file */
    public Path caFile() {
        return caFile;
    }

    /** @return the broker identity for {@code localhost} and {@code 127.0.0.1} */
    public BrokerTls brokerTls() {
        return brokerTls;
    }

    /** @return a broker identity from the same CA that names only {@code other-host.invalid} */
    public BrokerTls otherHostTls() {
        return otherHostTls;
    }

    private static Path brokerStore(Path dir, Path caStore, Certificate ca, String name, String dname, String san)
            throws IOException {
        Path store = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Path signed = dir.resolve(name + ".pem");
        keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", request.toString());
        keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD,
                "-infile", request.toString(), "-outfile", signed.toString(), "-validity", "2",
                "-ext", "san=" + san, "-ext", "eku=serverAuth");
        // Install the signed certificate with its chain in-process: one keytool JVM fewer per store.
        try (InputStream in = Files.newInputStream(signed)) {
            KeyStore keys = load(store);
            Key key = keys.getKey(name, PASSWORD.toCharArray());
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            keys.setKeyEntry(name, key, PASSWORD.toCharArray(), new Certificate[] {certificate, ca});
            try (OutputStream out = Files.newOutputStream(store)) {
                keys.store(out, PASSWORD.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot install the signed certificate into " + store + ": " + e, e);
        }
        return store;
    }

    private static Certificate caCertificate(Path caStore) throws IOException {
        try {
            return load(caStore).getCertificate("ca");
        } catch (KeyStoreException e) {
            throw new IOException("Cannot read the CA certificate from " + caStore + ": " + e, e);
        }
    }

    private static KeyStore load(Path store) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot read the key store " + store + ": " + e, e);
        }
    }

    private static String pem(Certificate certificate) throws IOException {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IOException("Cannot encode the CA certificate: " + e, e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "keytool", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close(); // keytool must never wait for an answer on stdin
        try {
            if (!process.waitFor(KEYTOOL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(KEYTOOL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                throw new IOException("keytool " + args[0] + " did not finish within " + KEYTOOL_DEADLINE.toSeconds()
                        + " s: " + Files.readString(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while keytool " + args[0] + " ran", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed (exit " + process.exitValue() + "): "
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        Files.delete(output);
    }
}
