package org.swf.testbed.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.util.ListeningSockets;
import org.swf.testbed.util.OsUser;
import org.swf.testbed.util.PrivateFiles;

/**
 * The swf-monitor API a testbed home serves its own programs when the user configures no real
 * monitor: its secrets and its port, kept in the home's state directory.
 *
 * <p>Two secrets, generated on first use into {@value #SECRETS_FILE} (owner-only): the API token,
 * which programs get as {@code SWF_API_TOKEN} and send as {@code Authorization: Token ...}; and a
 * log key, because the original agents' log handler sends no Authorization header at all: their
 * log base URL ({@code SWF_MONITOR_HTTP_URL}) carries it as a path segment,
 * {@code http://127.0.0.1:PORT/logs-KEY}, so only programs told that URL can add log records. A
 * separate key keeps the token out of URLs that agents print in their warnings.
 *
 * <p>The port is a free loopback port, recorded in {@value #PORT_FILE} so that the next start
 * offers the same one to programs that cached it.
 */
public final class HomeMonitor {

    /** The secrets file in the state directory (mode 0600). */
    public static final String SECRETS_FILE = "monitor-api";
    /** The port file in the state directory. */
    public static final String PORT_FILE = "monitor-port";
    /** The path prefix of the log base URL, before the log key. */
    public static final String LOG_PATH_PREFIX = "/logs-";

    /** 160 bits, written as 40 hex digits: the shape of a DRF token. */
    private static final int SECRET_BYTES = 20;
    private static final String TOKEN_KEY = "token";
    private static final String LOG_KEY = "log_key";
    private static final String PORT_KEY = "port";

    private final Path stateDirectory;

    /** @param stateDirectory the home's state directory ({@code .testbed}) */
    public HomeMonitor(Path stateDirectory) {
        this.stateDirectory = stateDirectory.toAbsolutePath().normalize();
    }

    /**
     * The secrets of one home's monitor API. Never shown by {@link #toString()}.
     *
     * @param token the API token
     * @param logKey the key in the log base URL
     */
    public record Secrets(String token, String logKey) {

        /** Requires both secrets, as 40 hex digits. */
        public Secrets {
            for (String secret : new String[] {token, logKey}) {
                if (secret == null || !secret.matches("[0-9a-f]{40}")) {
                    throw new IllegalArgumentException("a monitor secret is not 40 hex digits");
                }
            }
        }

        /**
         * Compares in constant time, so the time of a refusal tells a caller nothing of the token.
         *
         * @param presented what a caller presented, or null
         * @return whether it is the token
         */
        public boolean isToken(String presented) {
            return matches(token, presented);
        }

        /**
         * @param presented a log key from a request path, or null
         * @return whether it is the log key (compared in constant time)
         */
        public boolean isLogKey(String presented) {
            return matches(logKey, presented);
        }

        private static boolean matches(String secret, String presented) {
            return presented != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Secrets[***]";
        }
    }

    /** @return the file holding the secrets */
    public Path secretsFile() {
        return stateDirectory.resolve(SECRETS_FILE);
    }

    /** @return the file recording the port */
    public Path portFile() {
        return stateDirectory.resolve(PORT_FILE);
    }

    /**
     * @return the home's secrets, generated and saved (owner-only) on first use; of two processes
     *     creating them at once, the first one's are the ones
     * @throws ServiceUnavailableException when the file cannot be written or read, or is not ours
     */
    public Secrets secrets() {
        Path file = secretsFile();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            SecureRandom random = new SecureRandom();
            try {
                PrivateFiles.directory(stateDirectory);
                PrivateFiles.createOnce(file, "# The API token and log key of the monitor API this testbed home serves"
                        + " its programs. Keep it private (mode 0600).\n# To change them: testbed stop-agents, delete"
                        + " this file, testbed run.\n" + TOKEN_KEY + "=" + secret(random) + "\n" + LOG_KEY + "="
                        + secret(random) + "\n");
            } catch (IOException e) {
                throw new ServiceUnavailableException("Cannot create the monitor API secrets file " + file + ": "
                        + e.getMessage() + ". Check that " + stateDirectory + " is writable by you", e);
            }
        }
        try {
            Map<String, String> values = HomeBroker.readKeyValues(file);
            requireOurs(file);
            PrivateFiles.narrow(file);
            return new Secrets(values.get(TOKEN_KEY), values.get(LOG_KEY));
        } catch (IOException | IllegalArgumentException e) {
            throw new ServiceUnavailableException("Cannot use the monitor API secrets file " + file + ": "
                    + e.getMessage() + ". Stop the testbed (testbed stop-agents), delete the file, and run again:"
                    + " new secrets are generated", e);
        }
    }

    /** @return the port recorded by the last start, if any */
    public OptionalInt recordedPort() {
        try {
            return OptionalInt.of(Integer.parseInt(HomeBroker.readKeyValues(portFile()).get(PORT_KEY)));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Chooses the port the next runner serves on, and records it: the recorded one when it is
     * free, else a free one of the kernel's choosing.
     *
     * @return the port
     * @throws ServiceUnavailableException when the choice cannot be recorded
     */
    public int choosePort() {
        OptionalInt recorded = recordedPort();
        int port = recorded.isPresent() && ListeningSockets.free(BrokerSettings.EMBEDDED_HOST, recorded.getAsInt())
                ? recorded.getAsInt() : ListeningSockets.anyFree(BrokerSettings.EMBEDDED_HOST);
        try {
            PrivateFiles.directory(stateDirectory);
            PrivateFiles.write(portFile(), "# Where the workflow runner serves this home's monitor API on "
                    + BrokerSettings.EMBEDDED_HOST + ". Written by testbed run.\n" + PORT_KEY + "=" + port + "\n");
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot record the monitor API's port in " + portFile() + ": "
                    + e.getMessage() + ". Check that " + stateDirectory + " is writable by you", e);
        }
        return port;
    }

    /**
     * @param port where the runner serves the API
     * @return the variables every program gets, so that agents written on the original's
     *     BaseAgent find the API, authenticate, and send their logs
     */
    public Map<String, String> programEnvironment(int port) {
        Secrets secrets = secrets();
        String base = baseUrl(port);
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put(TestbedEnvironment.MONITOR_API_URL_VARIABLE, base);
        variables.put(TestbedEnvironment.MONITOR_URL_VARIABLE, base + LOG_PATH_PREFIX + secrets.logKey());
        variables.put(TestbedEnvironment.API_TOKEN_VARIABLE, secrets.token());
        variables.put(TestbedEnvironment.OWN_MONITOR_PORT_VARIABLE, Integer.toString(port));
        return variables;
    }

    /**
     * @param port where the runner serves the API
     * @return the API's base URL, without secrets
     */
    public static String baseUrl(int port) {
        return "http://" + BrokerSettings.EMBEDDED_HOST + ":" + port;
    }

    private static String secret(SecureRandom random) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void requireOurs(Path file) throws IOException {
        int fileOwner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (fileOwner != OsUser.effectiveUid()) {
            throw new IOException("it belongs to " + OsUser.describe(fileOwner)
                    + ", not to you, so it cannot be trusted");
        }
    }
}
