package org.swf.testbed.broker;

import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;

/**
 * Artemis' JAAS security manager, configured in code: one login domain whose only module is the
 * {@link InMemoryLoginModule} over this broker's {@link CredentialStore}. No {@code login.config}
 * file, no system property, nothing shared with other brokers in the same JVM.
 */
final class TestbedSecurityManager extends ActiveMQJAASSecurityManager {

    /** The JAAS application name of the broker's logins. */
    static final String DOMAIN = "testbed-broker";

    private final CredentialStore credentials;

    TestbedSecurityManager(CredentialStore credentials) {
        super(DOMAIN, new InMemoryConfiguration(credentials));
        this.credentials = credentials;
    }

    /** @return the broker's users, for the SCRAM mechanisms */
    CredentialStore credentials() {
        return credentials;
    }

    /**
     * A JAAS configuration that knows one application, {@link #DOMAIN}. It extends Artemis'
     * {@link SecurityConfiguration} only because the security manager's constructor asks for one.
     */
    private static final class InMemoryConfiguration extends SecurityConfiguration {

        private final AppConfigurationEntry[] entries;

        InMemoryConfiguration(CredentialStore credentials) {
            entries = new AppConfigurationEntry[] {new AppConfigurationEntry(InMemoryLoginModule.class.getName(),
                    AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                    Map.of(InMemoryLoginModule.CREDENTIALS_OPTION, credentials))};
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return DOMAIN.equals(name) ? entries.clone() : null;
        }
    }
}
