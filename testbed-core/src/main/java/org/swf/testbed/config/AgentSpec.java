package org.swf.testbed.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code [agents.KEY]} table: whether the agent runs and how.
 *
 * @param key the table key, also the supervised program's name
 * @param enabled whether {@code testbed run} starts it
 * @param launch how to run it: a built-in agent, a command, or a script
 * @param environment extra environment variables for this agent
 * @param startSeconds how long it must stay up to count as started
 * @param autoRestart whether it is restarted when it exits unexpectedly
 * @param javaOptions the options of its JVM when it is a built-in agent: the table's
 *     {@code java_options}, else the testbed's ({@link TestbedConfig#javaOptions()}); a command
 *     or script runs no JVM of the testbed's, and they do not reach it
 * @param ready when {@code testbed run} takes it for ready, or null for its kind's default
 *     (built-in agents report heartbeats, commands and scripts are ready when running)
 * @param replicas how many copies of it run, each a program of its own (1 to {@value #MAX_REPLICAS})
 * @param hosts the hosts its copies run on, in turn (copy N on the N-th, round again after the
 *     last); empty for the host where {@code testbed run} starts the testbed
 */
public record AgentSpec(
        String key,
        boolean enabled,
        AgentLaunch launch,
        Map<String, String> environment,
        int startSeconds,
        boolean autoRestart,
        JavaOptions javaOptions,
        Readiness ready,
        int replicas,
        List<String> hosts) {

    /** Agent keys become program names and destination parts, so they stay plain words. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,47}");

    /**
     * The most copies of one agent: each is a JVM or process of its own on this host; a count
     * beyond what one machine holds belongs on several hosts.
     */
    public static final int MAX_REPLICAS = 64;

    /** Requires a plain key, a launch and JVM options (perhaps none); copies the environment. */
    public AgentSpec {
        Objects.requireNonNull(key, "key");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("agent key '" + key + "' is invalid");
        }
        Objects.requireNonNull(launch, "launch");
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        Objects.requireNonNull(javaOptions, "javaOptions");
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("agent '" + key + "': replicas " + replicas
                    + " is out of range: use 1 to " + MAX_REPLICAS);
        }
        hosts = List.copyOf(hosts == null ? List.of() : hosts);
        for (String host : hosts) {
            if (!TestbedEnvironment.HOST_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("agent '" + key + "': host '" + host + "' is not a host name");
            }
        }
    }

    /** One copy of the agent. */
    public AgentSpec(String key, boolean enabled, AgentLaunch launch, Map<String, String> environment,
            int startSeconds, boolean autoRestart, JavaOptions javaOptions, Readiness ready) {
        this(key, enabled, launch, environment, startSeconds, autoRestart, javaOptions, ready, 1, List.of());
    }

    /**
     * @param replica which copy, from 1
     * @return the host that copy runs on, empty for the host that starts the testbed
     */
    public Optional<String> hostOf(int replica) {
        return hosts.isEmpty() ? Optional.empty() : Optional.of(hosts.get((replica - 1) % hosts.size()));
    }
}
