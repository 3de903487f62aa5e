package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code testbed run} did.
 *
 * @param config the config file used
 * @param namespace the testbed's namespace
 * @param programs the programs started, in start order
 * @param executionId the triggered workflow execution, or null when only agents were started
 * @param runId the execution's run number, or null
 * @param steps how long each step took
 * @param notices what the user should know about how it was started (e.g. the broker had to
 *     use other ports than the standard ones), one sentence each
 */
public record RunResult(Path config, String namespace, List<String> programs, String executionId, String runId,
        List<StepTiming> steps, List<String> notices) {

    /** Copies the lists. */
    public RunResult {
        programs = List.copyOf(programs);
        steps = List.copyOf(steps);
        notices = List.copyOf(notices);
    }
}
