package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * Asks a namespace's workflow runner to start a workflow; the reply carries the execution id.
 *
 * @param msgType always {@code run_workflow}
 * @param namespace the namespace whose runner should run it
 * @param workflowName the workflow, e.g. {@code stf_datataking}
 * @param config the workflow parameter config name (e.g. {@code fast_processing_default}), or
 *     null for {@code <workflow>_default}
 * @param realtime true to pace the simulation by the wall clock, false for a virtual clock
 * @param duration seconds after which to stop, 0 for until complete
 * @param params parameter overrides; a key replaces a value only where the key exists
 * @param timestamp local ISO time of sending
 * @param source who sent it, e.g. {@code cli} or {@code mcp}
 * @param replyTo a reply address for senders that cannot set one in the transport (STOMP),
 *     e.g. {@code /queue/replies.x}; null otherwise
 * @param correlationId echoed in the reply for senders that cannot set a transport one
 */
@JsonPropertyOrder({"msg_type", "namespace", "workflow_name", "config", "realtime", "duration", "params",
    "timestamp", "source", "reply_to", "correlation_id"})
public record RunWorkflow(
        String msgType,
        String namespace,
        String workflowName,
        String config,
        Boolean realtime,
        Double duration,
        Map<String, Object> params,
        String timestamp,
        String source,
        String replyTo,
        String correlationId) {

    /** Requires the type; defaults realtime, duration and params like the original. */
    public RunWorkflow {
        if (!MessageType.RUN_WORKFLOW.wireName().equals(msgType)) {
            throw new IllegalArgumentException("Not a run_workflow message: " + msgType);
        }
        realtime = realtime == null ? Boolean.TRUE : realtime;
        duration = duration == null ? 0.0 : duration;
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
