package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.access.BrokerCredentials;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.broker.BrokerOptions;
import org.swf.testbed.broker.BrokerSecurity;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.config.BrokerSettings;

/** Starts a home's embedded broker in this JVM: at the home's ports, with the home's login alone. */
final class HomeBrokers {

    private HomeBrokers() {
    }

    /**
     * @param access the home's broker access (login and ports)
     * @param settings the config's broker settings (embedded)
     * @param dataDirectory where to keep a journal, or null to keep messages in memory
     * @param err where to say which ports it took when the standard ones are taken
     * @return the running broker
     */
    static EmbeddedBroker start(BrokerAccess access, BrokerSettings settings, Path dataDirectory, PrintWriter err) {
        BrokerPorts ports = access.homeBroker().choosePorts(settings, notice -> err.println("testbed: note: " + notice));
        BrokerCredentials login = access.homeBroker().credentials();
        return EmbeddedBroker.start(BrokerOptions.defaults()
                .withPorts(ports.amqpPort(), ports.stompPort())
                .withDataDir(dataDirectory)
                .withSecurity(BrokerSecurity.ownerOnly(login.user(), login.password())));
    }
}
