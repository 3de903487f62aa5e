package org.swf.testbed.mcp;

import java.util.Objects;

/**
 * What the MCP server needs to know besides its broker connection.
 *
 * @param brokerUrl the broker the agent managers and runners use, e.g. {@code amqp://127.0.0.1:5672}
 * @param defaultUser whose agent manager a tool addresses when the caller names no {@code username}:
 *     the OS login name of the process owner; checked when used, so that a login name that cannot
 *     be a queue name is reported as a tool error with the fix
 * @param version the server version reported to MCP clients
 * @param timeouts how long the tools wait
 */
public record McpServerSettings(String brokerUrl, String defaultUser, String version, ToolTimeouts timeouts) {

    /** Requires a broker URL, a user, a version and timeouts. */
    public McpServerSettings {
        if (brokerUrl == null || brokerUrl.isBlank()) {
            throw new IllegalArgumentException("The MCP server needs a broker URL, e.g. amqp://127.0.0.1:5672");
        }
        Objects.requireNonNull(defaultUser, "defaultUser");
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("The MCP server needs a version to report");
        }
        Objects.requireNonNull(timeouts, "timeouts");
    }

    /**
     * @param brokerUrl the broker URL
     * @param version the server version
     * @return settings for the OS login name of this process, with the default timeouts
     */
    public static McpServerSettings of(String brokerUrl, String version) {
        return new McpServerSettings(brokerUrl, System.getProperty("user.name", ""), version, ToolTimeouts.defaults());
    }

    /**
     * @param timeouts other timeouts
     * @return these settings with {@code timeouts}
     */
    public McpServerSettings withTimeouts(ToolTimeouts timeouts) {
        return new McpServerSettings(brokerUrl, defaultUser, version, timeouts);
    }
}
