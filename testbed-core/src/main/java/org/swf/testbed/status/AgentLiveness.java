package org.swf.testbed.status;

/**
 * An agent as its last heartbeat showed it.
 *
 * @param instanceName the agent's instance name
 * @param agentType its type, e.g. {@code DATA}
 * @param program the supervised program that runs it, or null when it did not say
 * @param pid its process id, or null when not reported
 * @param operationalState what it was doing, e.g. {@code READY}
 * @param status {@code OK}, {@code WARNING}, {@code ERROR} or {@code EXITED}
 * @param mqConnected whether its broker connection was up, or null when not reported
 * @param secondsSinceHeartbeat how long ago the heartbeat arrived
 */
public record AgentLiveness(String instanceName, String agentType, String program, Long pid,
        String operationalState, String status, Boolean mqConnected, long secondsSinceHeartbeat) {
}
