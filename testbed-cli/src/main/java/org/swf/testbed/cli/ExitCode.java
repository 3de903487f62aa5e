package org.swf.testbed.cli;

import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedTimeoutException;
import picocli.CommandLine;

/** The CLI's exit codes (DESIGN 3.5), and the one place failures are mapped to them. */
enum ExitCode {
    OK(0, "OK"),
    FAILED(1, "operation failed"),
    USAGE(2, "usage error"),
    INVALID_CONFIG(3, "invalid config"),
    UNAVAILABLE(4, "supervisord or broker unavailable"),
    CONFLICT(5, "lifecycle conflict (e.g. agents already running)"),
    TIMEOUT(6, "timed out waiting for readiness or a reply");

    final int code;
    final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /**
     * @param failure what went wrong
     * @return the exit code for it
     */
    static ExitCode of(Throwable failure) {
        if (failure instanceof ConfigException) {
            return INVALID_CONFIG;
        }
        if (failure instanceof ServiceUnavailableException) {
            return UNAVAILABLE;
        }
        if (failure instanceof LifecycleConflictException) {
            return CONFLICT;
        }
        if (failure instanceof TestbedTimeoutException) {
            return TIMEOUT;
        }
        if (failure instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return FAILED;
    }

    /** @return the table printed at the end of {@code --help} */
    static String table() {
        StringBuilder table = new StringBuilder();
        for (ExitCode exit : values()) {
            table.append(String.format("  %d  %s%n", exit.code, exit.meaning));
        }
        return table.toString();
    }
}
