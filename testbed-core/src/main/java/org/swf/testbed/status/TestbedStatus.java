package org.swf.testbed.status;

import java.util.List;

/**
 * Everything {@code testbed status} shows, observed now.
 *
 * @param state the lifecycle state derived from the programs' states
 * @param supervisordRunning whether supervisord answered
 * @param config the config the running testbed was started with, or null
 * @param namespace its namespace, or null
 * @param brokerUrl the broker it uses (redacted), or null
 * @param brokerStompPort the STOMP port of the home's embedded broker, or null for an external one
 * @param brokerReachable whether the broker accepted a connection just now, or the workflow runner reports its own
 *     connection up (null when neither was asked)
 * @param programs every program, in start order
 * @param runnerState the workflow runner's own operational state, or null when it did not answer
 * @param execution the current or last workflow execution as the runner reports it, or null
 * @param problems sentences about what could not be observed and why
 * @param supervisordState what supervisord did when asked: RUNNING, SHUTTING_DOWN, HUNG (its process
 *     runs but it does not answer) or NOT_RUNNING; null from a sender that does not report it
 */
public record TestbedStatus(String state, boolean supervisordRunning, String config, String namespace,
        String brokerUrl, Integer brokerStompPort, Boolean brokerReachable, List<ProgramReport> programs, String runnerState,
        ExecutionSnapshot execution, List<String> problems, String supervisordState) {

    /** Copies the lists; absent ones are empty. */
    public TestbedStatus {
        programs = programs == null ? List.of() : List.copyOf(programs);
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /**
     * A status without the daemon state, which is then told only by {@code supervisordRunning}.
     *
     * @param state the lifecycle state
     * @param supervisordRunning whether supervisord answered
     * @param config the config, or null
     * @param namespace the namespace, or null
     * @param brokerUrl the redacted broker URL, or null
     * @param brokerStompPort the embedded broker's STOMP port, or null
     * @param brokerReachable whether the broker accepted a connection, or null
     * @param programs every program
     * @param runnerState the runner's operational state, or null
     * @param execution the current execution, or null
     * @param problems what could not be observed
     */
    public TestbedStatus(String state, boolean supervisordRunning, String config, String namespace, String brokerUrl,
            Integer brokerStompPort, Boolean brokerReachable, List<ProgramReport> programs, String runnerState,
            ExecutionSnapshot execution, List<String> problems) {
        this(state, supervisordRunning, config, namespace, brokerUrl, brokerStompPort, brokerReachable, programs,
                runnerState, execution, problems, null);
    }
}
