package org.swf.testbed.orchestrator;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.swf.testbed.access.BrokerPorts;

/**
 * What the last {@code testbed run} started, kept in the state directory so that
 * {@code status} and {@code stop-agents} know the namespace and broker of the running testbed
 * even when the default config has changed since.
 *
 * @param config the config file used, absolute
 * @param namespace the namespace
 * @param brokerUrl the broker URL the agents use, redacted (for display only)
 * @param brokerPorts where the home's embedded broker listens, or null for an external broker
 * @param programs program names, in start order
 * @param heartbeatPrograms the programs whose liveness heartbeats report
 * @param startedAt when it was started (ISO instant)
 * @param monitorPort where the runner serves the home's monitor API on loopback, or null when it
 *     serves none (the user configured a real monitor; or a record of an older version)
 * @param host this host's name in the testbed, or null in a record of an older version
 * @param otherHosts for a testbed spread over hosts: the programs each other host runs, by host;
 *     empty when the testbed runs here alone
 */
public record RunRecord(String config, String namespace, String brokerUrl, BrokerPorts brokerPorts, List<String> programs,
        List<String> heartbeatPrograms, String startedAt, Integer monitorPort, String host,
        Map<String, List<String>> otherHosts) {

    /** Copies the lists and the map. */
    public RunRecord {
        programs = programs == null ? List.of() : List.copyOf(programs);
        heartbeatPrograms = heartbeatPrograms == null ? List.of() : List.copyOf(heartbeatPrograms);
        Map<String, List<String>> copied = new TreeMap<>();
        if (otherHosts != null) {
            otherHosts.forEach((name, names) -> copied.put(name, List.copyOf(names)));
        }
        otherHosts = Collections.unmodifiableMap(copied);
    }

    /** A record of a testbed that runs on this host alone. */
    public RunRecord(String config, String namespace, String brokerUrl, BrokerPorts brokerPorts, List<String> programs,
            List<String> heartbeatPrograms, String startedAt, Integer monitorPort) {
        this(config, namespace, brokerUrl, brokerPorts, programs, heartbeatPrograms, startedAt, monitorPort, null,
                Map.of());
    }

    /**
     * @param programs the programs now running, in start order
     * @param heartbeatPrograms those of them whose liveness heartbeats report
     * @return this record for the same testbed with other programs (after a change of an agent's copies)
     */
    RunRecord withPrograms(List<String> programs, List<String> heartbeatPrograms) {
        return new RunRecord(config, namespace, brokerUrl, brokerPorts, programs, heartbeatPrograms, startedAt,
                monitorPort, host, otherHosts);
    }

    /**
     * @param otherHosts the programs each other host runs now
     * @return this record for the same testbed with the other hosts' programs changed (after a
     *     change of an agent's copies there)
     */
    RunRecord withOtherHosts(Map<String, List<String>> otherHosts) {
        return new RunRecord(config, namespace, brokerUrl, brokerPorts, programs, heartbeatPrograms, startedAt,
                monitorPort, host, otherHosts);
    }
}
