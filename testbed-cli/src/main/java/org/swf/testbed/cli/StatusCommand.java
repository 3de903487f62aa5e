package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.status.ExecutionSnapshot;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.status.TestbedStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed status}: what runs now, observed, never remembered. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each program's supervisord state, pid, uptime and heartbeat, and the current workflow"
                + " execution.",
        footerHeading = "%nExit status (as supervisorctl status, for scripts):%n",
        footer = {"  0  nothing is failing: the programs run, or none was started",
            "  3  a program is failing (FATAL, BACKOFF, EXITED, left without its supervisord, or silent)",
            "  4  supervisord does not answer (the Problem line says why; 'testbed stop-agents' still stops"
                + " everything), is not installed, or the state cannot be read",
            "  other codes as for every command (testbed --help)"})
final class StatusCommand implements Callable<Integer> {

    /** The exit status of a status with a failing program: supervisorctl's ("not running", as LSB has it). */
    static final int PROGRAM_FAILING = 3;

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Mixin
    private JsonOption json;

    StatusCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        TestbedStatus status = home.orchestrator().status();
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(new JsonCodec().encode(status));
        } else {
            print(out, status);
        }
        return exitCode(status);
    }

    /**
     * @return 4 when supervisord does not answer (its programs' state is unknown, as supervisorctl
     *     says when it cannot reach its daemon), else 3 when a program is failing, else 0
     */
    static int exitCode(TestbedStatus status) {
        if (DaemonState.HUNG.name().equals(status.supervisordState())) {
            return ExitCode.UNAVAILABLE.code;
        }
        return status.programs().stream().anyMatch(ProgramReport::failing) ? PROGRAM_FAILING : ExitCode.OK.code;
    }

    /** @return message counts as people write them ("stf_gen 4, end_run 1"), or "none yet" */
    static String messageCounts(Map<String, ? extends Number> counts) {
        return counts.isEmpty() ? "none yet" : counts.entrySet().stream()
                .map(count -> count.getKey() + " " + count.getValue()).collect(Collectors.joining(", "));
    }

    static void print(PrintWriter out, TestbedStatus status) {
        out.println("Testbed: " + status.state()
                + (status.namespace() == null ? "" : "  namespace " + status.namespace())
                + (status.config() == null ? "" : "  config " + status.config()));
        if (status.brokerUrl() != null) {
            out.println("Broker: " + status.brokerUrl()
                    + (status.brokerStompPort() == null ? "" : ", STOMP 127.0.0.1:" + status.brokerStompPort())
                    + (status.brokerReachable() == null ? ""
                    : status.brokerReachable() ? " (reachable)" : " (NOT reachable)"));
        }
        out.println("supervisord: " + supervisord(status));
        if (status.programs().isEmpty()) {
            out.println("No programs. Start the testbed with 'testbed run'.");
        } else {
            // A testbed spread over hosts says where each program runs.
            boolean spread = status.programs().stream().map(ProgramReport::host).filter(h -> h != null).distinct()
                    .count() > 1;
            TextTable table = spread
                    ? new TextTable(List.of("PROGRAM", "HOST", "STATE", "PID", "UPTIME", "HEARTBEAT", ""), false, false,
                            false, true, true, false, false)
                    : new TextTable(List.of("PROGRAM", "STATE", "PID", "UPTIME", "HEARTBEAT", ""), false, false,
                            true, true, false, false);
            // An agent that runs as several copies gets a row of its own, its copies indented below it.
            Map<String, List<ProgramReport>> copies = status.programs().stream().filter(p -> p.agent() != null)
                    .collect(Collectors.groupingBy(ProgramReport::agent, LinkedHashMap::new, Collectors.toList()));
            List<List<String>> tails = new ArrayList<>();
            Set<String> grouped = new HashSet<>();
            for (ProgramReport program : status.programs()) {
                List<ProgramReport> group = program.agent() == null ? List.of(program) : copies.get(program.agent());
                boolean replicated = group.size() > 1;
                if (replicated && grouped.add(program.agent())) {
                    List<String> cells = new ArrayList<>(List.of(program.agent() + " (" + group.size() + " copies)",
                            counted(group, ProgramReport::state), "", "",
                            counted(group, p -> p.operationalState() == null ? "-" : p.operationalState()),
                            group.stream().anyMatch(ProgramReport::failing) ? "FAILING" : ""));
                    if (spread) {
                        cells.add(1, counted(group, p -> String.valueOf(p.host())));
                    }
                    table.row(cells.toArray());
                    tails.add(List.of());
                }
                List<String> cells = new ArrayList<>(List.of((replicated ? "  " : "") + program.name(), program.state(),
                        program.pid() == 0 ? "-" : Long.toString(program.pid()), uptime(program.uptimeSeconds()),
                        heartbeat(program), program.failing() ? "FAILING"
                                + (program.detail().isEmpty() ? "" : ": " + program.detail()) : ""));
                if (spread) {
                    cells.add(1, String.valueOf(program.host()));
                }
                table.row(cells.toArray());
                tails.add(program.logTail());
            }
            List<String> lines = table.lines();
            out.println(lines.get(0));
            for (int i = 0; i < tails.size(); i++) {
                out.println(lines.get(i + 1));
                for (String line : tails.get(i)) {
                    out.println("    | " + line);
                }
            }
        }
        ExecutionSnapshot execution = status.execution();
        if (execution != null) {
            Long expected = execution.stfExpected();
            out.println("Execution: " + execution.executionId() + " (run " + execution.runId() + ") "
                    + execution.status() + ", " + execution.state() + "/" + execution.substate()
                    + ", STFs " + execution.stfGenerated() + (expected == null ? "" : " of " + expected));
            out.println("Messages: " + messageCounts(execution.messages()));
        } else if (status.runnerState() != null) {
            out.println("Execution: none yet");
        }
        for (String problem : status.problems()) {
            out.println("Problem: " + problem);
        }
    }

    /** @return how many of {@code programs} are in each state, e.g. {@code 3 RUNNING, 1 STARTING} */
    private static String counted(List<ProgramReport> programs, Function<ProgramReport, String> state) {
        Map<String, Long> counts = programs.stream().collect(Collectors.groupingBy(state, TreeMap::new,
                Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    private static String heartbeat(ProgramReport program) {
        if (program.operationalState() == null) {
            return "-";
        }
        return program.operationalState()
                + (program.secondsSinceHeartbeat() == null ? "" : " (" + program.secondsSinceHeartbeat() + " s ago)");
    }

    /** @return the daemon's state in words; the problem lines say why and what to do */
    private static String supervisord(TestbedStatus status) {
        if (status.supervisordRunning()) {
            return "running";
        }
        if (DaemonState.HUNG.name().equals(status.supervisordState())) {
            return "NOT ANSWERING";
        }
        return DaemonState.SHUTTING_DOWN.name().equals(status.supervisordState()) ? "shutting down" : "not running";
    }

    private static String uptime(long seconds) {
        if (seconds <= 0) {
            return "-";
        }
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
