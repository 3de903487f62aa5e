package org.swf.testbed.access;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.util.OsUser;

/**
 * How every part of a testbed home reaches its broker, and what its programs are told about it.
 *
 * <p>The embedded broker is reached at the ports recorded in the home with the home's own login
 * ({@link HomeBroker}); an external broker at its configured URL with the caller's
 * {@code ACTIVEMQ_USER} / {@code ACTIVEMQ_PASSWORD}, trusting {@code [broker] ca_file} or
 * {@code ACTIVEMQ_SSL_CA_CERTS} for {@code amqps://}. Programs get the original agents' variables
 * ({@code ACTIVEMQ_HOST}, {@code ACTIVEMQ_PORT} for STOMP, {@code ACTIVEMQ_USER},
 * {@code ACTIVEMQ_PASSWORD}) in their environment, never on a command line or in a file.
 */
public final class BrokerAccess {

    /** The broker user, the original agents' name. */
    public static final String USER_VARIABLE = TestbedEnvironment.BROKER_USER_VARIABLE;
    /** The broker password, the original agents' name. */
    public static final String PASSWORD_VARIABLE = TestbedEnvironment.BROKER_PASSWORD_VARIABLE;
    /** The broker host for STOMP clients, the original agents' name. */
    public static final String HOST_VARIABLE = "ACTIVEMQ_HOST";
    /** The broker's STOMP port, the original agents' name. */
    public static final String PORT_VARIABLE = "ACTIVEMQ_PORT";
    /** The CA file for TLS connections, the original agents' name. */
    public static final String CA_VARIABLE = TestbedEnvironment.BROKER_CA_VARIABLE;

    private final HomeBroker homeBroker;
    private final TestbedEnvironment environment;

    /**
     * @param stateDirectory the home's state directory ({@code .testbed})
     * @param environment the caller's environment, for an external broker's login
     */
    public BrokerAccess(Path stateDirectory, TestbedEnvironment environment) {
        this.homeBroker = new HomeBroker(stateDirectory, OsUser.name());
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** @return the home's embedded broker: login and ports */
    public HomeBroker homeBroker() {
        return homeBroker;
    }

    /**
     * @param settings the config's broker settings
     * @return how to connect to that broker now: for the embedded broker, at its recorded ports
     *     with the home's login (created on first use)
     */
    public BrokerEndpoint endpoint(BrokerSettings settings) {
        if (settings.embedded()) {
            return embedded(homeBroker.currentPorts(settings));
        }
        return external(settings.url(), settings.caFile());
    }

    /**
     * @param url an external broker's URL
     * @param caFile the CA file to trust, or null for {@code ACTIVEMQ_SSL_CA_CERTS} or else the
     *     JVM's default trust store
     * @return how to connect to it with the caller's {@code ACTIVEMQ_USER} / {@code ACTIVEMQ_PASSWORD}
     */
    public BrokerEndpoint external(String url, Path caFile) {
        String user = environment.brokerUser().orElse(null);
        String password = user == null ? null : environment.brokerPassword().orElse(null);
        return new BrokerEndpoint(url, user, password, caFile != null ? caFile
                : environment.brokerCaFile().orElse(null));
    }

    /**
     * @param ports where the home's embedded broker listens
     * @return how to connect to it with the home's login
     */
    public BrokerEndpoint embedded(BrokerPorts ports) {
        BrokerCredentials login = homeBroker.credentials();
        return new BrokerEndpoint(BrokerSettings.embeddedUrl(ports.amqpPort()), login.user(), login.password(), null);
    }

    /**
     * @param settings the config's broker settings
     * @param ports where the embedded broker listens (ignored for an external broker)
     * @return the variables every program of the testbed gets, so that programs of any kind
     *     (the original Python agents too) join the right broker with the right login
     */
    public Map<String, String> programEnvironment(BrokerSettings settings, BrokerPorts ports) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (settings.embedded()) {
            BrokerCredentials login = homeBroker.credentials();
            variables.put(HOST_VARIABLE, BrokerSettings.EMBEDDED_HOST);
            variables.put(PORT_VARIABLE, Integer.toString(ports.stompPort()));
            variables.put(USER_VARIABLE, login.user());
            variables.put(PASSWORD_VARIABLE, login.password());
        } else if (settings.caFile() != null) {
            variables.put(CA_VARIABLE, settings.caFile().toString());
        }
        return variables;
    }
}
