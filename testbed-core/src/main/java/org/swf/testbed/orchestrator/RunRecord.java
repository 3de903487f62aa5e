package org.swf.testbed.orchestrator;

import java.util.List;
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
 */
public record RunRecord(String config, String namespace, String brokerUrl, BrokerPorts brokerPorts, List<String> programs,
        List<String> heartbeatPrograms, String startedAt, Integer monitorPort) {

    /** Copies the lists. */
    public RunRecord {
        programs = programs == null ? List.of() : List.copyOf(programs);
        heartbeatPrograms = heartbeatPrograms == null ? List.of() : List.copyOf(heartbeatPrograms);
    }

    /**
     * @param programs the programs now running, in start order
     * @param heartbeatPrograms those of them whose liveness heartbeats report
     * @return this record for the same testbed with other programs (after a change of an agent's copies)
     */
    RunRecord withPrograms(List<String> programs, List<String> heartbeatPrograms) {
        return new RunRecord(config, namespace, brokerUrl, brokerPorts, programs, heartbeatPrograms, startedAt,
                monitorPort);
    }
}
