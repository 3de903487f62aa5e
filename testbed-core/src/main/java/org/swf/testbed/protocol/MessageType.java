package org.swf.testbed.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every {@code msg_type} (or agent-manager {@code command}) the testbed sends or understands. */
public enum MessageType {
    // Runner commands, on the namespace's workflow queue.
    RUN_WORKFLOW,
    STOP_WORKFLOW,
    STATUS_REQUEST,
    // Workflow broadcasts, on epictopic.
    RUN_IMMINENT,
    START_RUN,
    PAUSE_RUN,
    RESUME_RUN,
    STF_GEN,
    END_RUN,
    // Agent outputs, on epictopic.
    STF_READY,
    TF_FILE_REGISTERED,
    PROCESSING_COMPLETE,
    // Fast processing: slices on the namespace's work queue, results on its results queue.
    SLICE,
    SLICE_RESULT,
    // Agent-manager commands, on the user's control queue (sent as "command").
    START_TESTBED,
    STOP_TESTBED,
    STATUS,
    PING,
    LOGS,
    /** Copies of one agent on the manager's host, for a testbed spread over several. */
    SCALE_AGENT,
    // Answers and liveness.
    REPLY,
    /** A step of a long command under way, sent before its reply to a sender that asked for it. */
    PROGRESS,
    HEARTBEAT,
    /** Asks every agent of a namespace for a heartbeat now, e.g. from a runner that just started. */
    HEARTBEAT_REQUEST;

    /** Looked up for every message an agent receives: one map read, no string made. */
    private static final Map<String, MessageType> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(MessageType::wireName, Function.identity()));

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** @return the wire name, e.g. {@code run_workflow} */
    public String wireName() {
        return wireName;
    }

    /**
     * Checks a record's {@code msg_type} when it is built or read.
     *
     * @param msgType the record's {@code msg_type}
     * @throws IllegalArgumentException when it is not this type
     */
    public void require(String msgType) {
        if (!wireName().equals(msgType)) {
            throw new IllegalArgumentException("Not a " + wireName() + " message: " + msgType);
        }
    }

    /**
     * @param wireName a {@code msg_type} value
     * @return the matching type, empty for a type this project does not know
     */
    public static Optional<MessageType> fromWireName(String wireName) {
        return wireName == null ? Optional.empty() : Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }
}
