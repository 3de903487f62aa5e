package org.swf.testbed.port;

import java.util.Locale;

/** Where a workflow execution stands. */
public enum ExecutionStatus {
    /** Its runner is running it. */
    RUNNING,
    /** It ran to its end. */
    COMPLETED,
    /** It was stopped (stop_workflow, or its runner was stopped). */
    TERMINATED,
    /** It broke, or its runner died while running it. */
    FAILED;

    /** @return the lower-case word used in messages and the store */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param word a status word, any case
     * @return the status
     */
    public static ExecutionStatus of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
