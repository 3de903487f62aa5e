package org.swf.testbed.agents.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.swf.testbed.config.WorkflowParameters;
import org.swf.testbed.port.Clock;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.RunEvent;
import org.swf.testbed.protocol.StfGen;
import org.swf.testbed.time.VirtualClock;

class DaqSimulatorTest {

    private static final Map<String, Object> DAQ_DEFAULTS = Map.of(
            "no_beam_not_ready_delay", 5L, "beam_not_ready_delay", 5L, "beam_ready_delay", 2L,
            "beam_not_ready_end_delay", 5L, "broadcast_delay", 1L, "stf_interval", 2.0, "stf_generation_time", 0.1,
            "physics_period_duration", 10L, "physics_period_count", 2L, "standby_duration", 2L);

    private final List<Object> sent = new ArrayList<>();

    private WorkflowParameters parameters(Map<String, Object> overrides) {
        Map<String, Object> daq = new LinkedHashMap<>(DAQ_DEFAULTS);
        daq.putAll(overrides);
        return new WorkflowParameters(Map.of(), daq);
    }

    private ExecutionProgress progress() {
        return new ExecutionProgress("stf_datataking-alice-0001", "100010", "stf_datataking", "ns", false, 5,
                Instant.EPOCH);
    }

    @Test
    void countModeFollowsTheOriginalTimeline() throws InterruptedException {
        ExecutionProgress progress = progress();
        boolean completed = new DaqSimulator(parameters(Map.of("stf_count", 5L, "physics_period_count", 1L,
                "stf_interval", 2.2)), new VirtualClock(Instant.EPOCH), new CountDownLatch(1), sent::add, progress,
                "daq").run();

        assertThat(completed).isTrue();
        assertThat(types()).containsExactly("run_imminent", "start_run", "stf_gen", "stf_gen", "stf_gen", "stf_gen",
                "stf_gen", "end_run");
        assertThat(ticks()).containsExactly(5.0, 13.1, 14.2, 16.6, 19.0, 21.4, 23.8, 24.0);
        StfGen first = (StfGen) sent.get(2);
        assertThat(first.filename()).isEqualTo("swf.100010.000001.stf");
        assertThat(first.namespace()).isEqualTo("ns");
        assertThat(first.executionId()).isEqualTo("stf_datataking-alice-0001");
        assertThat(first.state()).isEqualTo("run");
        assertThat(first.substate()).isEqualTo("physics");
        RunEvent end = (RunEvent) sent.get(7);
        assertThat(end.totalStfFiles()).isEqualTo(5);
        assertThat(end.state()).isNull();
        assertThat(new JsonCodec().toFields(progress.snapshot())).containsEntry("stf_generated", 5).containsEntry("state", "no_beam");
    }

    @Test
    void durationModeWithTwoPeriodsPausesAndResumes() throws InterruptedException {
        new DaqSimulator(parameters(Map.of()), new VirtualClock(Instant.EPOCH), new CountDownLatch(1), sent::add,
                progress(), "daq").run();
        assertThat(types()).containsSubsequence("start_run", "stf_gen", "pause_run", "resume_run", "stf_gen", "end_run");
        RunEvent pause = (RunEvent) sent.stream().filter(m -> m instanceof RunEvent e && e.msgType().equals("pause_run"))
                .findFirst().orElseThrow();
        assertThat(pause.substate()).isEqualTo("standby");
        assertThat(pause.reason()).isEqualTo("Brief standby period");
        assertThat(types().stream().filter("stf_gen"::equals).count()).isEqualTo(10);
    }

    @Test
    void stoppedMidRunStillEndsTheRun() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Clock stopsAfterThirdStf = new Clock() {
            private final VirtualClock clock = new VirtualClock(Instant.EPOCH);

            @Override
            public Instant now() {
                return clock.now();
            }

            @Override
            public boolean advance(Duration duration, CountDownLatch latch) {
                if (types().stream().filter("stf_gen"::equals).count() == 3) {
                    latch.countDown();
                }
                return clock.advance(duration, latch);
            }
        };
        boolean completed = new DaqSimulator(parameters(Map.of("stf_count", 10L)), stopsAfterThirdStf, stop, sent::add,
                progress(), "daq").run();
        assertThat(completed).isFalse();
        assertThat(types()).endsWith("stf_gen", "end_run");
        assertThat(((RunEvent) sent.get(sent.size() - 1)).totalStfFiles()).isEqualTo(3);
    }

    private List<String> types() {
        return sent.stream().map(m -> m instanceof StfGen ? "stf_gen" : ((RunEvent) m).msgType()).toList();
    }

    private List<Double> ticks() {
        return sent.stream().map(m -> m instanceof StfGen s ? s.simulationTick() : ((RunEvent) m).simulationTick())
                .toList();
    }
}
