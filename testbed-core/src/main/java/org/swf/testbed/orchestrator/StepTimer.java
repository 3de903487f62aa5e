package org.swf.testbed.orchestrator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** Records the duration of each step of an operation, in order, and tells a listener when each begins. */
final class StepTimer {

    private static final System.Logger LOG = System.getLogger(StepTimer.class.getName());

    private final List<StepTiming> steps = new ArrayList<>();
    private final StepListener listener;
    private int started;
    private int expectedSteps;

    /**
     * @param listener hears each step as it begins
     * @param expectedSteps how many steps the operation is expected to take, as far as known now
     */
    StepTimer(StepListener listener, int expectedSteps) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.expectedSteps = expectedSteps;
    }

    /** A timer nobody listens to. */
    StepTimer() {
        this(StepListener.NONE, 0);
    }

    /** @param more how many more steps than expected so far the operation now needs */
    void expectMore(int more) {
        expectedSteps += more;
    }

    <T> T time(String step, Supplier<T> work) {
        started++;
        // A step beyond the estimate still counts: the expected total never falls behind the steps taken.
        expectedSteps = Math.max(expectedSteps, started);
        try {
            listener.stepStarted(step, started, expectedSteps);
        } catch (RuntimeException e) {
            // Telling someone how far it got must never be why a start or stop fails.
            LOG.log(System.Logger.Level.DEBUG, "A step listener failed on {0}: {1}", step, e.toString());
        }
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            steps.add(new StepTiming(step, Duration.ofNanos(System.nanoTime() - start)));
        }
    }

    void time(String step, Runnable work) {
        time(step, () -> {
            work.run();
            return null;
        });
    }

    List<StepTiming> steps() {
        return List.copyOf(steps);
    }
}
