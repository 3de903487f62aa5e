package org.swf.testbed.orchestrator;

import java.util.List;

/**
 * What {@code testbed stop-agents} did.
 *
 * @param stopped the programs that were running and are now stopped; empty when none ran
 * @param keptRunning the programs left running on purpose: the home's broker while the agent
 *     manager holds it
 */
public record StopResult(List<String> stopped, List<String> keptRunning) {

    /** Copies the lists. */
    public StopResult {
        stopped = List.copyOf(stopped);
        keptRunning = List.copyOf(keptRunning);
    }

    /** @param stopped the programs that were running and are now stopped; none was kept */
    public StopResult(List<String> stopped) {
        this(stopped, List.of());
    }
}
