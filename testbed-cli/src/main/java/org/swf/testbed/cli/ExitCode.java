package org.swf.testbed.cli;

import org.swf.testbed.protocol.ErrorCode;
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
     * Maps a failure through the error code its exception class stands for ({@link ErrorCode#of}),
     * so the CLI's exit codes and the bus's error codes cannot drift apart.
     *
     * @param failure what went wrong
     * @return the exit code for it
     */
    static ExitCode of(Throwable failure) {
        if (failure instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return switch (ErrorCode.of(failure)) {
            case INVALID_CONFIG -> INVALID_CONFIG;
            case UNAVAILABLE -> UNAVAILABLE;
            case BUSY, ALREADY_RUNNING, NOT_RUNNING -> CONFLICT;
            case TIMEOUT -> TIMEOUT;
            case MALFORMED, UNKNOWN_COMMAND, WRONG_NAMESPACE, INTERNAL -> FAILED;
        };
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
