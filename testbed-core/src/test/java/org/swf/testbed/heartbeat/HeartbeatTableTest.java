package org.swf.testbed.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.Timestamps;
import org.swf.testbed.status.AgentLiveness;

/** One entry per program, the newest by receive time, and only instances that are alive. */
class HeartbeatTableTest {

    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private Instant now = Instant.parse("2026-01-15T10:00:00Z");
    private final InstantSource clock = () -> now;
    private final HeartbeatTable table = new HeartbeatTable(INTERVAL.multipliedBy(HeartbeatTable.SILENT_INTERVALS),
            clock);

    private Heartbeat heartbeat(String instance, String program, OperationalState state, Instant sent) {
        return new Heartbeat("heartbeat", instance, "DATA", state == OperationalState.EXITED ? "EXITED" : "OK", state,
                "ns1", 4711, "host", "DATA agent", true, program, null, null, Timestamps.localIso(sent));
    }

    private Heartbeat heartbeat(String instance, String program, OperationalState state) {
        return heartbeat(instance, program, state, now);
    }

    private void later(Duration duration) {
        now = now.plus(duration);
    }

    private Map<String, String> states() {
        return table.liveness().stream().collect(java.util.stream.Collectors.toMap(
                a -> a.program() == null ? a.instanceName() : a.program(), AgentLiveness::operationalState));
    }

    @Test
    void afterARestartTheNewInstanceDecidesEvenWhenTheOldOneSortsAfterIt() {
        // "data-agent-9" sorts after "data-agent-10": keyed by name, the old instance's EXITED would show.
        table.record(heartbeat("data-agent-9", "data-agent", OperationalState.READY));
        later(Duration.ofSeconds(1));
        table.record(heartbeat("data-agent-9", "data-agent", OperationalState.EXITED));
        later(Duration.ofSeconds(1));
        table.record(heartbeat("data-agent-10", "data-agent", OperationalState.STARTING));
        table.record(heartbeat("data-agent-10", "data-agent", OperationalState.READY));

        assertThat(table.liveness()).singleElement().satisfies(agent -> {
            assertThat(agent.instanceName()).isEqualTo("data-agent-10");
            assertThat(agent.operationalState()).isEqualTo("READY");
            assertThat(agent.program()).isEqualTo("data-agent");
            assertThat(agent.pid()).isEqualTo(4711L);
        });
        assertThat(table.current("ns1", "data-agent")).get().extracting(HeartbeatTable.Seen::instanceName)
                .isEqualTo("data-agent-10");
        // The EXITED instance said its last word: nothing of it is kept.
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void aReplacedInstancesLateHeartbeatDoesNotReplaceTheNewerOne() {
        table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY));
        later(Duration.ofSeconds(1));
        table.record(heartbeat("data-agent-2", "data-agent", OperationalState.READY));
        later(Duration.ofSeconds(1));

        // The old instance's EXITED (or a periodic heartbeat) was still in flight.
        assertThat(table.record(heartbeat("data-agent-1", "data-agent", OperationalState.EXITED))).isFalse();
        assertThat(table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY))).isFalse();

        assertThat(states()).containsExactly(Map.entry("data-agent", "READY"));
        assertThat(table.current("ns1", "data-agent")).get().extracting(HeartbeatTable.Seen::instanceName)
                .isEqualTo("data-agent-2");
    }

    @Test
    void aLateHeartbeatOfAnInstanceNeverSeenLosesByItsSendingTime() {
        Instant beforeRestart = now;
        later(Duration.ofSeconds(2));
        table.record(heartbeat("data-agent-2", "data-agent", OperationalState.READY));
        later(Duration.ofSeconds(1));

        assertThat(table.record(heartbeat("data-agent-1", "data-agent", OperationalState.EXITED, beforeRestart)))
                .isFalse();
        assertThat(states()).containsExactly(Map.entry("data-agent", "READY"));
    }

    @Test
    void theNewestHeartbeatByTimeWinsWhateverTheInstanceName() {
        table.record(heartbeat("b-instance", "data-agent", OperationalState.READY));
        later(Duration.ofSeconds(1));
        table.record(heartbeat("a-instance", "data-agent", OperationalState.PROCESSING));

        assertThat(table.liveness()).singleElement().satisfies(agent -> {
            assertThat(agent.instanceName()).isEqualTo("a-instance");
            assertThat(agent.operationalState()).isEqualTo("PROCESSING");
        });
    }

    @Test
    void programsOfOtherNamespacesAndProgramlessInstancesAreEntriesOfTheirOwn() {
        table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY));
        table.record(new Heartbeat("heartbeat", "data-agent-7", "DATA", "OK", OperationalState.PROCESSING, "ns2", 7,
                "host", "d", true, "data-agent", null, null, Timestamps.localIso(now)));
        table.record(heartbeat("original-agent", null, OperationalState.READY));

        assertThat(table.liveness()).extracting(AgentLiveness::instanceName)
                .containsExactly("data-agent-1", "original-agent", "data-agent-7");
        assertThat(table.current("ns2", "data-agent")).get().extracting(s -> s.heartbeat().operationalState())
                .isEqualTo(OperationalState.PROCESSING);
    }

    @Test
    void anInstanceSilentForSeveralIntervalsIsForgotten() {
        table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY));
        table.record(heartbeat("original-agent", null, OperationalState.READY));
        later(INTERVAL.multipliedBy(2));
        table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY));
        later(INTERVAL.multipliedBy(2));

        assertThat(states()).containsExactly(Map.entry("data-agent", "READY"));
        assertThat(table.liveness()).singleElement().extracting(AgentLiveness::secondsSinceHeartbeat)
                .isEqualTo(INTERVAL.multipliedBy(2).toSeconds());
        later(INTERVAL.multipliedBy(2));
        assertThat(table.liveness()).isEmpty();
        assertThat(table.current("ns1", "data-agent")).isEmpty();
        assertThat(table.size()).isZero();
    }

    @Test
    void theTableStaysSmallOverManyRestarts() {
        for (int restart = 0; restart < 1_000; restart++) {
            for (String program : List.of("workflow-runner", "data-agent", "fastmon-agent")) {
                String instance = program + "-" + restart;
                table.record(heartbeat(instance, program, OperationalState.STARTING));
                table.record(heartbeat(instance, program, OperationalState.READY));
                // Every other restart is a crash: no EXITED heartbeat, so the instance is remembered as replaced.
                if (restart % 2 == 0) {
                    table.record(heartbeat(instance, program, OperationalState.EXITED));
                }
            }
            later(Duration.ofMillis(100));
            assertThat(table.size()).isLessThanOrEqualTo(3 * (1 + HeartbeatTable.REPLACED_PER_PROGRAM));
        }
        assertThat(table.liveness()).hasSize(3);
        later(INTERVAL.multipliedBy(HeartbeatTable.SILENT_INTERVALS).plusSeconds(1));
        assertThat(table.size()).isZero();
    }

    @Test
    void aReplacedInstanceThatKeepsTalkingStaysIgnoredAndIsForgottenOnceSilent() {
        table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY));
        later(Duration.ofSeconds(1));
        table.record(heartbeat("data-agent-2", "data-agent", OperationalState.READY));
        for (int i = 0; i < 5; i++) {
            later(INTERVAL);
            table.record(heartbeat("data-agent-2", "data-agent", OperationalState.READY));
            assertThat(table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY))).isFalse();
        }
        assertThat(table.size()).isEqualTo(2);
        later(INTERVAL.multipliedBy(HeartbeatTable.SILENT_INTERVALS).plusSeconds(1));
        table.record(heartbeat("data-agent-2", "data-agent", OperationalState.READY));
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void fromAListTheNewestPerProgramWinsAndOnATieTheOneNotExited() {
        AgentLiveness oldExited = new AgentLiveness("data-agent-9", "DATA", "data-agent", 9L, "EXITED", "EXITED", true, 5);
        AgentLiveness newReady = new AgentLiveness("data-agent-10", "DATA", "data-agent", 10L, "READY", "OK", true, 1);
        AgentLiveness tieExited = new AgentLiveness("fastmon-9", "FASTMON", "fastmon-agent", 9L, "EXITED", "EXITED",
                true, 2);
        AgentLiveness tieReady = new AgentLiveness("fastmon-10", "FASTMON", "fastmon-agent", 10L, "READY", "OK", true, 2);
        AgentLiveness programless = new AgentLiveness("original", "DATA", null, 1L, "READY", "OK", true, 0);

        assertThat(HeartbeatTable.newestByProgram(List.of(newReady, oldExited, tieReady, tieExited, programless)))
                .containsExactly(Map.entry("data-agent", newReady), Map.entry("fastmon-agent", tieReady));
        assertThat(HeartbeatTable.newestByProgram(List.of(oldExited, newReady, tieExited, tieReady)))
                .containsExactly(Map.entry("data-agent", newReady), Map.entry("fastmon-agent", tieReady));
    }

    @Test
    void heartbeatAgesAreWholeSecondsOfReceiveTime() {
        table.record(heartbeat("data-agent-1", "data-agent", OperationalState.READY, now.minus(1, ChronoUnit.HOURS)));
        later(Duration.ofMillis(2500));
        assertThat(table.liveness()).singleElement().extracting(AgentLiveness::secondsSinceHeartbeat).isEqualTo(2L);
    }
}
