package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.ProgramFactory;
import org.swf.testbed.status.ProgramReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed logs [AGENT]}: the last lines of a program's log, or of every program's. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print the last lines of a program's log (AGENT is an agent key such as 'data', or a program"
                + " name such as 'workflow-runner'); without AGENT, of every program.")
final class LogsCommand implements Callable<Integer> {

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "AGENT")
    private String agent;

    @Option(names = {"-n", "--lines"}, defaultValue = "50", description = "How many lines (default ${DEFAULT-VALUE}).")
    private int lines;

    LogsCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        Orchestrator orchestrator = home.orchestrator();
        PrintWriter out = spec.commandLine().getOut();
        if (agent != null) {
            String program = agent.equals(ProgramFactory.BROKER) || agent.equals(ProgramFactory.WORKFLOW_RUNNER)
                    || agent.endsWith("-agent") ? agent : ProgramFactory.agentProgram(agent);
            if (!program.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "Invalid agent name '" + agent + "': use an agent key such as 'data'");
            }
            print(out, orchestrator, program);
            return ExitCode.OK.code;
        }
        List<String> programs = orchestrator.status().programs().stream().map(ProgramReport::name).toList();
        if (programs.isEmpty()) {
            out.println("No programs. Start the testbed with 'testbed run'.");
        }
        for (String program : programs) {
            out.println("==> " + orchestrator.logFile(program) + " <==");
            print(out, orchestrator, program);
        }
        return ExitCode.OK.code;
    }

    private void print(PrintWriter out, Orchestrator orchestrator, String program) {
        List<String> tail = orchestrator.logTail(program, lines);
        if (tail.isEmpty()) {
            out.println("(no log yet at " + orchestrator.logFile(program) + ")");
        }
        tail.forEach(out::println);
    }
}
