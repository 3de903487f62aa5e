package org.swf.testbed.orchestrator;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code testbed stop-agents} did.
 *
 * @param stopped the programs that were running and are now stopped; empty when none ran
 * @param keptRunning the programs left running on purpose: the home's broker while the agent
 *     manager holds it
 * @param unreached for a testbed spread over hosts: the hosts whose agent managers did not stop
 *     their programs, with why and what to do; empty when every host stopped
 */
public record StopResult(List<String> stopped, List<String> keptRunning, Map<String, String> unreached) {

    /** Copies the lists. */
    public StopResult {
        stopped = List.copyOf(stopped);
        keptRunning = List.copyOf(keptRunning);
        unreached = Collections.unmodifiableMap(new TreeMap<>(unreached == null ? Map.of() : unreached));
    }

    /**
     * @param stopped the programs that were running and are now stopped
     * @param keptRunning the programs left running on purpose
     */
    public StopResult(List<String> stopped, List<String> keptRunning) {
        this(stopped, keptRunning, Map.of());
    }

    /** @param stopped the programs that were running and are now stopped; none was kept */
    public StopResult(List<String> stopped) {
        this(stopped, List.of());
    }
}
