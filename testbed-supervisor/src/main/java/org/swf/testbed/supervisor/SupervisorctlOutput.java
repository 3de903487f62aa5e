package org.swf.testbed.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;

/**
 * Parses what supervisorctl prints. supervisorctl has no machine-readable output, so the
 * patterns here follow supervisor 4.2.5's templates ({@code supervisorctl._show_statuses},
 * {@code _startresult}, {@code rpcinterface._interpretProcessInfo}) and ignore every other
 * line (connection errors, tracebacks), which the callers judge by the exit code.
 */
final class SupervisorctlOutput {

    private static final Set<String> STATES =
            Set.of("STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN");

    private static final Pattern STATUS_LINE = Pattern.compile("^(\\S+)\\s+([A-Z]+)(?:\\s+(.*?))?\\s*$");

    private static final Pattern RUNNING_DETAIL =
            Pattern.compile("^pid (\\d+), uptime (?:(\\d+) days?, )?(\\d+):(\\d{2}):(\\d{2})$");

    private static final Pattern START_LINE = Pattern.compile("^(\\S+?): (started|ERROR \\((.*)\\))\\s*$");

    private SupervisorctlOutput() {
    }

    /**
     * @param output what {@code supervisorctl status} printed
     * @return one status per program line, with plain program names (no {@code group:})
     */
    static List<ProgramStatus> parseStatus(String output) {
        List<ProgramStatus> statuses = new ArrayList<>();
        for (String line : output.split("\\R")) {
            Matcher matcher = STATUS_LINE.matcher(line);
            if (!matcher.matches() || !STATES.contains(matcher.group(2)) || matcher.group(1).endsWith(":")) {
                continue;
            }
            String name = plainName(matcher.group(1));
            ProgramState state = ProgramState.parse(matcher.group(2));
            String detail = matcher.group(3) == null ? "" : matcher.group(3);
            long pid = 0;
            Duration uptime = Duration.ZERO;
            Matcher running = RUNNING_DETAIL.matcher(detail);
            if (running.matches()) {
                pid = Long.parseLong(running.group(1));
                long days = running.group(2) == null ? 0 : Long.parseLong(running.group(2));
                uptime = Duration.ofDays(days).plusHours(Long.parseLong(running.group(3)))
                        .plusMinutes(Long.parseLong(running.group(4))).plusSeconds(Long.parseLong(running.group(5)));
            }
            statuses.add(new ProgramStatus(name, state, pid, uptime, detail));
        }
        return statuses;
    }

    /**
     * @param output what {@code supervisorctl start ...} printed
     * @return per plain program name, null when it started (or already ran), else supervisord's
     *     words for the failure (e.g. "spawn error")
     */
    static Map<String, String> parseStart(String output) {
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            Matcher matcher = START_LINE.matcher(line.strip());
            if (!matcher.matches()) {
                continue;
            }
            String name = plainName(matcher.group(1));
            String error = matcher.group(3);
            results.put(name, error == null || error.equals("already started") ? null : error);
        }
        return results;
    }

    /**
     * @param namespec {@code group:name} or {@code name}
     * @return the program name
     */
    static String plainName(String namespec) {
        int colon = namespec.lastIndexOf(':');
        return colon < 0 ? namespec : namespec.substring(colon + 1);
    }
}
