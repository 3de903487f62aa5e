package org.swf.testbed.port;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run as an agent registered it with the monitor API.
 *
 * @param runId the id the store gave it (the monitor's primary key, which STF files refer to)
 * @param runNumber its number: the {@code run_id} of the workflow's messages
 * @param startTime when the agent says it started, as sent
 * @param endTime when the agent says it ended, as sent, or null while it runs
 * @param runConditions its conditions, as sent
 */
public record ReportedRun(long runId, long runNumber, String startTime, String endTime,
        Map<String, Object> runConditions) {

    /** Copies the conditions, keeping their order and nulls. */
    public ReportedRun {
        runConditions = Collections.unmodifiableMap(new LinkedHashMap<>(runConditions == null ? Map.of()
                : runConditions));
    }
}
