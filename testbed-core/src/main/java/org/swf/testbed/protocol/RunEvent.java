package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * A run-lifecycle broadcast on {@code epictopic}: {@code run_imminent}, {@code start_run},
 * {@code pause_run}, {@code resume_run} or {@code end_run}, with the original's fields in the
 * original's order. {@code end_run} carries {@code total_stf_files} and no state; only
 * {@code pause_run} carries a {@code reason}.
 *
 * @param msgType one of the five lifecycle types
 * @param namespace the run's namespace
 * @param executionId the workflow execution
 * @param runId the run number, as a string like the original
 * @param timestamp local ISO time of sending
 * @param simulationTick seconds since the workflow started, on the simulation's clock
 * @param state DAQ state ({@code beam}, {@code run}); null for {@code end_run}
 * @param substate DAQ substate ({@code not_ready}, {@code physics}, {@code standby}); null for
 *     {@code end_run}
 * @param reason why the run pauses; {@code pause_run} only
 * @param totalStfFiles how many STFs the run produced; {@code end_run} only
 * @param sender the sending agent's instance name
 */
@JsonPropertyOrder({"msg_type", "namespace", "execution_id", "run_id", "timestamp", "simulation_tick",
    "state", "substate", "reason", "total_stf_files", "sender"})
public record RunEvent(
        String msgType,
        String namespace,
        String executionId,
        String runId,
        String timestamp,
        Double simulationTick,
        String state,
        String substate,
        String reason,
        Integer totalStfFiles,
        String sender) {

    private static final Set<MessageType> TYPES = EnumSet.of(
            MessageType.RUN_IMMINENT, MessageType.START_RUN, MessageType.PAUSE_RUN,
            MessageType.RESUME_RUN, MessageType.END_RUN);

    /** Requires one of the lifecycle types. */
    public RunEvent {
        MessageType type = MessageType.fromWireName(msgType).orElse(null);
        if (type == null || !TYPES.contains(type)) {
            throw new IllegalArgumentException("Not a run lifecycle message type: " + msgType);
        }
    }

    /** @return the message type */
    public MessageType type() {
        return MessageType.fromWireName(msgType).orElseThrow();
    }
}
