package org.swf.testbed.protocol;

/**
 * The answer to {@code ping}: the agent manager and what it knows of itself.
 *
 * @param status always {@code alive}
 * @param username the user it serves
 * @param pid its process id
 * @param hostname its host
 * @param namespace the running testbed's namespace, or null when none was started
 * @param mqConnected whether its broker connection is up
 * @param operation the start or stop under way, or null
 * @param uptimeSeconds how long it has been running
 */
public record ManagerInfo(
        String status,
        String username,
        Long pid,
        String hostname,
        String namespace,
        Boolean mqConnected,
        String operation,
        Long uptimeSeconds) {
}
