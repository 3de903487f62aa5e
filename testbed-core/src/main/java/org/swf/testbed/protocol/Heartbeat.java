package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An agent's liveness report, with the original monitor's field names, on the heartbeat topic
 * (and POSTed to the monitor when one is configured).
 *
 * @param msgType always {@code heartbeat}
 * @param instanceName the agent's unique instance name, e.g. {@code data-agent-alice-4711}
 * @param agentType the agent's type, e.g. {@code DATA}, {@code DAQ_Simulator}
 * @param status {@code OK}, {@code WARNING}, {@code ERROR} or {@code EXITED}
 * @param operationalState what the agent is doing
 * @param namespace the agent's namespace, or null when it has none (an idle agent manager)
 * @param pid the agent's process id
 * @param hostname the agent's host
 * @param description a sentence for people, e.g. {@code DATA agent. MQ: connected}
 * @param mqConnected whether the agent's broker connection is up, as measured
 * @param program the supervised program that runs the agent (our addition, maps heartbeats to
 *     supervisord programs), or null for a process supervisord does not run
 * @param supervisordHealthy whether the sender's supervisord is healthy, as measured; only the
 *     agent manager reports it, others leave it null
 * @param metadata details the monitor stores as they come (free-form there, and the original
 *     agents put keys of their own into it), or null
 * @param timestamp local ISO time of sending
 */
@JsonPropertyOrder({"msg_type", "instance_name", "agent_type", "status", "operational_state", "namespace", "pid",
    "hostname", "description", "mq_connected", "program", "supervisord_healthy", "metadata", "timestamp"})
public record Heartbeat(
        String msgType,
        String instanceName,
        String agentType,
        String status,
        OperationalState operationalState,
        String namespace,
        long pid,
        String hostname,
        String description,
        boolean mqConnected,
        String program,
        Boolean supervisordHealthy,
        Map<String, Object> metadata,
        String timestamp) {

    /** Requires the type, an instance name and a state; keeps the metadata's order, read-only. */
    public Heartbeat {
        MessageType.HEARTBEAT.require(msgType);
        if (instanceName == null || instanceName.isBlank()) {
            throw new IllegalArgumentException("heartbeat without instance_name");
        }
        if (operationalState == null) {
            throw new IllegalArgumentException("heartbeat without operational_state");
        }
        // A copy that keeps nulls: metadata of the original agents may hold them.
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
