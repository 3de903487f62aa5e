package org.swf.testbed.orchestrator;

import java.util.List;

/**
 * What {@code testbed stop-agents} did.
 *
 * @param stopped the programs that were running and are now stopped; empty when none ran
 */
public record StopResult(List<String> stopped) {

    /** Copies the list. */
    public StopResult {
        stopped = List.copyOf(stopped);
    }
}
