package org.swf.testbed.protocol;

import java.util.List;
import org.swf.testbed.status.AgentLiveness;
import org.swf.testbed.status.ExecutionSnapshot;

/**
 * The answer to {@code status_request}: the runner's state, its current (or last) execution, and
 * the namespace's agents as their heartbeats show them.
 *
 * @param namespace the runner's namespace
 * @param operationalState the runner's own state, e.g. {@code READY}
 * @param execution the current or last execution, or null when none ran
 * @param agents every agent of the namespace heard from, by instance name
 */
public record RunnerStatus(
        String namespace,
        String operationalState,
        ExecutionSnapshot execution,
        List<AgentLiveness> agents) {

    /** Copies the list; a reply without it has none. */
    public RunnerStatus {
        agents = agents == null ? List.of() : List.copyOf(agents);
    }
}
