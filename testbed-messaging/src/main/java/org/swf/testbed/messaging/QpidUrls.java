package org.swf.testbed.messaging;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a configured broker URL into the Qpid JMS connection URI that bounds every wait.
 *
 * <p>Qpid's defaults suit servers, not a testbed: with no {@code transport.connectTimeout} a
 * broker that accepts TCP but never answers AMQP blocks for a long time, and a failover URL with no
 * {@code startupMaxReconnectAttempts} retries the <em>first</em> connection forever. Options the
 * user wrote into the URL win over the ones added here.
 */
final class QpidUrls {

    /** First pause between reconnect attempts; doubled each time up to the maximum. */
    static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);

    /** Longest pause between reconnect attempts: how late a long-lived agent notices a restarted broker. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(5);

    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@?,()]*@");
    private static final Pattern SECRET_OPTION =
            Pattern.compile("(?i)([?&]|^)([\\w.\\-]*(?:user|pass|token|secret|credential)[\\w.\\-]*)=([^&,)]*)");

    private QpidUrls() {
    }

    /**
     * @param options the configured URL, timeout and reconnect choice
     * @return the URI to give Qpid's connection factory
     */
    static String connectionUri(BusOptions options) {
        long timeoutMillis = options.connectTimeout().toMillis();
        if (BusOptions.isFailover(options.url())) {
            return withFailoverOptions(options.url(), timeoutMillis, "failover.nested.transport.connectTimeout");
        }
        String nested = appendIfAbsent(options.url(), "transport.connectTimeout", Long.toString(timeoutMillis));
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
     * @param url a broker URL
     * @return it with user info and credential-like query values replaced by {@code ***}
     */
    static String redact(String url) {
        String withoutUserInfo = USER_INFO.matcher(url).replaceAll("***@");
        return SECRET_OPTION.matcher(withoutUserInfo).replaceAll("$1$2=***");
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
