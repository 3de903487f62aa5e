package org.swf.testbed.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How a workflow runs, for every command that triggers one ({@code run}, {@code start-workflow}). */
final class WorkflowOptions {

    @Option(names = "--fast", description = "Run the workflow on a virtual clock (no real-time waits).")
    private boolean fast;

    @Option(names = "--realtime", description = "Run the workflow in real time, whatever the config says.")
    private boolean realtime;

    @Option(names = "--stf-count", paramLabel = "N", description = "Override the number of STFs per physics period.")
    private Integer stfCount;

    /** @return false for a virtual clock, true for real time, null for what the config says */
    Boolean realtime() {
        return fast ? Boolean.FALSE : realtime ? Boolean.TRUE : null;
    }

    /** @return the workflow parameters the options override */
    Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (stfCount != null) {
            parameters.put("stf_count", stfCount);
        }
        return parameters;
    }
}
