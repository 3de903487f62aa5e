package org.swf.testbed.messaging;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.swf.testbed.util.Redaction;

/**
 * Turns a configured broker URL into the Qpid JMS connection URI that bounds every wait and keeps
 * the password off unencrypted connections.
 *
 * <p>Qpid's defaults suit servers, not a testbed: with no {@code transport.connectTimeout} a
 * broker that accepts TCP but never answers AMQP blocks for a long time, and a failover URL with no
 * {@code startupMaxReconnectAttempts} retries the <em>first</em> connection forever. With a user
 * over plain {@code amqp://}, Qpid would pick PLAIN if that is all the listener offers, sending the
 * password to whoever listens there; limited to SCRAM it never sends the password, and it checks
 * that the broker knows it too (Qpid compares the broker's SCRAM server signature). Options the
 * user wrote into the URL win over the ones added here.
 */
final class QpidUrls {

    /** First pause between reconnect attempts; doubled each time up to the maximum. */
    static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);

    /** Longest pause between reconnect attempts: how late a long-lived agent notices a restarted broker. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(5);

    /** The SASL mechanisms a client with a password may use over an unencrypted connection. */
    static final String SCRAM_ONLY = "SCRAM-SHA-512,SCRAM-SHA-256";

    static final String SASL_MECHANISMS_OPTION = "amqp.saslMechanisms";

    /** Inside a failover URL a comma separates URIs, so the list goes in percent-encoded. */
    private static final String SCRAM_ONLY_ENCODED = SCRAM_ONLY.replace(",", "%2C");

    private QpidUrls() {
    }

    /**
     * @param options the configured URL, timeout and reconnect choice
     * @return the URI to give Qpid's connection factory
     */
    static String connectionUri(BusOptions options) {
        long timeoutMillis = options.connectTimeout().toMillis();
        boolean scramOnly = restrictsToScram(options);
        if (BusOptions.isFailover(options.url())) {
            String url = scramOnly ? withScramOnlyOnPlaintextUris(options.url()) : options.url();
            return withFailoverOptions(url, timeoutMillis, "failover.nested.transport.connectTimeout");
        }
        String nested = appendIfAbsent(options.url(), "transport.connectTimeout", Long.toString(timeoutMillis));
        if (scramOnly) {
            nested = appendIfAbsent(nested, SASL_MECHANISMS_OPTION, SCRAM_ONLY_ENCODED);
        }
        if (!options.reconnect()) {
            return nested;
        }
        return withFailoverOptions("failover:(" + nested + ")", timeoutMillis, null);
    }

    /**
     * How many first-connection attempts fit into the connect timeout with the back-off used here,
     * so that a broker still starting (supervisord starts it next to the agents) is waited for, and
     * a broker that stays away is reported with its real cause (e.g. connection refused).
     *
     * @param timeoutMillis the connect timeout
     * @return the attempt count, at least 1
     */
    static int startupAttempts(long timeoutMillis) {
        int attempts = 1;
        long elapsed = 0;
        long delay = FIRST_RECONNECT_DELAY.toMillis();
        while (elapsed + delay < timeoutMillis) {
            elapsed += delay;
            attempts++;
            delay = Math.min(delay * 2, MAX_RECONNECT_DELAY.toMillis());
        }
        return attempts;
    }

    /**
     * Whether the client is limited to SCRAM: it has a user, connects (at least in part) without
     * TLS, and the URL chooses no mechanisms itself.
     *
     * @param options the configured URL and credentials
     * @return whether {@link #connectionUri} adds {@code amqp.saslMechanisms=}{@value #SCRAM_ONLY}
     */
    static boolean restrictsToScram(BusOptions options) {
        if (options.user() == null || options.url().contains("failover.nested." + SASL_MECHANISMS_OPTION + "=")) {
            return false;
        }
        return components(options.url()).stream().anyMatch(uri -> isPlaintext(uri) && !setsMechanisms(uri));
    }

    /**
     * @param url a broker URL, plain or failover
     * @return whether any of its URIs uses TLS ({@code amqps}, {@code amqpwss})
     */
    static boolean usesTls(String url) {
        return components(url).stream().anyMatch(uri -> !isPlaintext(uri));
    }

    /**
     * @param url a broker URL, plain or failover
     * @return the {@code host:port} of each URI in it, for messages (no user info, no options)
     */
    static List<String> hostPorts(String url) {
        List<String> hosts = new ArrayList<>();
        for (String component : components(url)) {
            try {
                URI uri = new URI(component);
                int port = uri.getPort() >= 0 ? uri.getPort() : isPlaintext(component) ? 5672 : 5671;
                if (uri.getHost() != null) {
                    hosts.add(uri.getHost() + ":" + port);
                }
            } catch (URISyntaxException e) {
                // Not for a message then; Qpid reports the malformed URI itself.
            }
        }
        return hosts;
    }

    /**
     * @param url a broker URL
     * @return the URIs it names: itself, or the ones inside a failover URL's brackets
     */
    static List<String> components(String url) {
        if (!BusOptions.isFailover(url)) {
            return List.of(url);
        }
        int open = url.indexOf('(');
        int close = url.lastIndexOf(')');
        if (open < 0 || close < open) {
            return List.of();
        }
        List<String> uris = new ArrayList<>();
        for (String part : url.substring(open + 1, close).split(",")) {
            if (!part.isBlank()) {
                uris.add(part.trim());
            }
        }
        return uris;
    }

    /**
     * @param url a broker URL
     * @return it with user info and credential-like query values replaced by {@code ***}
     */
    static String redact(String url) {
        return Redaction.url(url);
    }

    private static boolean isPlaintext(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        return lower.startsWith("amqp://") || lower.startsWith("amqpws://");
    }

    private static boolean setsMechanisms(String uri) {
        int query = uri.indexOf('?');
        return query >= 0 && ("&" + uri.substring(query + 1)).contains("&" + SASL_MECHANISMS_OPTION + "=");
    }

    private static String withScramOnlyOnPlaintextUris(String failoverUrl) {
        int open = failoverUrl.indexOf('(');
        int close = failoverUrl.lastIndexOf(')');
        List<String> rewritten = new ArrayList<>();
        for (String uri : components(failoverUrl)) {
            rewritten.add(isPlaintext(uri) && !setsMechanisms(uri)
                    ? appendIfAbsent(uri, SASL_MECHANISMS_OPTION, SCRAM_ONLY_ENCODED) : uri);
        }
        return failoverUrl.substring(0, open + 1) + String.join(",", rewritten) + failoverUrl.substring(close);
    }

    private static String withFailoverOptions(String failoverUrl, long timeoutMillis, String nestedTimeoutKey) {
        Map<String, String> defaults = new LinkedHashMap<>();
        if (nestedTimeoutKey != null && !failoverUrl.contains("transport.connectTimeout=")) {
            defaults.put(nestedTimeoutKey, Long.toString(timeoutMillis));
        }
        defaults.put("failover.maxReconnectAttempts", "-1");
        defaults.put("failover.startupMaxReconnectAttempts", Integer.toString(startupAttempts(timeoutMillis)));
        defaults.put("failover.initialReconnectDelay", "0");
        defaults.put("failover.reconnectDelay", Long.toString(FIRST_RECONNECT_DELAY.toMillis()));
        defaults.put("failover.maxReconnectDelay", Long.toString(MAX_RECONNECT_DELAY.toMillis()));
        defaults.put("failover.useReconnectBackOff", "true");
        defaults.put("failover.reconnectBackOffMultiplier", "2");
        String result = failoverUrl;
        for (Map.Entry<String, String> option : defaults.entrySet()) {
            result = appendIfAbsent(result, option.getKey(), option.getValue());
        }
        return result;
    }

    /** Appends {@code key=value} to the URL's own query (for a failover URL: after the brackets). */
    private static String appendIfAbsent(String url, String key, String value) {
        int queryStart = BusOptions.isFailover(url) ? url.indexOf('?', url.lastIndexOf(')')) : url.indexOf('?');
        if (queryStart >= 0 && ("&" + url.substring(queryStart + 1)).contains("&" + key + "=")) {
            return url;
        }
        return url + (queryStart >= 0 ? "&" : "?") + key + "=" + value;
    }
}
