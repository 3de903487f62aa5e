package org.swf.testbed.orchestrator;

import java.util.Map;

/**
 * How to run the testbed.
 *
 * @param configName the config name, or null for the default
 * @param triggerWorkflow whether to send {@code run_workflow} once the agents are ready
 * @param realtime overrides the config's {@code [workflow] realtime}, or null to keep it
 * @param parameters extra workflow parameter overrides, laid over {@code [parameters]}
 * @param source who asks, sent as the command's {@code source}
 * @param partial for a testbed spread over hosts: start it even when some hosts' agent managers
 *     do not answer, without those hosts' programs
 * @param shareOf the host that starts the testbed, when this run starts only this host's share
 *     of it (see {@link org.swf.testbed.protocol.StartTestbed#shareOf()}); null to start the
 *     testbed from this host
 * @param configDigest with {@code shareOf}: the SHA-256 (hex) of the config file on that host
 */
public record RunOptions(String configName, boolean triggerWorkflow, Boolean realtime,
        Map<String, Object> parameters, String source, boolean partial, String shareOf, String configDigest) {

    /** Copies the parameters; defaults the source. */
    public RunOptions {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        source = source == null ? "api" : source;
    }

    /**
     * Options that start the whole testbed from this host, and refuse to start part of it.
     *
     * @param configName the config name, or null for the default
     * @param triggerWorkflow whether to send {@code run_workflow} once the agents are ready
     * @param realtime overrides the config's {@code [workflow] realtime}, or null to keep it
     * @param parameters extra workflow parameter overrides
     * @param source who asks
     */
    public RunOptions(String configName, boolean triggerWorkflow, Boolean realtime, Map<String, Object> parameters,
            String source) {
        this(configName, triggerWorkflow, realtime, parameters, source, false, null, null);
    }

    /** @return these options, starting the testbed without the programs of hosts whose managers do not answer */
    public RunOptions allowingPartial() {
        return new RunOptions(configName, triggerWorkflow, realtime, parameters, source, true, shareOf, configDigest);
    }

    /**
     * @param initiator the host that starts the testbed
     * @param digest the SHA-256 (hex) of its config file
     * @return options that start this host's share of the testbed only, and no workflow
     */
    static RunOptions shareOf(String configName, String initiator, String digest, String source) {
        return new RunOptions(configName, false, null, Map.of(), source, false, initiator, digest);
    }

    /**
     * @param configName the config name, or null for the default
     * @return options that start the agents and trigger the config's workflow
     */
    public static RunOptions of(String configName) {
        return new RunOptions(configName, true, null, Map.of(), "api");
    }
}
