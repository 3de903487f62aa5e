package org.swf.testbed.heartbeat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.Timestamps;

/**
 * Who sends heartbeats, and the heartbeats each kind of sender writes: the one place that turns
 * what an agent or the agent manager measured into a heartbeat's status and description, so
 * both report in the same words.
 *
 * @param instanceName the sender's unique instance name, e.g. {@code data-agent-alice-4711}
 * @param agentType the sender's type, e.g. {@code DATA} or {@link #AGENT_MANAGER_TYPE}
 * @param pid the sender's process id
 * @param hostname the sender's host
 * @param program the supervised program that runs the sender, or null when supervisord does not
 *     run it (the agent manager)
 */
public record HeartbeatSender(String instanceName, String agentType, long pid, String hostname, String program) {

    /** The agent type the original agent manager reports. */
    public static final String AGENT_MANAGER_TYPE = "agent_manager";

    private static final String EXITED = "EXITED";
    /** What the agent manager reports for supervisord once it has shut down itself. */
    private static final String SUPERVISORD_STOPPED = "stopped";

    /** Requires the names every heartbeat carries. */
    public HeartbeatSender {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(agentType, "agentType");
    }

    /**
     * @param user the OS login name the manager serves
     * @param pid the manager's process id
     * @param hostname the manager's host
     * @return the agent manager of {@code user}, named as the original names it
     */
    public static HeartbeatSender agentManager(String user, long pid, String hostname) {
        return new HeartbeatSender("agent-manager-" + user, AGENT_MANAGER_TYPE, pid, hostname, null);
    }

    /** @return this host's name as heartbeats report it, {@code localhost} when it cannot be resolved */
    public static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * An agent's heartbeat: {@code OK} while its broker connection is up, {@code WARNING} while
     * it is down, {@code EXITED} once the agent has shut down.
     *
     * @param state what the agent is doing
     * @param namespace the agent's namespace
     * @param mqConnected whether the broker connection is up now, as measured
     * @return the heartbeat, stamped now
     */
    public Heartbeat agent(OperationalState state, String namespace, boolean mqConnected) {
        boolean exited = state == OperationalState.EXITED;
        String status = exited ? EXITED : mqConnected ? "OK" : "WARNING";
        String description = agentType + " agent. " + (exited ? "Agent shutdown" : "MQ: " + mq(mqConnected));
        return heartbeat(status, state, namespace, description, mqConnected, null, null);
    }

    /**
     * The agent manager's heartbeat while it serves: {@code READY}, and {@code OK} only while both
     * its broker connection and supervisord are healthy, else {@code ERROR}.
     *
     * @param user the OS login name the manager serves
     * @param namespace the running testbed's namespace, or null when none runs
     * @param mqConnected whether the broker connection is up now, as measured
     * @param supervisord supervisord's health as measured: {@code running}, {@code idle} or
     *     {@code error}
     * @return the heartbeat, stamped now
     */
    public Heartbeat agentManagerServing(String user, String namespace, boolean mqConnected, String supervisord) {
        boolean supervisordHealthy = !"error".equals(supervisord);
        String description = "Agent manager for " + user + ". namespace: " + (namespace == null ? "none" : namespace)
                + ". MQ: " + mq(mqConnected) + ". supervisord: " + supervisord;
        return heartbeat(mqConnected && supervisordHealthy ? "OK" : "ERROR", OperationalState.READY, namespace,
                description, mqConnected, supervisordHealthy, supervisordMetadata(supervisordHealthy, supervisord));
    }

    /**
     * The agent manager's last heartbeat, sent as it shuts down.
     *
     * @param user the OS login name the manager served
     * @param namespace the running testbed's namespace, or null when none runs
     * @param mqConnected whether the broker connection is still up, as measured
     * @return the {@code EXITED} heartbeat, stamped now
     */
    public Heartbeat agentManagerExited(String user, String namespace, boolean mqConnected) {
        return heartbeat(EXITED, OperationalState.EXITED, namespace, "Agent manager for " + user + ". Shut down.",
                mqConnected, true, supervisordMetadata(true, SUPERVISORD_STOPPED));
    }

    private Heartbeat heartbeat(String status, OperationalState state, String namespace, String description,
            boolean mqConnected, Boolean supervisordHealthy, Map<String, Object> metadata) {
        return new Heartbeat(MessageType.HEARTBEAT.wireName(), instanceName, agentType, status, state, namespace, pid,
                hostname, description, mqConnected, program, supervisordHealthy, metadata,
                Timestamps.localIso(Instant.now()));
    }

    private static Map<String, Object> supervisordMetadata(boolean healthy, String supervisord) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("supervisord_healthy", healthy);
        metadata.put("supervisord", supervisord);
        return metadata;
    }

    private static String mq(boolean connected) {
        return connected ? "connected" : "disconnected";
    }
}
