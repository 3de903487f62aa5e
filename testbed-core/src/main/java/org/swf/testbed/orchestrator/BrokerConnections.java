package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.MessageBusFactory;

/** Opens the orchestrator's connections to the broker of a run, with the home's login. */
final class BrokerConnections {

    private final MessageBusFactory buses;
    private final BrokerAccess access;
    private final TestbedConfigReader reader;
    private final Duration connectTimeout;

    BrokerConnections(MessageBusFactory buses, BrokerAccess access, TestbedConfigReader reader,
            Duration connectTimeout) {
        this.buses = buses;
        this.access = access;
        this.reader = reader;
        this.connectTimeout = connectTimeout;
    }

    /**
     * @throws org.swf.testbed.ServiceUnavailableException when the broker cannot be reached
     */
    MessageBus connect(BrokerEndpoint endpoint) {
        return buses.connect(endpoint, "testbed-cli-" + ProcessHandle.current().pid(), connectTimeout);
    }

    /**
     * @param record what a run started
     * @return how to reach the broker of that run: the embedded broker at the recorded ports, or
     *     the external broker of the run's config
     */
    BrokerEndpoint endpointOf(RunRecord record) {
        if (record.brokerPorts() != null) {
            return access.embedded(record.brokerPorts());
        }
        return endpointOf(reader.read(Path.of(record.config())));
    }

    /**
     * @param config a testbed config
     * @return how to reach its broker (an embedded one at its current ports)
     */
    BrokerEndpoint endpointOf(TestbedConfig config) {
        return access.endpoint(config.broker());
    }
}
