package org.swf.testbed.protocol;

/**
 * The answer to {@code stop_workflow}: the execution that will stop at its next step.
 *
 * @param executionId the stopping execution
 * @param stopping always true when the runner accepted
 */
public record WorkflowStopping(
        String executionId,
        Boolean stopping) {
}
