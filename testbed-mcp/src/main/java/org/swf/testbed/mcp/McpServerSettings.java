package org.swf.testbed.mcp;

import java.nio.file.Path;
import java.util.Objects;
import org.swf.testbed.port.BrokerEndpoint;

/**
 * What the MCP server needs to know besides its broker connection.
 *
 * @param broker the broker the agent managers and runners use, with the login to use there
 * @param defaultUser whose agent manager a tool addresses when the caller names no {@code username}:
 *     the OS login name of the process owner; checked when used, so that a login name that cannot
 *     be a queue name is reported as a tool error with the fix
 * @param otherUsers whether a tool may address another user's agent manager; off by default, so
 *     the server acts for its own user alone. Only for a shared broker whose authorization keeps
 *     every user to their own queues
 * @param version the server version reported to MCP clients
 * @param timeouts how long the tools wait
 * @param logDirectory the testbed home's log directory ({@code HOME/logs}), whose program logs the
 *     server offers as resources ({@code testbed://logs/PROGRAM}); null when the server has no
 *     home, and then offers none
 */
public record McpServerSettings(BrokerEndpoint broker, String defaultUser, boolean otherUsers, String version,
        ToolTimeouts timeouts, Path logDirectory) {

    /** Requires a broker, a user, a version and timeouts. */
    public McpServerSettings {
        if (broker == null || broker.url().isBlank()) {
            throw new IllegalArgumentException("The MCP server needs a broker URL, e.g. amqp://127.0.0.1:5672");
        }
        Objects.requireNonNull(defaultUser, "defaultUser");
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("The MCP server needs a version to report");
        }
        Objects.requireNonNull(timeouts, "timeouts");
        logDirectory = logDirectory == null ? null : logDirectory.toAbsolutePath().normalize();
    }

    /**
     * Settings for an anonymous broker connection, acting for {@code defaultUser} alone.
     *
     * @param brokerUrl the broker URL
     * @param defaultUser the user the server acts for
     * @param version the server version
     * @param timeouts how long the tools wait
     */
    public McpServerSettings(String brokerUrl, String defaultUser, String version, ToolTimeouts timeouts) {
        this(BrokerEndpoint.anonymous(brokerUrl), defaultUser, false, version, timeouts, null);
    }

    /**
     * @param broker the broker and its login
     * @param version the server version
     * @return settings for the OS login name of this process, acting for it alone, with the default
     *     timeouts
     */
    public static McpServerSettings of(BrokerEndpoint broker, String version) {
        return new McpServerSettings(broker, System.getProperty("user.name", ""), false, version,
                ToolTimeouts.defaults(), null);
    }

    /**
     * @param timeouts other timeouts
     * @return these settings with {@code timeouts}
     */
    public McpServerSettings withTimeouts(ToolTimeouts timeouts) {
        return new McpServerSettings(broker, defaultUser, otherUsers, version, timeouts, logDirectory);
    }

    /**
     * @param allowed whether tools may address other users' agent managers
     * @return these settings with that choice
     */
    public McpServerSettings withOtherUsers(boolean allowed) {
        return new McpServerSettings(broker, defaultUser, allowed, version, timeouts, logDirectory);
    }

    /**
     * @param directory the testbed home's log directory, whose logs become resources
     * @return these settings with that directory
     */
    public McpServerSettings withLogDirectory(Path directory) {
        return new McpServerSettings(broker, defaultUser, otherUsers, version, timeouts,
                Objects.requireNonNull(directory, "directory"));
    }
}
