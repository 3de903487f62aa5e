package org.swf.testbed;

import java.util.List;

/** A configuration file, name or value is invalid; the message names the file, key and fix. */
public class ConfigException extends TestbedException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, why, and what to do */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed, why, and what to do
     * @param cause the underlying failure, or null
     * @param logTail the last lines of the log of the program concerned
     */
    public ConfigException(String message, Throwable cause, List<String> logTail) {
        super(message, cause, logTail);
    }
}
