package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks a namespace's workflow runner to stop its running workflow at the next step.
 *
 * @param namespace the runner's namespace
 * @param executionId the execution to stop, or null for whichever runs
 * @param envelope when, by whom, and where the reply goes
 */
public record StopWorkflow(String namespace, String executionId, @JsonUnwrapped CommandEnvelope envelope)
        implements RunnerCommand<WorkflowStopping> {

    @Override
    public MessageType type() {
        return MessageType.STOP_WORKFLOW;
    }

    @Override
    public Class<WorkflowStopping> resultType() {
        return WorkflowStopping.class;
    }
}
