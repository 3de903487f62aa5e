package org.swf.testbed.protocol;

import java.util.List;
import java.util.Map;

/**
 * The answer to {@code start_testbed}: what the agent manager started.
 *
 * @param config the config used, absolute
 * @param namespace the testbed's namespace
 * @param programs the programs started, in start order
 * @param stepMillis how long each start-up step took, in order
 */
public record TestbedStarted(
        String config,
        String namespace,
        List<String> programs,
        Map<String, Long> stepMillis) {

    /** Copies the list; a reply without it has none. */
    public TestbedStarted {
        programs = programs == null ? List.of() : List.copyOf(programs);
    }
}
