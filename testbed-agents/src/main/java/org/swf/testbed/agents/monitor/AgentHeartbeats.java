package org.swf.testbed.agents.monitor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.Timestamps;

/**
 * Turns heartbeats POSTed to the monitor API into our broker heartbeats, so that an agent that
 * reports over HTTP only (the original's BaseAgent) counts exactly like one of ours: the run's
 * readiness wait, the runner's table, {@code testbed status}, the agent manager and MCP all read
 * the heartbeat topic.
 *
 * <p>Heartbeats that arrive before the runner is on the broker are held (the newest per agent)
 * and published once it is: an agent that reported READY early would otherwise wait a whole
 * heartbeat period (a minute for BaseAgent) to be seen ready.
 */
public final class AgentHeartbeats {

    private final ProcessPrograms programs;
    private final String hostname;
    private final Map<String, Heartbeat> held = new LinkedHashMap<>();
    private final Map<String, OperationalState> lastState = new LinkedHashMap<>();
    private final Map<String, Heartbeat> latest = new LinkedHashMap<>();
    private Consumer<Heartbeat> publisher;

    /**
     * @param programs maps a heartbeat's pid to its program
     * @param hostname this host, reported for agents that do not say theirs
     */
    public AgentHeartbeats(ProcessPrograms programs, String hostname) {
        this.programs = programs;
        this.hostname = hostname;
    }

    /**
     * Publishes every heartbeat from now on through {@code publisher}, starting with those held.
     *
     * @param publisher sends a heartbeat on the heartbeat topic
     */
    public void publishThrough(Consumer<Heartbeat> publisher) {
        Map<String, Heartbeat> waiting;
        synchronized (this) {
            this.publisher = publisher;
            waiting = new LinkedHashMap<>(held);
            held.clear();
        }
        waiting.values().forEach(publisher);
    }

    /**
     * @param fields a POSTed heartbeat, with the original monitor's field names
     * @return the heartbeat as published (or held), and whether its agent is new to this runner
     * @throws IllegalArgumentException naming the field that is missing or unusable
     */
    public Received receive(Map<String, Object> fields) {
        Heartbeat heartbeat = toHeartbeat(fields);
        Consumer<Heartbeat> target;
        boolean created;
        synchronized (this) {
            created = lastState.put(heartbeat.instanceName(), heartbeat.operationalState()) == null;
            if (heartbeat.operationalState() == OperationalState.EXITED) {
                latest.remove(heartbeat.instanceName());
            } else {
                latest.put(heartbeat.instanceName(), heartbeat);
            }
            target = publisher;
            if (target == null) {
                held.put(heartbeat.instanceName(), heartbeat);
            }
        }
        if (target != null) {
            target.accept(heartbeat);
        }
        return new Received(heartbeat, created);
    }

    /**
     * Publishes again the newest heartbeat of every agent that has not exited, when someone asks
     * the namespace for heartbeats ({@code heartbeat_request}): these agents POST theirs to the
     * monitor API and never see the request, so the runner answers for them, as for itself. A
     * {@code testbed run} that subscribed after an agent reported READY learns it this way.
     */
    public void republish() {
        Consumer<Heartbeat> target;
        List<Heartbeat> current;
        synchronized (this) {
            target = publisher;
            current = List.copyOf(latest.values());
        }
        if (target != null) {
            current.forEach(target);
        }
    }

    /**
     * A heartbeat taken in.
     *
     * @param heartbeat as published
     * @param created whether it is the first of its agent
     */
    public record Received(Heartbeat heartbeat, boolean created) {
    }

    private Heartbeat toHeartbeat(Map<String, Object> fields) {
        String instance = text(fields, "instance_name");
        if (instance == null || instance.isBlank()) {
            throw new IllegalArgumentException("instance_name");
        }
        String status = Optional.ofNullable(text(fields, "status")).orElse("OK").toUpperCase(Locale.ROOT);
        OperationalState state = operationalState(instance, status, text(fields, "operational_state"));
        long pid = fields.get("pid") instanceof Number number ? number.longValue() : 0;
        String agentType = Optional.ofNullable(text(fields, "agent_type")).orElse("other");
        Object metadata = fields.get("metadata");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadataMap = metadata instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
        return new Heartbeat(MessageType.HEARTBEAT.wireName(), instance, agentType, status, state,
                text(fields, "namespace"), pid, Optional.ofNullable(text(fields, "hostname")).orElse(hostname),
                Optional.ofNullable(text(fields, "description")).orElse(""),
                !Boolean.FALSE.equals(fields.get("mq_connected")), programs.programOf(pid).orElse(null), null,
                metadataMap, Timestamps.localIso(Instant.now()));
    }

    /** The state sent; when absent (the monitor keeps the last one), the agent's last one, EXITED on exit. */
    private synchronized OperationalState operationalState(String instance, String status, String sent) {
        if (sent != null) {
            try {
                return OperationalState.valueOf(sent.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("operational_state");
            }
        }
        if ("EXITED".equals(status)) {
            return OperationalState.EXITED;
        }
        return lastState.getOrDefault(instance, OperationalState.STARTING);
    }

    private static String text(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        return value == null ? null : value.toString();
    }
}
