package org.swf.testbed.broker;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The broker's TLS identity: with it the AMQP acceptor accepts only TLS connections
 * ({@code amqps://}). STOMP stays plain.
 *
 * @param keyStore a PKCS12 file with the broker's private key and certificate chain; the
 *     certificate must name the host clients connect to (e.g. {@code localhost} and
 *     {@code 127.0.0.1}), since clients verify it
 * @param keyStorePassword the key store's password; never shown by {@link #toString()}
 */
public record BrokerTls(Path keyStore, String keyStorePassword) {

    /** Requires a readable key store file and a password without control characters. */
    public BrokerTls {
        if (keyStore == null) {
            throw new IllegalArgumentException("The broker TLS key store is not set; give the PKCS12 file with the"
                    + " broker's key and certificate");
        }
        if (!Files.isRegularFile(keyStore) || !Files.isReadable(keyStore)) {
            throw new IllegalArgumentException("The broker TLS key store " + keyStore + " is not a readable file;"
                    + " give the PKCS12 file with the broker's key and certificate");
        }
        if (keyStorePassword == null) {
            throw new IllegalArgumentException("The password of the broker TLS key store " + keyStore + " is not set");
        }
        if (keyStorePassword.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("The password of the broker TLS key store " + keyStore
                    + " has a control character; use printable characters");
        }
    }

    /** @return a description without the password */
    @Override
    public String toString() {
        return "BrokerTls[keyStore=" + keyStore + ", keyStorePassword=***]";
    }
}
