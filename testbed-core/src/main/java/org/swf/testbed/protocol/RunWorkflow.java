package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.Map;

/**
 * Asks a namespace's workflow runner to start a workflow; the reply carries the execution id.
 *
 * @param namespace the namespace whose runner should run it
 * @param workflowName the workflow, e.g. {@code stf_datataking}
 * @param config the workflow parameter config name (e.g. {@code fast_processing_default}), or
 *     null for {@code <workflow>_default}
 * @param realtime true to pace the simulation by the wall clock, false for a virtual clock
 * @param duration seconds after which to stop, 0 for until complete
 * @param params parameter overrides; a key replaces a value only where the key exists
 * @param envelope when, by whom, and where the reply goes
 */
public record RunWorkflow(
        String namespace,
        String workflowName,
        String config,
        Boolean realtime,
        Double duration,
        Map<String, Object> params,
        @JsonUnwrapped CommandEnvelope envelope) implements RunnerCommand<WorkflowStarted> {

    /** Defaults realtime, duration and params like the original. */
    public RunWorkflow {
        realtime = realtime == null ? Boolean.TRUE : realtime;
        duration = duration == null ? 0.0 : duration;
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    @Override
    public MessageType type() {
        return MessageType.RUN_WORKFLOW;
    }

    @Override
    public Class<WorkflowStarted> resultType() {
        return WorkflowStarted.class;
    }
}
