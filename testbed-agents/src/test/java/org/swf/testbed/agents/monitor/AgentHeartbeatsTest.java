package org.swf.testbed.agents.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.OperationalState;

class AgentHeartbeatsTest {

    private static final String CONF = "/home/alice/tb/.testbed/supervisord.conf";

    @TempDir
    Path proc;

    private void process(long pid, String... environment) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("environ"), (String.join("\0", environment) + "\0").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aProcessOfThisHomeMapsToItsProgramAndOthersToNone() throws IOException {
        process(10, "PATH=/bin", "TESTBED_SUPERVISOR_CONF=" + CONF, "TESTBED_PROGRAM=mine-agent");
        process(11, "TESTBED_SUPERVISOR_CONF=/home/bob/tb/.testbed/supervisord.conf", "TESTBED_PROGRAM=bobs-agent");
        process(12, "PATH=/bin");
        ProcessPrograms programs = new ProcessPrograms(proc, CONF);

        assertThat(programs.programOf(10)).contains("mine-agent");
        assertThat(programs.programOf(11)).as("another home").isEmpty();
        assertThat(programs.programOf(12)).as("not supervised").isEmpty();
        assertThat(programs.programOf(13)).as("gone").isEmpty();
        assertThat(programs.programOf(0)).isEmpty();
        assertThat(new ProcessPrograms(proc, null).programOf(10)).as("an unsupervised runner knows none").isEmpty();
    }

    @Test
    void heartbeatsAreHeldUntilTheRunnerIsOnTheBrokerThenPublishedAsOurs() throws IOException {
        process(10, "TESTBED_SUPERVISOR_CONF=" + CONF, "TESTBED_PROGRAM=mine-agent");
        AgentHeartbeats heartbeats = new AgentHeartbeats(new ProcessPrograms(proc, CONF), "thishost");
        heartbeats.receive(Map.of("instance_name", "mine-agent-alice-1", "agent_type", "Mine",
                "operational_state", "STARTING", "pid", 10, "namespace", "ns"));
        heartbeats.receive(Map.of("instance_name", "mine-agent-alice-1", "agent_type", "Mine", "status", "OK",
                "operational_state", "READY", "pid", 10, "namespace", "ns", "mq_connected", true));
        List<Heartbeat> published = new ArrayList<>();

        heartbeats.publishThrough(published::add);
        heartbeats.receive(Map.of("instance_name", "mine-agent-alice-1", "status", "EXITED", "pid", 10));

        assertThat(published).hasSize(2);
        Heartbeat ready = published.get(0);
        assertThat(ready.operationalState()).as("the newest held").isEqualTo(OperationalState.READY);
        assertThat(ready.program()).isEqualTo("mine-agent");
        assertThat(ready.hostname()).isEqualTo("thishost");
        assertThat(ready.msgType()).isEqualTo("heartbeat");
        assertThat(published.get(1).operationalState()).isEqualTo(OperationalState.EXITED);
        assertThat(published.get(1).agentType()).isEqualTo("other");
    }

    @Test
    void onRequestTheNewestHeartbeatOfEveryAgentStillThereIsPublishedAgain() {
        AgentHeartbeats heartbeats = new AgentHeartbeats(new ProcessPrograms(proc, CONF), "h");
        List<Heartbeat> published = new ArrayList<>();
        heartbeats.republish(); // not on the broker yet: nothing to do, nothing lost
        heartbeats.publishThrough(published::add);
        heartbeats.receive(Map.of("instance_name", "a-1", "operational_state", "STARTING", "namespace", "ns"));
        heartbeats.receive(Map.of("instance_name", "a-1", "operational_state", "READY", "namespace", "ns"));
        heartbeats.receive(Map.of("instance_name", "b-1", "operational_state", "READY", "namespace", "ns"));
        heartbeats.receive(Map.of("instance_name", "b-1", "status", "EXITED"));
        published.clear();

        heartbeats.republish();

        assertThat(published).singleElement().satisfies(heartbeat -> {
            assertThat(heartbeat.instanceName()).isEqualTo("a-1");
            assertThat(heartbeat.operationalState()).isEqualTo(OperationalState.READY);
        });
    }

    @Test
    void aHeartbeatWithoutNameOrWithAnUnknownStateIsRefused() {
        AgentHeartbeats heartbeats = new AgentHeartbeats(new ProcessPrograms(proc, CONF), "h");
        assertThatThrownBy(() -> heartbeats.receive(Map.of("status", "OK"))).hasMessage("instance_name");
        assertThatThrownBy(() -> heartbeats.receive(Map.of("instance_name", "a", "operational_state", "DANCING")))
                .hasMessage("operational_state");
    }
}
