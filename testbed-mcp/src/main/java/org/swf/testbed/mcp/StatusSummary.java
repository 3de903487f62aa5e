package org.swf.testbed.mcp;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.swf.testbed.status.ExecutionSnapshot;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.status.TestbedStatus;

/**
 * What a caller most needs from the agent manager's {@code status}: whether a workflow can be
 * started now, and the state in one line with what to do next.
 *
 * @param ready the testbed is RUNNING, no program is failing and the runner is READY or PROCESSING
 * @param summary the state in one line
 */
record StatusSummary(boolean ready, String summary) {

    private static final Set<String> SERVING_RUNNER_STATES = Set.of("READY", "PROCESSING");

    /** Requires a summary. */
    StatusSummary {
        Objects.requireNonNull(summary, "summary");
    }

    /**
     * @param user whose testbed
     * @param status the testbed's status as the agent manager observed it
     * @return the summary of it
     */
    static StatusSummary of(String user, TestbedStatus status) {
        String state = status.state() == null ? "UNKNOWN" : status.state();
        String namespace = status.namespace();
        List<String> failing = status.programs().stream().filter(ProgramReport::failing).map(ProgramReport::name)
                .toList();
        String runner = status.runnerState();
        boolean ready = "RUNNING".equals(state) && failing.isEmpty() && runner != null
                && SERVING_RUNNER_STATES.contains(runner);
        String in = namespace == null ? "" : " in namespace " + namespace;
        String summary;
        if (!failing.isEmpty()) {
            summary = state + in + ", but failing: " + String.join(", ", failing) + ". See tail_agent_log for each;"
                    + " stop_user_testbed then start_user_testbed restarts them.";
        } else if ("STOPPED".equals(state)) {
            summary = "STOPPED: no agents run for " + user + ". Call start_user_testbed to start them.";
        } else if (!"RUNNING".equals(state)) {
            summary = state + in + ": a start or stop is under way. Call get_testbed_status again in a few seconds.";
        } else if (!ready) {
            summary = "RUNNING" + in + ", but the workflow runner " + (runner == null ? "did not answer"
                    : "reports " + runner) + ". See tail_agent_log program=workflow-runner.";
        } else {
            summary = "Ready" + in + ": " + status.programs().size() + " programs running, none failing; runner "
                    + runner + ". " + execution(status.execution(), namespace);
        }
        return new StatusSummary(ready, summary);
    }

    private static String execution(ExecutionSnapshot execution, String namespace) {
        if (execution == null || execution.executionId() == null) {
            return "No workflow has run yet: call start_workflow with namespace=" + namespace + ".";
        }
        String stfs = "STFs " + execution.stfGenerated()
                + (execution.stfExpected() == null ? "" : " of " + execution.stfExpected());
        String phase = execution.state() == null ? "" : ", " + execution.state()
                + (execution.substate() == null ? "" : "/" + execution.substate());
        return "Execution " + execution.executionId() + " " + (execution.status() == null ? "unknown"
                : execution.status()) + phase + ", " + stfs + ".";
    }
}
