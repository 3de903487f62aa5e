package org.swf.testbed.mcp;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
     * @param status the {@code status} object of the agent manager's reply
     * @return the summary of it
     */
    static StatusSummary of(String user, Map<String, Object> status) {
        String state = text(status.get("state"), "UNKNOWN");
        String namespace = text(status.get("namespace"), null);
        List<Map<?, ?>> programs = status.get("programs") instanceof List<?> list
                ? list.stream().filter(Map.class::isInstance).<Map<?, ?>>map(Map.class::cast).toList() : List.of();
        List<String> failing = programs.stream().filter(p -> Boolean.TRUE.equals(p.get("failing")))
                .map(p -> text(p.get("name"), "?")).toList();
        String runner = text(status.get("runner_state"), null);
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
            summary = "Ready" + in + ": " + programs.size() + " programs running, none failing; runner " + runner
                    + ". " + execution(status.get("execution"), namespace);
        }
        return new StatusSummary(ready, summary);
    }

    private static String execution(Object value, String namespace) {
        if (!(value instanceof Map<?, ?> execution) || execution.get("execution_id") == null) {
            return "No workflow has run yet: call start_workflow with namespace=" + namespace + ".";
        }
        String id = text(execution.get("execution_id"), "?");
        String status = text(execution.get("status"), "unknown");
        String stfs = "STFs " + text(execution.get("stf_generated"), "0")
                + (execution.get("stf_expected") == null ? "" : " of " + text(execution.get("stf_expected"), "?"));
        String phase = execution.get("state") == null ? "" : ", " + text(execution.get("state"), "")
                + (execution.get("substate") == null ? "" : "/" + text(execution.get("substate"), ""));
        return "Execution " + id + " " + status + phase + ", " + stfs + ".";
    }

    private static String text(Object value, String absent) {
        if (value == null) {
            return absent;
        }
        // JSON numbers may arrive as doubles; "3" reads better than "3.0".
        if (value instanceof Double number && number == Math.rint(number)) {
            return Long.toString(number.longValue());
        }
        return String.valueOf(value);
    }
}
