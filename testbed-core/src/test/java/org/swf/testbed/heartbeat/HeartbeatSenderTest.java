package org.swf.testbed.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;

/** Heartbeats carry the original monitor's field names, and report what was measured. */
class HeartbeatSenderTest {

    private final JsonCodec codec = new JsonCodec();
    private final HeartbeatSender agent = new HeartbeatSender("data-agent-alice-7", "DATA", 7, "host", "data-agent");
    private final HeartbeatSender manager = HeartbeatSender.agentManager("alice", 9, "host");

    private Map<String, Object> wire(Heartbeat heartbeat) {
        return codec.decodeObject(codec.encode(heartbeat));
    }

    @Test
    void anAgentReportsItsStateAndConnectionWithoutManagerFields() {
        Map<String, Object> ready = wire(agent.agent(OperationalState.READY, "torre2", true));
        assertThat(ready).containsOnlyKeys("msg_type", "instance_name", "agent_type", "status", "operational_state",
                "namespace", "pid", "hostname", "description", "mq_connected", "program", "timestamp");
        assertThat(ready).containsEntry("msg_type", "heartbeat").containsEntry("instance_name", "data-agent-alice-7")
                .containsEntry("agent_type", "DATA").containsEntry("status", "OK")
                .containsEntry("operational_state", "READY").containsEntry("namespace", "torre2")
                .containsEntry("pid", 7).containsEntry("hostname", "host")
                .containsEntry("description", "DATA agent. MQ: connected").containsEntry("mq_connected", true)
                .containsEntry("program", "data-agent");

        assertThat(wire(agent.agent(OperationalState.PROCESSING, "torre2", false))).containsEntry("status", "WARNING")
                .containsEntry("mq_connected", false).containsEntry("description", "DATA agent. MQ: disconnected");
        assertThat(wire(agent.agent(OperationalState.EXITED, "torre2", true))).containsEntry("status", "EXITED")
                .containsEntry("operational_state", "EXITED").containsEntry("description", "DATA agent. Agent shutdown");
    }

    @Test
    void theManagerReportsSupervisordAndTheBrokerAsMeasured() {
        Map<String, Object> healthy = wire(manager.agentManagerServing("alice", "torre2", true, "running"));
        assertThat(healthy).containsOnlyKeys("msg_type", "instance_name", "agent_type", "status", "operational_state",
                "namespace", "pid", "hostname", "description", "mq_connected", "supervisord_healthy", "metadata",
                "timestamp");
        assertThat(healthy).containsEntry("instance_name", "agent-manager-alice")
                .containsEntry("agent_type", "agent_manager").containsEntry("status", "OK")
                .containsEntry("operational_state", "READY").containsEntry("supervisord_healthy", true)
                .containsEntry("metadata", Map.of("supervisord_healthy", true, "supervisord", "running"))
                .containsEntry("description", "Agent manager for alice. namespace: torre2. MQ: connected."
                        + " supervisord: running");

        assertThat(wire(manager.agentManagerServing("alice", null, true, "idle"))).doesNotContainKey("namespace")
                .containsEntry("status", "OK").containsEntry("description",
                        "Agent manager for alice. namespace: none. MQ: connected. supervisord: idle");
        assertThat(wire(manager.agentManagerServing("alice", null, true, "error"))).containsEntry("status", "ERROR")
                .containsEntry("supervisord_healthy", false)
                .containsEntry("metadata", Map.of("supervisord_healthy", false, "supervisord", "error"));
        assertThat(wire(manager.agentManagerServing("alice", null, false, "running"))).containsEntry("status", "ERROR")
                .containsEntry("mq_connected", false);
    }

    @Test
    void theManagersExitHeartbeatSaysItShutDown() {
        assertThat(wire(manager.agentManagerExited("alice", "torre2", true))).containsEntry("status", "EXITED")
                .containsEntry("operational_state", "EXITED").containsEntry("namespace", "torre2")
                .containsEntry("description", "Agent manager for alice. Shut down.")
                .containsEntry("supervisord_healthy", true)
                .containsEntry("metadata", Map.of("supervisord_healthy", true, "supervisord", "stopped"));
    }

    @Test
    void aManagerHeartbeatReadsBackAsTheRecord() {
        Heartbeat sent = manager.agentManagerServing("alice", "torre2", true, "running");
        assertThat(codec.decode(codec.encode(sent), Heartbeat.class)).isEqualTo(sent);
    }
}
