package org.swf.testbed.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.util.ListeningSockets;
import org.swf.testbed.util.OsUser;
import org.swf.testbed.util.PrivateFiles;

/**
 * The embedded broker of one testbed home: its login and its ports, kept in the home's state
 * directory.
 *
 * <p>The login is generated on first use and kept in {@value #CREDENTIALS_FILE}, readable by the
 * owner alone; it is what makes a broker "this home's": only a broker started with it can prove
 * it knows it. The ports are the standard ones when they are free and ports of the home's own
 * when not, recorded in {@value #PORTS_FILE} so that every program and command of the home finds
 * the same broker. A port is never tested by connecting to it: a listener that is not ours gets
 * nothing from us.
 */
public final class HomeBroker {

    /** The credentials file in the state directory (mode 0600). */
    public static final String CREDENTIALS_FILE = "broker-credentials";
    /** The ports file in the state directory. */
    public static final String PORTS_FILE = "broker-ports";

    private static final String USER_KEY = "user";
    private static final String PASSWORD_KEY = "password";
    private static final String AMQP_KEY = "amqp_port";
    private static final String STOMP_KEY = "stomp_port";

    private final Path stateDirectory;
    private final String owner;

    /**
     * @param stateDirectory the home's state directory ({@code .testbed})
     * @param owner the login name of the home's owner, the broker's only user
     */
    public HomeBroker(Path stateDirectory, String owner) {
        this.stateDirectory = stateDirectory.toAbsolutePath().normalize();
        this.owner = owner;
    }

    /** @return the file holding the broker's login */
    public Path credentialsFile() {
        return stateDirectory.resolve(CREDENTIALS_FILE);
    }

    /** @return the file recording the broker's ports */
    public Path portsFile() {
        return stateDirectory.resolve(PORTS_FILE);
    }

    /**
     * @return the home's broker login, generated and saved (owner-only) on first use
     * @throws ServiceUnavailableException when the file cannot be read or written, or is not
     *     private to its owner
     */
    public BrokerCredentials credentials() {
        Optional<BrokerCredentials> existing = existingCredentials();
        if (existing.isPresent()) {
            return existing.get();
        }
        BrokerCredentials fresh = BrokerCredentials.generate(owner, new SecureRandom());
        try {
            PrivateFiles.directory(stateDirectory);
            // Of two processes of this home creating it at once, the first one's login is the one.
            PrivateFiles.createOnce(credentialsFile(), "# The login of this testbed home's embedded broker. Keep it"
                    + " private (mode 0600).\n# To change it: testbed stop-agents, delete this file, testbed run.\n"
                    + USER_KEY + "=" + fresh.user() + "\n" + PASSWORD_KEY + "=" + fresh.password() + "\n");
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot create the broker login file " + credentialsFile() + ": "
                    + e.getMessage() + ". Check that " + stateDirectory + " is writable by you", e);
        }
        return existingCredentials().orElseThrow(() -> unreadable(credentialsFile(), "it holds no login"));
    }

    /**
     * @return the saved login, if there is one
     * @throws ServiceUnavailableException when the file exists but cannot be used
     */
    public Optional<BrokerCredentials> existingCredentials() {
        Path file = credentialsFile();
        Map<String, String> values;
        try {
            values = readKeyValues(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(file, e.getMessage());
        }
        requirePrivate(file);
        try {
            return Optional.of(new BrokerCredentials(values.get(USER_KEY), values.get(PASSWORD_KEY)));
        } catch (IllegalArgumentException e) {
            throw unreadable(file, e.getMessage());
        }
    }

    /** @return the ports recorded by the last start of this home's broker, if any */
    public Optional<BrokerPorts> recordedPorts() {
        try {
            Map<String, String> values = readKeyValues(portsFile());
            return Optional.of(new BrokerPorts(Integer.parseInt(values.get(AMQP_KEY)),
                    Integer.parseInt(values.get(STOMP_KEY))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * @param settings the config's broker settings (embedded)
     * @return where a broker of this home can be running now: every start records its ports, so
     *     only at the recorded ones (and, when the config names ports, only if they are those);
     *     empty when no broker of this home can be running, and a listener anywhere is someone
     *     else's, whoever owns it
     */
    public Optional<BrokerPorts> knownPorts(BrokerSettings settings) {
        Optional<BrokerPorts> recorded = recordedPorts();
        return settings.portsConfigured()
                ? recorded.filter(ports -> ports.equals(new BrokerPorts(settings.amqpPort(), settings.stompPort())))
                : recorded;
    }

    /**
     * @param settings the config's broker settings (embedded)
     * @return where this home's broker is (or will be) reached: the recorded ports, else the
     *     configured or standard ones
     */
    public BrokerPorts currentPorts(BrokerSettings settings) {
        BrokerPorts configured = new BrokerPorts(settings.amqpPort(), settings.stompPort());
        if (settings.portsConfigured()) {
            return configured;
        }
        return recordedPorts().orElse(configured);
    }

    /**
     * Chooses where a new broker of this home listens, and records it: the configured ports when
     * the config names them; otherwise the ports used last time or the standard ones, whichever
     * are free, else two free ports of the kernel's choosing.
     *
     * @param settings the config's broker settings (embedded)
     * @param notices told, in a sentence, when the standard ports could not be used
     * @return the ports, recorded in the home
     * @throws ServiceUnavailableException when a configured port is taken (naming by whom), or
     *     the choice cannot be recorded
     */
    public BrokerPorts choosePorts(BrokerSettings settings, Consumer<String> notices) {
        BrokerPorts chosen;
        if (settings.portsConfigured()) {
            chosen = new BrokerPorts(settings.amqpPort(), settings.stompPort());
            requireFree(chosen.amqpPort(), "AMQP", "amqp_port");
            requireFree(chosen.stompPort(), "STOMP", "stomp_port");
        } else {
            List<BrokerPorts> candidates = new ArrayList<>();
            recordedPorts().ifPresent(candidates::add);
            BrokerPorts standard = new BrokerPorts(settings.amqpPort(), settings.stompPort());
            candidates.add(standard);
            chosen = candidates.stream().filter(HomeBroker::free).findFirst().orElseGet(HomeBroker::twoFreePorts);
            if (!chosen.equals(standard)) {
                notices.accept(describeTaken(standard) + "; this home's broker listens on " + BrokerSettings.EMBEDDED_HOST
                        + " at AMQP " + chosen.amqpPort() + " and STOMP " + chosen.stompPort() + " (recorded in "
                        + portsFile() + "; programs get them as ACTIVEMQ_HOST and ACTIVEMQ_PORT)");
            }
        }
        recordPorts(chosen);
        return chosen;
    }

    private void recordPorts(BrokerPorts ports) {
        try {
            PrivateFiles.directory(stateDirectory);
            PrivateFiles.write(portsFile(), "# Where this testbed home's embedded broker listens on "
                    + BrokerSettings.EMBEDDED_HOST + ". Written by testbed run.\n" + AMQP_KEY + "=" + ports.amqpPort()
                    + "\n" + STOMP_KEY + "=" + ports.stompPort() + "\n");
        } catch (IOException e) {
            throw new ServiceUnavailableException("Cannot record the broker's ports in " + portsFile() + ": "
                    + e.getMessage() + ". Check that " + stateDirectory + " is writable by you", e);
        }
    }

    private static boolean free(BrokerPorts ports) {
        return ListeningSockets.free(BrokerSettings.EMBEDDED_HOST, ports.amqpPort())
                && ListeningSockets.free(BrokerSettings.EMBEDDED_HOST, ports.stompPort());
    }

    private static BrokerPorts twoFreePorts() {
        int amqp = ListeningSockets.anyFree(BrokerSettings.EMBEDDED_HOST);
        int stomp = ListeningSockets.anyFree(BrokerSettings.EMBEDDED_HOST);
        while (stomp == amqp) {
            stomp = ListeningSockets.anyFree(BrokerSettings.EMBEDDED_HOST);
        }
        return new BrokerPorts(amqp, stomp);
    }

    private static String describeTaken(BrokerPorts standard) {
        List<String> taken = new ArrayList<>();
        for (int port : new int[] {standard.amqpPort(), standard.stompPort()}) {
            if (!ListeningSockets.free(BrokerSettings.EMBEDDED_HOST, port)) {
                taken.add(port + " by " + ListeningSockets.describeOwner(port));
            }
        }
        return "The standard broker ports are in use (" + String.join(", ", taken) + ")";
    }

    private static void requireFree(int port, String protocol, String key) {
        if (!ListeningSockets.free(BrokerSettings.EMBEDDED_HOST, port)) {
            throw new ServiceUnavailableException("Cannot start this home's broker: " + BrokerSettings.EMBEDDED_HOST
                    + ":" + port + " (" + protocol + ", [broker] " + key + ") is in use by "
                    + ListeningSockets.describeOwner(port) + ", and a home never uses a broker it did not start."
                    + " Set [broker] " + key + " to a free port, or remove amqp_port and stomp_port so the testbed"
                    + " picks free ports itself");
        }
    }

    private void requirePrivate(Path file) {
        try {
            int fileOwner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (fileOwner != OsUser.effectiveUid()) {
                throw new ServiceUnavailableException("The broker login file " + file + " belongs to "
                        + OsUser.describe(fileOwner) + ", not to you, so it cannot be trusted. Use a testbed home of"
                        + " your own (--home DIR, then testbed init)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw unreadable(file, e.toString());
        }
        PrivateFiles.narrow(file);
    }

    /** Reads the {@code key=value} lines of a state file, skipping {@code #} comments. */
    static Map<String, String> readKeyValues(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
            }
        }
        return values;
    }

    private static ServiceUnavailableException unreadable(Path file, String why) {
        return new ServiceUnavailableException("Cannot use the broker login file " + file + ": " + why
                + ". Stop the testbed (testbed stop-agents), delete the file, and run again: a new login is generated");
    }
}
