package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.swf.testbed.TestbedException;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.JsonCodec;
import picocli.CommandLine;

/** How a failed command tells what went wrong on stderr: a line for people, or a JSON object under {@code --json}. */
final class ErrorReport {

    private ErrorReport() {
    }

    /**
     * {@code testbed: error: MESSAGE}, on one line, then the failed program's log tail when it has one.
     *
     * @param err stderr
     * @param failure what went wrong
     */
    static void text(PrintWriter err, Throwable failure) {
        err.println("testbed: error: " + message(failure).replace('\n', ' '));
        List<String> tail = logTail(failure);
        if (!tail.isEmpty()) {
            err.println("Last lines of its log:");
            tail.forEach(line -> err.println("  | " + line));
        }
    }

    /**
     * One JSON object on one line: {@code error} (the message), {@code error_code} (as the
     * broker's replies name it; {@code USAGE} for a command-line mistake), {@code exit_code},
     * and {@code log_tail} when a program's log explains the failure.
     *
     * @param err stderr
     * @param failure what went wrong
     * @param exit the exit code the command returns
     */
    static void json(PrintWriter err, Throwable failure, ExitCode exit) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("error", message(failure));
        report.put("error_code", failure instanceof CommandLine.ParameterException ? "USAGE"
                : ErrorCode.of(failure).name());
        report.put("exit_code", exit.code);
        List<String> tail = logTail(failure);
        if (!tail.isEmpty()) {
            report.put("log_tail", tail);
        }
        err.println(new JsonCodec().encode(report));
    }

    private static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    private static List<String> logTail(Throwable failure) {
        return failure instanceof TestbedException testbed ? testbed.logTail() : List.of();
    }
}
