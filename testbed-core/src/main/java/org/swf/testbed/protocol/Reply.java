package org.swf.testbed.protocol;

import java.util.List;

/**
 * The answer to a command that carried a reply address. On the wire it is one JSON object: the
 * fields below, with the result's fields alongside them (e.g. {@code execution_id}); only
 * {@link JsonCodec} turns it into and out of that form.
 *
 * @param inReplyTo the command answered, e.g. {@code run_workflow}; null when it could not be read
 * @param success whether the command did what it asked
 * @param error a sentence a person can act on when it failed, else null
 * @param errorCode a stable reason when it failed, else null
 * @param correlationId the command's correlation id, if it had one
 * @param sender the answering agent's instance name
 * @param timestamp local ISO time of answering
 * @param result the command's result when it succeeded, else null
 * @param logTail the last lines of the log of a program that failed to start, else empty
 * @param <R> the command's result type
 */
public record Reply<R>(String inReplyTo, boolean success, String error, ErrorCode errorCode, String correlationId,
        String sender, String timestamp, R result, List<String> logTail) {

    /** Failed replies need an error and a code. */
    public Reply {
        if (!success && (error == null || errorCode == null)) {
            throw new IllegalArgumentException("A failed reply needs an error sentence and an error code");
        }
        logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }

    /**
     * @param inReplyTo the command answered
     * @param correlationId its correlation id, or null
     * @param sender the answering agent
     * @param result the command's result
     * @param <R> the result type
     * @return a successful reply, sent now
     */
    public static <R> Reply<R> ok(String inReplyTo, String correlationId, String sender, R result) {
        return new Reply<>(inReplyTo, true, null, null, correlationId, sender, Timestamps.now(), result, List.of());
    }

    /**
     * @param inReplyTo the command answered, or null when it could not be read
     * @param correlationId its correlation id, or null
     * @param sender the answering agent
     * @param code the stable reason
     * @param error a sentence a person can act on
     * @param logTail the last lines of a failed program's log, or empty
     * @return a failed reply, sent now
     */
    public static Reply<Void> failed(String inReplyTo, String correlationId, String sender, ErrorCode code,
            String error, List<String> logTail) {
        return new Reply<>(inReplyTo, false, error, code, correlationId, sender, Timestamps.now(), null, logTail);
    }
}
