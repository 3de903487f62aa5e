package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Asks a namespace's workflow runner to stop its running workflow at the next step.
 *
 * @param msgType always {@code stop_workflow}
 * @param namespace the runner's namespace
 * @param executionId the execution to stop, or null for whichever runs
 * @param timestamp local ISO time of sending
 * @param source who sent it
 * @param replyTo a reply address for STOMP senders, or null
 * @param correlationId echoed in the reply for STOMP senders, or null
 */
@JsonPropertyOrder({"msg_type", "namespace", "execution_id", "timestamp", "source", "reply_to", "correlation_id"})
public record StopWorkflow(
        String msgType,
        String namespace,
        String executionId,
        String timestamp,
        String source,
        String replyTo,
        String correlationId) {

    /** Requires the type. */
    public StopWorkflow {
        if (!MessageType.STOP_WORKFLOW.wireName().equals(msgType)) {
            throw new IllegalArgumentException("Not a stop_workflow message: " + msgType);
        }
    }
}
