package org.swf.testbed.status;

import java.util.List;

/**
 * One program in {@code testbed status}: supervisord's view joined with the agent's own.
 *
 * @param name program name
 * @param state supervisord state (or ORPHANED)
 * @param pid process id, 0 when none
 * @param uptimeSeconds how long it has been running
 * @param detail supervisord's words for the state
 * @param failing whether it is failing (crash loop, gave up, orphaned, or silent while running)
 * @param operationalState the agent's last reported state, or null when unknown
 * @param secondsSinceHeartbeat age of the agent's last heartbeat, or null when unknown
 * @param logTail the last log lines when failing, else empty
 * @param agent the key of the agent the program runs (one program per copy of the agent), or
 *     null for a program that runs no agent (the broker, the workflow runner)
 * @param host the host it runs on, or null when not told
 */
public record ProgramReport(String name, String state, long pid, long uptimeSeconds, String detail,
        boolean failing, String operationalState, Long secondsSinceHeartbeat, List<String> logTail, String agent,
        String host) {

    /** Copies the list. */
    public ProgramReport {
        logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }

    /** A program that runs no agent, or whose agent is not told. */
    public ProgramReport(String name, String state, long pid, long uptimeSeconds, String detail, boolean failing,
            String operationalState, Long secondsSinceHeartbeat, List<String> logTail) {
        this(name, state, pid, uptimeSeconds, detail, failing, operationalState, secondsSinceHeartbeat, logTail,
                null, null);
    }

    /** @return this report, of a program on {@code host} */
    public ProgramReport onHost(String host) {
        return new ProgramReport(name, state, pid, uptimeSeconds, detail, failing, operationalState,
                secondsSinceHeartbeat, logTail, agent, host);
    }
}
