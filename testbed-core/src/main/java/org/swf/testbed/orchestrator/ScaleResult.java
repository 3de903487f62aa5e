package org.swf.testbed.orchestrator;

import java.util.List;

/**
 * What {@code testbed scale} did.
 *
 * @param agent the agent's key
 * @param before how many copies ran before
 * @param after how many copies run now, each ready
 * @param started the programs of the copies added, now ready
 * @param stopped the programs of the copies removed, now stopped
 * @param steps how long each step took
 */
public record ScaleResult(String agent, int before, int after, List<String> started, List<String> stopped,
        List<StepTiming> steps) {

    /** Copies the lists. */
    public ScaleResult {
        started = List.copyOf(started);
        stopped = List.copyOf(stopped);
        steps = List.copyOf(steps);
    }
}
