package org.swf.testbed;

import java.util.List;

/** A readiness condition or a reply did not arrive before its deadline. */
public class TestbedTimeoutException extends TestbedException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, why, and what to do */
    public TestbedTimeoutException(String message) {
        super(message);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure
     */
    public TestbedTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure, or null
     * @param logTail the last lines of the log of the program concerned
     */
    public TestbedTimeoutException(String message, Throwable cause, List<String> logTail) {
        super(message, cause, logTail);
    }
}
