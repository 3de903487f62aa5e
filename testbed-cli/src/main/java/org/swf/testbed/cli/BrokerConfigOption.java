package org.swf.testbed.cli;

import java.lang.System.Logger.Level;
import org.swf.testbed.ConfigException;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfigReader;
import picocli.CommandLine.Option;

/**
 * {@code --config NAME} of the long-running front ends that only need a broker (the agent manager,
 * the MCP server): the config whose {@code [broker]} they use.
 */
final class BrokerConfigOption {

    private static final System.Logger LOG = System.getLogger(BrokerConfigOption.class.getName());

    @Option(names = "--config", paramLabel = "NAME", description = "Config whose [broker] to use (default: the"
            + " default config).")
    private String config;

    /** @return the config name given, or null for the default */
    String name() {
        return config;
    }

    /**
     * A named config must be usable; without a name, a home without a usable default config still
     * has its embedded broker, so the front end starts and says why it uses that one.
     *
     * @param locator finds the home's configs
     * @return the broker settings to use
     * @throws ConfigException when the named config is missing or invalid
     */
    BrokerSettings brokerSettings(ConfigLocator locator) {
        try {
            return new TestbedConfigReader(locator).read(config).broker();
        } catch (ConfigException e) {
            if (config != null) {
                throw e;
            }
            LOG.log(Level.WARNING, "No usable default config ({0}); using this home''s embedded broker", e.getMessage());
            return BrokerSettings.embeddedDefault();
        }
    }
}
