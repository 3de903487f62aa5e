package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A step of a long command under way ({@code progress}): sent by the command's consumer to the
 * command's reply address as each step begins, before the reply, when the command asked for it
 * (the agent manager's {@code start_testbed} and {@code stop_testbed} with {@code "progress": true}).
 * A sender that did not ask never gets one, so the original's clients still read the reply as the
 * first message at their reply address.
 *
 * @param msgType always {@code progress}
 * @param inReplyTo the command under way, e.g. {@code start_testbed}
 * @param step this step's place, from 1; it grows with every step
 * @param totalSteps how many steps the command is expected to take; it may grow while the
 *     command learns what it has to do
 * @param message what is being done now, e.g. {@code restart supervisord}
 * @param correlationId the command's correlation id, as its reply will carry it, or null
 * @param sender the consumer's instance name
 * @param timestamp local ISO time of sending
 */
@JsonPropertyOrder({"msg_type", "in_reply_to", "step", "total_steps", "message", "correlation_id", "sender",
    "timestamp"})
public record CommandProgress(String msgType, String inReplyTo, int step, int totalSteps, String message,
        String correlationId, String sender, String timestamp) {

    /** Requires the type, a step from 1, a total no smaller than it, and a message. */
    public CommandProgress {
        MessageType.PROGRESS.require(msgType);
        if (step < 1 || totalSteps < step) {
            throw new IllegalArgumentException("progress needs 1 <= step <= total_steps, got step " + step
                    + " of " + totalSteps);
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("progress without a message");
        }
    }

    /**
     * @param inReplyTo the command under way
     * @param step this step's place, from 1
     * @param totalSteps how many steps are expected
     * @param message what is being done now
     * @param correlationId the command's correlation id, or null
     * @param sender the consumer's instance name
     * @return the progress message, sent now
     */
    public static CommandProgress now(String inReplyTo, int step, int totalSteps, String message,
            String correlationId, String sender) {
        return new CommandProgress(MessageType.PROGRESS.wireName(), inReplyTo, step, totalSteps, message,
                correlationId, sender, Timestamps.now());
    }
}
