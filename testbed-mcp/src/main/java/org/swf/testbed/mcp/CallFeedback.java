package org.swf.testbed.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.lang.System.Logger.Level;

/**
 * What a running tool call tells its client besides its result: progress notifications
 * ({@code notifications/progress}), sent only when the call's request carried a
 * {@code progressToken} in its {@code _meta}, and log messages ({@code notifications/message})
 * about notable events, which the SDK drops below the level the client chose with
 * {@code logging/setLevel} (info until it chooses).
 *
 * <p>Neither may fail the call: a client that went away costs a line on stderr, not the tool's
 * result. Progress only grows, as the MCP spec requires: a value that does not is not sent.
 */
final class CallFeedback {

    /** The logger name of this server's log messages, as clients show it. */
    static final String LOGGER = "testbed";

    private static final System.Logger LOG = System.getLogger(CallFeedback.class.getName());

    private final McpSyncServerExchange exchange;
    private final Object progressToken;
    private double lastProgress; // guarded by this
    private double lastTotal; // guarded by this

    /**
     * @param exchange the session of the call, or null when nobody listens (a direct call)
     * @param progressToken the call's progress token, or null when it asked for no progress
     */
    private CallFeedback(McpSyncServerExchange exchange, Object progressToken) {
        this.exchange = exchange;
        this.progressToken = progressToken;
    }

    /** @return feedback that goes nowhere, for a call without a client session */
    static CallFeedback none() {
        return new CallFeedback(null, null);
    }

    /**
     * @param exchange the session of the call, or null
     * @param request the call, whose {@code _meta.progressToken} asks for progress
     * @return the feedback of that call
     */
    static CallFeedback of(McpSyncServerExchange exchange, CallToolRequest request) {
        return new CallFeedback(exchange, request == null ? null : request.progressToken());
    }

    /** @return whether the client asked for progress, so it is worth finding out */
    boolean wantsProgress() {
        return exchange != null && progressToken != null;
    }

    /**
     * Tells the client how far the call got, when it asked.
     *
     * @param progress how far, greater than any value sent before
     * @param total how far it goes in all, or null when not known yet
     * @param message what is being done now
     */
    synchronized void progress(double progress, Double total, String message) {
        if (!wantsProgress() || progress <= lastProgress) {
            return;
        }
        lastProgress = progress;
        if (total != null) {
            lastTotal = Math.max(lastTotal, total);
        }
        try {
            exchange.progressNotification(new ProgressNotification(progressToken, progress, total, message, null));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Progress notification not sent: {0}", e.toString());
        }
    }

    /**
     * Tells the client, when it asked for progress, that the call has reached its end.
     *
     * @param message what it achieved
     */
    synchronized void finish(String message) {
        double end = Math.max(lastTotal, lastProgress + 1);
        progress(end, end, message);
    }

    /**
     * Sends a log message to the client, which drops it below the level it set.
     *
     * @param level how notable the event is
     * @param message the event, in words
     */
    void log(LoggingLevel level, String message) {
        if (exchange == null) {
            return;
        }
        try {
            exchange.loggingNotification(LoggingMessageNotification.builder(level, message).logger(LOGGER).build());
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Log message not sent: {0}", e.toString());
        }
    }
}
