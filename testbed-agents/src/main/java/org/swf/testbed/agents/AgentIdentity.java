package org.swf.testbed.agents;

import java.util.Objects;
import org.swf.testbed.heartbeat.HeartbeatSender;

/**
 * Who an agent is, as its heartbeats and messages say.
 *
 * @param instanceName unique name, e.g. {@code data-agent-alice-4711}
 * @param agentType the agent type, e.g. {@code DATA}
 * @param namespace the testbed namespace
 * @param program the supervised program running the agent
 * @param user the OS login name of the process owner
 * @param pid the process id
 * @param hostname the host name
 */
public record AgentIdentity(
        String instanceName,
        String agentType,
        String namespace,
        String program,
        String user,
        long pid,
        String hostname) {

    /** Requires names. */
    public AgentIdentity {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(program, "program");
    }

    /**
     * Names this process the way the original names its agents:
     * {@code <type>-agent-<user>-<pid>}.
     *
     * @param agentType the agent type
     * @param namespace the namespace
     * @param program the supervised program name
     * @return this process's identity
     */
    public static AgentIdentity ofThisProcess(String agentType, String namespace, String program) {
        return ofThisProcess(agentType, namespace, program, HeartbeatSender.localHostname());
    }

    /**
     * Names this process as {@link #ofThisProcess(String, String, String)} does, on a host named
     * as the testbed names it ({@code TESTBED_HOST}).
     *
     * @param agentType the agent type
     * @param namespace the namespace
     * @param program the supervised program name
     * @param host this host's name in the testbed
     * @return this process's identity
     */
    public static AgentIdentity ofThisProcess(String agentType, String namespace, String program, String host) {
        String user = System.getProperty("user.name", "unknown");
        long pid = ProcessHandle.current().pid();
        String instance = agentType.toLowerCase(java.util.Locale.ROOT) + "-agent-" + user + "-" + pid;
        return new AgentIdentity(instance, agentType, namespace, program, user, pid, host);
    }

    /** @return this agent as the sender of its heartbeats */
    public HeartbeatSender heartbeatSender() {
        return new HeartbeatSender(instanceName, agentType, pid, hostname, program);
    }
}
