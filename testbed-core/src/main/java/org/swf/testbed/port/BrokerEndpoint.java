package org.swf.testbed.port;

import java.nio.file.Path;
import java.util.Objects;
import org.swf.testbed.util.Redaction;

/**
 * How to reach and log in to a broker: everything a {@link MessageBusFactory} needs. The
 * password never appears in {@link #toString()}, and the URL shown is redacted.
 *
 * @param url the AMQP URL, e.g. {@code amqp://127.0.0.1:5672}, {@code amqps://host:5671} or
 *     {@code failover:(...)}
 * @param user the user name, or null for an anonymous connection
 * @param password the password, or null
 * @param caFile the CA certificates (PEM) trusted for {@code amqps://}, or null for the JVM's
 *     default trust store
 */
public record BrokerEndpoint(String url, String user, String password, Path caFile) {

    /** Requires a URL; a password needs a user. */
    public BrokerEndpoint {
        Objects.requireNonNull(url, "url");
        if (password != null && user == null) {
            throw new IllegalArgumentException("A broker password was given without a user name");
        }
    }

    /**
     * @param url the broker URL
     * @return an anonymous endpoint with the default trust store
     */
    public static BrokerEndpoint anonymous(String url) {
        return new BrokerEndpoint(url, null, null, null);
    }

    /** @return the URL with user info and secret-bearing options masked, for messages and records */
    public String redactedUrl() {
        return Redaction.url(url);
    }

    /** @return a description without secrets */
    @Override
    public String toString() {
        return "BrokerEndpoint[url=" + redactedUrl() + ", user=" + (user == null ? "none" : user) + ", password="
                + (password == null ? "none" : Redaction.MASK) + ", caFile=" + caFile + "]";
    }
}
