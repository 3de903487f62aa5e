package org.swf.testbed;

import java.util.List;

/** The requested operation conflicts with the observed state, e.g. starting while agents already run. */
public class LifecycleConflictException extends TestbedException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, why, and what to do */
    public LifecycleConflictException(String message) {
        super(message);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure
     */
    public LifecycleConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure, or null
     * @param logTail the last lines of the log of the program concerned
     */
    public LifecycleConflictException(String message, Throwable cause, List<String> logTail) {
        super(message, cause, logTail);
    }
}
