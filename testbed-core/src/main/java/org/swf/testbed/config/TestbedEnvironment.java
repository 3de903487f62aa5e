package org.swf.testbed.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.swf.testbed.ConfigException;
import org.swf.testbed.heartbeat.HeartbeatSender;

/**
 * The process environment as the testbed reads it: the one class that knows the variables' names
 * and how their values are parsed. A front end's {@code main} takes the snapshot once and hands it
 * down through constructors; nothing else reads the process environment.
 *
 * <p>Two rules hold for every variable: a blank value counts as unset, and an invalid value is a
 * {@link ConfigException} naming the variable, the value and the fix. A value is parsed when it is
 * asked for, not when the snapshot is taken, so a bad variable fails the process that uses it
 * (an agent, the agent manager) and not, say, {@code testbed status}.
 *
 * @param variables every variable of the process, as it was given
 */
public record TestbedEnvironment(Map<String, String> variables) {

    /** The testbed home, when {@code --home} is not given. */
    public static final String HOME_VARIABLE = "TESTBED_HOME";
    /** The original's checkout root, passed on to the programs (default: the home's parent). */
    public static final String SWF_HOME_VARIABLE = "SWF_HOME";
    /** The default configuration file, relative to the home. */
    public static final String CONFIG_VARIABLE = "SWF_TESTBED_CONFIG";
    /** Seconds between heartbeats of agents and agent managers. */
    public static final String HEARTBEAT_VARIABLE = "TESTBED_HEARTBEAT_SECONDS";
    /**
     * This host's name in the testbed: where an agent table's {@code host} points, what heartbeats
     * carry, and the last part of the agent manager's control queue here. Default: the machine's
     * name. Set it where the machine's name is not the one the configs use (containers, tests).
     */
    public static final String HOST_VARIABLE = "TESTBED_HOST";
    /** A host's name: a word that may end a destination's name. */
    public static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    /** The supervisord program a process runs as (set in the generated supervisord config). */
    public static final String PROGRAM_VARIABLE = "TESTBED_PROGRAM";
    /** The swf-monitor's base URL, for heartbeat POSTs (and, for the original agents, log records). */
    public static final String MONITOR_URL_VARIABLE = "SWF_MONITOR_HTTP_URL";
    /**
     * The swf-monitor's base URL for the token-authenticated API the original agents call (agent
     * ids, subscribers, heartbeats, runs, STF files). When the user sets none, the testbed serves
     * that API itself.
     */
    public static final String MONITOR_API_URL_VARIABLE = "SWF_MONITOR_URL";
    /**
     * The loopback port of the monitor API the testbed serves itself (set by the launcher in every
     * program's environment); its presence tells a program that {@value #MONITOR_URL_VARIABLE} is
     * the testbed's own, not a real monitor.
     */
    public static final String OWN_MONITOR_PORT_VARIABLE = "TESTBED_MONITOR_PORT";
    /** The supervisord config a supervised process belongs to (set in the generated supervisord config). */
    public static final String SUPERVISOR_CONF_VARIABLE = "TESTBED_SUPERVISOR_CONF";
    /** The swf-monitor's API token. */
    public static final String API_TOKEN_VARIABLE = "SWF_API_TOKEN";
    /** An external broker's user, the original agents' name. */
    public static final String BROKER_USER_VARIABLE = "ACTIVEMQ_USER";
    /** An external broker's password, the original agents' name. */
    public static final String BROKER_PASSWORD_VARIABLE = "ACTIVEMQ_PASSWORD";
    /** The CA file for an external broker's TLS, the original agents' name. */
    public static final String BROKER_CA_VARIABLE = "ACTIVEMQ_SSL_CA_CERTS";
    /**
     * JVM options of the CLI ({@code bin/testbed}), and of the workflow runner and built-in agents
     * when their config sets no {@code java_options}.
     */
    public static final String JAVA_OPTIONS_VARIABLE = "TESTBED_JAVA_OPTS";
    /** Simulated processing time per slice of the worker agent, in milliseconds. */
    public static final String SLICE_PROCESSING_VARIABLE = "SLICE_PROCESSING_MILLIS";

    /** The heartbeat interval when {@value #HEARTBEAT_VARIABLE} is unset (the original's). */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

    /** Copies the variables. */
    public TestbedEnvironment {
        variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    /**
     * @param variables the process environment, e.g. {@code System.getenv()}
     * @return the snapshot
     */
    public static TestbedEnvironment of(Map<String, String> variables) {
        return new TestbedEnvironment(variables);
    }

    /** @return an environment without variables (for tests and embedding) */
    public static TestbedEnvironment empty() {
        return new TestbedEnvironment(Map.of());
    }

    /** @return {@value #HOME_VARIABLE} as an absolute path */
    public Optional<Path> home() {
        return value(HOME_VARIABLE).map(home -> Path.of(home).toAbsolutePath().normalize());
    }

    /** @return {@value #SWF_HOME_VARIABLE}, as given */
    public Optional<String> swfHome() {
        return value(SWF_HOME_VARIABLE);
    }

    /** @return {@value #CONFIG_VARIABLE}: the default config file, relative to the home */
    public Optional<String> defaultConfig() {
        return value(CONFIG_VARIABLE);
    }

    /**
     * Whole seconds, at least one: smaller values are raised to one second rather than refused,
     * as {@code --heartbeat-seconds} does.
     *
     * @return {@value #HEARTBEAT_VARIABLE}, else {@link #DEFAULT_HEARTBEAT}
     * @throws ConfigException when the value is not a whole number of seconds
     */
    public Duration heartbeatInterval() {
        Optional<String> seconds = value(HEARTBEAT_VARIABLE);
        if (seconds.isEmpty()) {
            return DEFAULT_HEARTBEAT;
        }
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(seconds.get().trim())));
        } catch (NumberFormatException e) {
            throw new ConfigException(HEARTBEAT_VARIABLE + "=" + seconds.get() + " is not a whole number of seconds."
                    + " Set it to e.g. 30, or unset it for the default of " + DEFAULT_HEARTBEAT.toSeconds() + " s", e);
        }
    }

    /**
     * @return this host's name in the testbed: {@value #HOST_VARIABLE}, else the machine's
     * @throws ConfigException when it is not a plain word
     */
    public String hostName() {
        Optional<String> set = value(HOST_VARIABLE).map(String::trim).filter(name -> !name.isEmpty());
        String name = set.orElseGet(HeartbeatSender::localHostname);
        if (!HOST_NAME.matcher(name).matches()) {
            throw new ConfigException((set.isPresent() ? HOST_VARIABLE + "=" + name : "This machine's name '" + name
                    + "'") + " is not a host name the testbed can use: it needs letters, digits, '_', '.' or '-'"
                    + " (at most 63). Set " + HOST_VARIABLE + " to such a name");
        }
        return name;
    }

    /** @return {@value #PROGRAM_VARIABLE}: the supervisord program this process runs as */
    public Optional<String> program() {
        return value(PROGRAM_VARIABLE);
    }

    /** @return {@value #MONITOR_URL_VARIABLE}, trimmed */
    public Optional<String> monitorUrl() {
        return value(MONITOR_URL_VARIABLE).map(String::trim);
    }

    /** @return {@value #MONITOR_API_URL_VARIABLE}, trimmed: a real monitor the user configured */
    public Optional<String> monitorApiUrl() {
        return value(MONITOR_API_URL_VARIABLE).map(String::trim);
    }

    /**
     * @return {@value #OWN_MONITOR_PORT_VARIABLE}: where this process's testbed serves the
     *     monitor API itself, empty when a real monitor (or none) is used
     * @throws ConfigException when the value is not a port number
     */
    public OptionalInt ownMonitorPort() {
        Optional<String> port = value(OWN_MONITOR_PORT_VARIABLE);
        if (port.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int number = Integer.parseInt(port.get().trim());
            if (number > 0 && number < 65536) {
                return OptionalInt.of(number);
            }
        } catch (NumberFormatException e) {
            // reported below, with the fix
        }
        throw new ConfigException(OWN_MONITOR_PORT_VARIABLE + "=" + port.get() + " is not a port number. The testbed"
                + " sets it for its programs: restart them with 'testbed stop-agents' and 'testbed run'");
    }

    /** @return {@value #SUPERVISOR_CONF_VARIABLE}: the supervisord config this process runs under */
    public Optional<String> supervisorConf() {
        return value(SUPERVISOR_CONF_VARIABLE);
    }

    /** @return {@value #API_TOKEN_VARIABLE} */
    public Optional<String> apiToken() {
        return value(API_TOKEN_VARIABLE);
    }

    /** @return {@value #BROKER_USER_VARIABLE} */
    public Optional<String> brokerUser() {
        return value(BROKER_USER_VARIABLE);
    }

    /** @return {@value #BROKER_PASSWORD_VARIABLE} */
    public Optional<String> brokerPassword() {
        return value(BROKER_PASSWORD_VARIABLE);
    }

    /** @return {@value #BROKER_CA_VARIABLE} */
    public Optional<Path> brokerCaFile() {
        return value(BROKER_CA_VARIABLE).map(Path::of);
    }

    /**
     * @return {@value #JAVA_OPTIONS_VARIABLE} split at whitespace, as {@code bin/testbed} splits it
     *     for the CLI, else none
     * @throws ConfigException naming the variable, the option refused and the fix
     */
    public JavaOptions javaOptions() {
        Optional<String> options = value(JAVA_OPTIONS_VARIABLE);
        if (options.isEmpty()) {
            return JavaOptions.NONE;
        }
        try {
            return JavaOptions.split(options.get());
        } catch (IllegalArgumentException e) {
            // The refused option alone: the others may hold secrets (a key store's password).
            throw new ConfigException(JAVA_OPTIONS_VARIABLE + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return {@value #SLICE_PROCESSING_VARIABLE}, else instant processing
     * @throws ConfigException when the value is not a whole, non-negative number of milliseconds
     */
    public Duration sliceProcessingTime() {
        Optional<String> millis = value(SLICE_PROCESSING_VARIABLE);
        if (millis.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            long value = Long.parseLong(millis.get().trim());
            if (value >= 0) {
                return Duration.ofMillis(value);
            }
        } catch (NumberFormatException e) {
            // reported below, with the fix
        }
        throw new ConfigException(SLICE_PROCESSING_VARIABLE + "=" + millis.get() + " is not a number of milliseconds."
                + " Set it to e.g. 50, or unset it for instant processing");
    }

    /** Keeps secrets (the broker password, the API token) out of logs and error messages. */
    @Override
    public String toString() {
        return "TestbedEnvironment[" + variables.size() + " variables]";
    }

    private Optional<String> value(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
