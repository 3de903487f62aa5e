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
 */
public record RunOptions(String configName, boolean triggerWorkflow, Boolean realtime,
        Map<String, Object> parameters, String source) {

    /** Copies the parameters; defaults the source. */
    public RunOptions {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        source = source == null ? "api" : source;
    }

    /**
     * @param configName the config name, or null for the default
     * @return options that start the agents and trigger the config's workflow
     */
    public static RunOptions of(String configName) {
        return new RunOptions(configName, true, null, Map.of(), "api");
    }
}
