package org.swf.testbed;

import java.util.List;

/** A service the testbed needs (supervisord, the broker) is not installed, not running or not reachable. */
public class ServiceUnavailableException extends TestbedException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, why, and what to do */
    public ServiceUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure
     */
    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure, or null
     * @param logTail the last lines of the log of the program concerned
     */
    public ServiceUnavailableException(String message, Throwable cause, List<String> logTail) {
        super(message, cause, logTail);
    }
}
