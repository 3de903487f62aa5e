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
 * @param brokerReachable whether the broker accepted a connection just now (null when not tried)
 * @param programs every program, in start order
 * @param runnerState the workflow runner's own operational state, or null when it did not answer
 * @param execution the current or last workflow execution as the runner reports it, or null
 * @param problems sentences about what could not be observed and why
 */
public record TestbedStatus(String state, boolean supervisordRunning, String config, String namespace,
        String brokerUrl, Integer brokerStompPort, Boolean brokerReachable, List<ProgramReport> programs, String runnerState,
        ExecutionSnapshot execution, List<String> problems) {

    /** Copies the lists; absent ones are empty. */
    public TestbedStatus {
        programs = programs == null ? List.of() : List.copyOf(programs);
        problems = problems == null ? List.of() : List.copyOf(problems);
    }
}
