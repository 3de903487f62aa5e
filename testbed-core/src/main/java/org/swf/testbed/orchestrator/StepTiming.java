package org.swf.testbed.orchestrator;

import java.time.Duration;

/**
 * How long one step of an operation took, for the benchmark and for {@code --verbose} output.
 *
 * @param step what was done
 * @param duration how long it took
 */
public record StepTiming(String step, Duration duration) {
}
