package org.swf.testbed.config;

import java.util.Objects;

/**
 * The {@code [workflow]} table of a testbed config: what {@code testbed run} starts.
 *
 * @param name the workflow, e.g. {@code stf_datataking}
 * @param config the workflow parameter config name, e.g. {@code fast_processing_default}
 * @param realtime true to pace the simulation by the wall clock, false for a virtual clock
 */
public record WorkflowSettings(String name, String config, boolean realtime) {

    /** The workflow the original runs by default. */
    public static final String DEFAULT_NAME = "stf_datataking";

    /** Requires a name; defaults the config to {@code <name>_default}. */
    public WorkflowSettings {
        Objects.requireNonNull(name, "name");
        config = config == null || config.isBlank() ? name + "_default" : config;
    }
}
