package org.swf.testbed.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.util.Await;

/**
 * supervisord's answers as supervisorctl shows them: {@link #processInfo} and {@link #startResults}
 * read its XML-RPC answers, which the adapter uses, into the states, details and failure words
 * supervisorctl prints. The text parsers ({@link #parseStatus}, {@link #parseStart},
 * {@link #statusReply}) read supervisorctl's own output, following supervisor 4.2.5's templates
 * ({@code supervisorctl._show_statuses}, {@code _startresult}, {@code
 * rpcinterface._interpretProcessInfo}). Since the adapter speaks XML-RPC, only their tests call
 * them; they go once nothing needs to read supervisorctl's text.
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
     * What one {@code supervisorctl status} call says about its daemon.
     *
     * @param kind how the daemon reacted
     * @param programs the programs it reported, empty unless it answered
     * @param detail why it did not answer, in words for a person; empty when it answered
     */
    record StatusReply(Reply kind, List<ProgramStatus> programs, String detail) {

        StatusReply {
            programs = List.copyOf(programs);
        }

        /**
         * @param daemonProcessRuns whether a supervisord process of the configuration exists
         * @return the daemon's state: a process that does not answer is hung, not gone
         */
        DaemonState daemonState(boolean daemonProcessRuns) {
            return switch (kind) {
                case ANSWERED -> DaemonState.RUNNING;
                case SHUTTING_DOWN -> DaemonState.SHUTTING_DOWN;
                // Someone accepted on the socket and then said nothing useful: a daemon, if hidden from us.
                case NO_ANSWER -> DaemonState.HUNG;
                case NOT_LISTENING -> daemonProcessRuns ? DaemonState.HUNG : DaemonState.NOT_RUNNING;
            };
        }
    }

    /** How a supervisord reacted to {@code status}. */
    enum Reply {
        /** It listed its programs (exit 0 or 3). */
        ANSWERED,
        /** It said it is shutting down (exit 1, fault SHUTDOWN_STATE). */
        SHUTTING_DOWN,
        /** Nobody listens on the socket: it is missing or refuses (exit 4). */
        NOT_LISTENING,
        /** It accepted the connection but gave no usable answer in time. */
        NO_ANSWER
    }

    /**
     * Classifies a finished {@code supervisorctl status} by its exit code (DESIGN 3.4) and words.
     *
     * @param exitCode its exit code
     * @param stdout what it printed on stdout
     * @param output stdout and stderr together, for the detail
     * @return what it says about the daemon
     */
    static StatusReply statusReply(int exitCode, String stdout, String output) {
        if (exitCode == 0 || exitCode == 3) {
            return new StatusReply(Reply.ANSWERED, parseStatus(stdout), "");
        }
        String words = output.strip();
        if (exitCode == 1 && words.contains("SHUTDOWN_STATE")) {
            return new StatusReply(Reply.SHUTTING_DOWN, List.of(), "");
        }
        if (exitCode == 4 && (words.contains("refused connection") || words.contains("no such file"))) {
            return new StatusReply(Reply.NOT_LISTENING, List.of(), words);
        }
        return new StatusReply(Reply.NO_ANSWER, List.of(), "'supervisorctl status' failed with exit code " + exitCode
                + (words.isEmpty() ? "" : " (" + lastLine(words) + ")"));
    }

    /**
     * @param deadline how long {@code supervisorctl status} was given before it was killed
     * @return the reply of a daemon that accepted the connection and never answered
     */
    static StatusReply noAnswerWithin(Duration deadline) {
        return new StatusReply(Reply.NO_ANSWER, List.of(), "'supervisorctl status' got no answer within "
                + Await.seconds(deadline));
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
     * @param allProcessInfo supervisord's answer to {@code supervisor.getAllProcessInfo}
     * @return one status per program, as {@link #parseStatus} reads them from {@code
     *     supervisorctl status}: its state, and for a RUNNING one its pid and uptime; the detail is
     *     supervisord's description, the text supervisorctl prints
     * @throws XmlRpcCodec.MalformedResponse when the answer is not a list of process infos
     */
    static List<ProgramStatus> processInfo(Object allProcessInfo) {
        if (!(allProcessInfo instanceof List<?> infos)) {
            throw new XmlRpcCodec.MalformedResponse("getAllProcessInfo answered " + allProcessInfo);
        }
        List<ProgramStatus> statuses = new ArrayList<>();
        for (Object entry : infos) {
            if (!(entry instanceof Map<?, ?> info) || !(info.get("name") instanceof String name)
                    || !(info.get("statename") instanceof String stateName)) {
                throw new XmlRpcCodec.MalformedResponse("getAllProcessInfo answered an entry " + entry);
            }
            ProgramState state = STATES.contains(stateName) ? ProgramState.parse(stateName) : ProgramState.UNKNOWN;
            long pid = 0;
            Duration uptime = Duration.ZERO;
            if (state == ProgramState.RUNNING) {
                pid = number(info.get("pid"));
                uptime = Duration.ofSeconds(Math.max(0, number(info.get("now")) - number(info.get("start"))));
            }
            Object description = info.get("description");
            statuses.add(new ProgramStatus(name, state, pid, uptime, description == null ? "" : description.toString()));
        }
        return statuses;
    }

    /**
     * @param results supervisord's answer to {@code supervisor.startProcessGroup}
     * @return per plain program name, null when it started (or already ran), else supervisorctl's
     *     words for the failure, as {@link #parseStart} reads them
     */
    static Map<String, String> startResults(Object results) {
        if (!(results instanceof List<?> entries)) {
            throw new XmlRpcCodec.MalformedResponse("startProcessGroup answered " + results);
        }
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> result) || !(result.get("name") instanceof String name)) {
                throw new XmlRpcCodec.MalformedResponse("startProcessGroup answered an entry " + entry);
            }
            int code = (int) number(result.get("status"));
            outcomes.put(name, code == SupervisordRpc.SUCCESS ? null : startFailure(code));
        }
        return outcomes;
    }

    /**
     * @param faultCode the fault a start answered with
     * @return supervisorctl's words for it (its {@code _startresult}), null for "already started"
     */
    static String startFailure(int faultCode) {
        return switch (faultCode) {
            case SupervisordRpc.ALREADY_STARTED, SupervisordRpc.SUCCESS -> null;
            case SupervisordRpc.BAD_NAME -> "no such process";
            case SupervisordRpc.NO_FILE -> "no such file";
            case SupervisordRpc.NOT_EXECUTABLE -> "file is not executable";
            case SupervisordRpc.SPAWN_ERROR -> "spawn error";
            case SupervisordRpc.ABNORMAL_TERMINATION -> "abnormal termination";
            default -> "fault " + faultCode;
        };
    }

    private static long number(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new XmlRpcCodec.MalformedResponse("expected a number, got " + value);
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1].strip();
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
