package org.swf.testbed.agents.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.swf.testbed.config.WorkflowParameters;
import org.swf.testbed.port.Clock;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.RunEvent;
import org.swf.testbed.protocol.StfGen;
import org.swf.testbed.protocol.Timestamps;

/**
 * The {@code stf_datataking} workflow: the DAQ state machine of the original simulator, with its
 * timing, driven by a {@link Clock} (the wall clock, or a virtual one in fast mode).
 *
 * <p>It walks no_beam/not_ready, beam/not_ready ({@code run_imminent}), beam/ready, then one or
 * more physics periods ({@code start_run}, then {@code resume_run}) producing STFs
 * ({@code stf_gen}), separated by standby ({@code pause_run}), and ends with {@code end_run}.
 * Unlike the original, a stopped run still sends {@code end_run} once it has started, so
 * agents return to READY.
 */
final class DaqSimulator {

    /** Each broadcast takes this long in the original before the next step. */
    private static final Duration BROADCAST_TIME = Duration.ofMillis(100);

    private final WorkflowParameters parameters;
    private final Clock clock;
    private final CountDownLatch stop;
    private final Consumer<Object> broadcast;
    private final ExecutionProgress progress;
    private final String sender;
    private final BroadcastPacer pacer;
    private Instant start;
    private int sequence;

    /**
     * @param parameters merged workflow parameters
     * @param clock the simulation's clock
     * @param stop released to stop the run at the next step
     * @param broadcast sends one message to epictopic
     * @param progress where the run's progress is recorded
     * @param sender the runner's instance name
     */
    DaqSimulator(WorkflowParameters parameters, Clock clock, CountDownLatch stop, Consumer<Object> broadcast,
            ExecutionProgress progress, String sender) {
        this(parameters, clock, stop, broadcast, progress, sender, BroadcastPacer.NONE);
    }

    /**
     * @param parameters merged workflow parameters
     * @param clock the simulation's clock
     * @param stop released to stop the run at the next step
     * @param broadcast sends one message to epictopic
     * @param progress where the run's progress is recorded
     * @param sender the runner's instance name
     * @param pacer holds each STF back while the broadcasts' subscribers are behind
     */
    DaqSimulator(WorkflowParameters parameters, Clock clock, CountDownLatch stop, Consumer<Object> broadcast,
            ExecutionProgress progress, String sender, BroadcastPacer pacer) {
        this.pacer = pacer;
        this.parameters = parameters;
        this.clock = clock;
        this.stop = stop;
        this.broadcast = broadcast;
        this.progress = progress;
        this.sender = sender;
    }

    /**
     * Runs the workflow to its end or until stopped.
     *
     * @return true when it completed, false when it was stopped
     * @throws InterruptedException when the thread is interrupted
     */
    boolean run() throws InterruptedException {
        start = clock.now();
        long stfCount = parameters.integer("stf_count", 0);
        long periods = parameters.integer("physics_period_count", 1);
        double periodDuration = parameters.number("physics_period_duration", 10);
        double stfInterval = parameters.number("stf_interval", 2.0);
        double generationTime = parameters.number("stf_generation_time", 0.1);
        double broadcastDelay = parameters.number("broadcast_delay", 1);
        boolean runStarted = false;

        progress.phase("no_beam", "not_ready");
        if (!waitSeconds(parameters.number("no_beam_not_ready_delay", 5))) {
            return false;
        }
        progress.phase("beam", "not_ready");
        lifecycle(MessageType.RUN_IMMINENT, "beam", "not_ready", null);
        if (!pause(BROADCAST_TIME) || !waitSeconds(broadcastDelay)
                || !waitSeconds(parameters.number("beam_not_ready_delay", 5))) {
            return false;
        }
        progress.phase("beam", "ready");
        if (!waitSeconds(parameters.number("beam_ready_delay", 2))) {
            return false;
        }
        try {
            for (long period = 0; periods == 0 || period < periods; period++) {
                progress.phase("run", "physics");
                lifecycle(period == 0 ? MessageType.START_RUN : MessageType.RESUME_RUN, "run", "physics", null);
                runStarted = true;
                if (!pause(BROADCAST_TIME) || !waitSeconds(broadcastDelay)) {
                    return false;
                }
                if (stfCount > 0) {
                    for (long k = 1; k <= stfCount; k++) {
                        if (!stf(generationTime) || (k < stfCount && !waitSeconds(stfInterval))) {
                            return false;
                        }
                    }
                } else {
                    Instant periodStart = clock.now();
                    while (secondsSince(periodStart) < periodDuration) {
                        if (!stf(generationTime)) {
                            return false;
                        }
                        if (secondsSince(periodStart) < periodDuration && !waitSeconds(stfInterval)) {
                            return false;
                        }
                    }
                }
                boolean anotherPeriod = periods == 0 || period + 1 < periods;
                if (anotherPeriod) {
                    progress.phase("run", "standby");
                    lifecycle(MessageType.PAUSE_RUN, "run", "standby", "Brief standby period");
                    if (!pause(BROADCAST_TIME) || !waitSeconds(broadcastDelay)
                            || !waitSeconds(parameters.number("standby_duration", 2))) {
                        return false;
                    }
                }
            }
            progress.phase("beam", "not_ready");
            endRun();
            runStarted = false;
            if (!pause(BROADCAST_TIME) || !waitSeconds(broadcastDelay)
                    || !waitSeconds(parameters.number("beam_not_ready_end_delay", 5))) {
                return false;
            }
            progress.phase("no_beam", "not_ready");
            return true;
        } finally {
            if (runStarted) {
                // Stopped mid-run: still close the run so every agent returns to READY.
                endRun();
            }
        }
    }

    private boolean stf(double generationTime) throws InterruptedException {
        if (!pacer.awaitRoom(stop)) {
            return false;
        }
        sequence++;
        StfGen message = new StfGen(MessageType.STF_GEN.wireName(), progress.namespace(), progress.executionId(),
                progress.runId(), StfGen.filename(progress.runId(), sequence), sequence, now(), tick(), "run",
                "physics", sender);
        broadcast.accept(message);
        progress.counted(MessageType.STF_GEN);
        return pause(BROADCAST_TIME) && waitSeconds(generationTime);
    }

    private void lifecycle(MessageType type, String state, String substate, String reason) {
        broadcast.accept(new RunEvent(type.wireName(), progress.namespace(), progress.executionId(), progress.runId(),
                now(), tick(), state, substate, reason, null, sender));
        progress.counted(type);
    }

    private void endRun() {
        broadcast.accept(new RunEvent(MessageType.END_RUN.wireName(), progress.namespace(), progress.executionId(),
                progress.runId(), now(), tick(), null, null, null, sequence, sender));
        progress.counted(MessageType.END_RUN);
    }

    private boolean waitSeconds(double seconds) throws InterruptedException {
        return pause(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    private boolean pause(Duration duration) throws InterruptedException {
        return clock.advance(duration, stop);
    }

    private double secondsSince(Instant since) {
        return Duration.between(since, clock.now()).toNanos() / 1e9;
    }

    private Double tick() {
        return Math.round(secondsSince(start) * 1000) / 1000.0;
    }

    private String now() {
        return Timestamps.localIso(clock.now());
    }
}
