package org.swf.testbed.protocol;

/**
 * The answer to {@code run_workflow}: the execution that started.
 *
 * @param executionId the new execution's id, e.g. {@code stf_datataking-alice-0001}
 * @param runId its run number
 * @param workflowName the workflow
 * @param config the workflow parameter config used
 * @param namespace the namespace it runs in
 * @param realtime whether it is paced by the wall clock
 */
public record WorkflowStarted(
        String executionId,
        String runId,
        String workflowName,
        String config,
        String namespace,
        Boolean realtime) {
}
