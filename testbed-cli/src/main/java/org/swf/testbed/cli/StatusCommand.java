package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
                + " execution.")
final class StatusCommand implements Callable<Integer> {

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
        return ExitCode.OK.code;
    }

    private static void print(PrintWriter out, TestbedStatus status) {
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
            out.printf("%-24s %-9s %8s %9s  %s%n", "PROGRAM", "STATE", "PID", "UPTIME", "HEARTBEAT");
            for (ProgramReport program : status.programs()) {
                String heartbeat = program.operationalState() == null ? "-" : program.operationalState()
                        + (program.secondsSinceHeartbeat() == null ? "" : " (" + program.secondsSinceHeartbeat() + " s ago)");
                out.printf("%-24s %-9s %8s %9s  %s%s%n", program.name(), program.state(),
                        program.pid() == 0 ? "-" : Long.toString(program.pid()), uptime(program.uptimeSeconds()),
                        heartbeat, program.failing() ? "  FAILING" + (program.detail().isEmpty() ? "" : ": " + program.detail()) : "");
                for (String line : program.logTail()) {
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
            out.println("Messages: " + execution.messages());
        } else if (status.runnerState() != null) {
            out.println("Execution: none yet");
        }
        for (String problem : status.problems()) {
            out.println("Problem: " + problem);
        }
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
