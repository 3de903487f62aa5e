package org.swf.testbed.orchestrator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Records the duration of each step of an operation, in order. */
final class StepTimer {

    private final List<StepTiming> steps = new ArrayList<>();

    <T> T time(String step, Supplier<T> work) {
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
