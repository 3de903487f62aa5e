package org.swf.testbed.protocol;

/**
 * What every command carries besides its own fields: when and by whom it was sent, and where
 * its answer goes when the transport cannot say (STOMP senders). On the wire these are plain
 * fields of the command's JSON object.
 *
 * @param timestamp local ISO time of sending
 * @param source who sent it, e.g. {@code cli}, {@code mcp}, {@code status}
 * @param replyTo a reply address given in the body, e.g. {@code /queue/replies.x}, or null
 * @param correlationId echoed in the reply, for senders that cannot set a transport one; or null
 */
public record CommandEnvelope(String timestamp, String source, String replyTo, String correlationId) {

    /**
     * @param source who sends the command
     * @return the envelope of a command sent now over a transport that carries the reply address
     */
    public static CommandEnvelope sentNowBy(String source) {
        return new CommandEnvelope(Timestamps.now(), source, null, null);
    }
}
