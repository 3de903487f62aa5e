package org.swf.testbed.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Workflow commands on a running testbed: the CLI's counterparts of the MCP workflow tools. */
final class WorkflowCommands {

    private WorkflowCommands() {
    }

    /** {@code testbed start-workflow}: trigger the workflow again on the running agents. */
    @Command(name = "start-workflow", mixinStandardHelpOptions = true,
            description = "Trigger the running testbed's workflow (its config's [workflow]) and print the execution id.")
    static final class Start implements Callable<Integer> {

        @ParentCommand
        private TestbedCli cli;

        @Spec
        private CommandSpec spec;

        @Option(names = "--fast", description = "Run on a virtual clock.")
        private boolean fast;

        @Option(names = "--realtime", description = "Run in real time, whatever the config says.")
        private boolean realtime;

        @Option(names = "--stf-count", paramLabel = "N", description = "Override the number of STFs per physics period.")
        private Integer stfCount;

        @Override
        public Integer call() {
            Map<String, Object> parameters = new LinkedHashMap<>();
            if (stfCount != null) {
                parameters.put("stf_count", stfCount);
            }
            RunResult result = cli.orchestrator().startWorkflow(new RunOptions(null, true,
                    fast ? Boolean.FALSE : realtime ? Boolean.TRUE : null, parameters, "cli"));
            spec.commandLine().getOut().println("Workflow triggered: " + result.executionId() + " (run "
                    + result.runId() + ").");
            return ExitCode.OK.code;
        }
    }

    /** {@code testbed stop-workflow [EXECUTION_ID]}: stop the running workflow at its next step. */
    @Command(name = "stop-workflow", mixinStandardHelpOptions = true,
            description = "Stop the running workflow at its next step (it still sends end_run, so agents return to READY).")
    static final class Stop implements Callable<Integer> {

        @ParentCommand
        private TestbedCli cli;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "EXECUTION_ID",
                description = "The execution to stop (default: whichever runs).")
        private String executionId;

        @Override
        public Integer call() {
            String stopped = cli.orchestrator().stopWorkflow(executionId);
            spec.commandLine().getOut().println("Stopping " + stopped + ".");
            return ExitCode.OK.code;
        }
    }
}
