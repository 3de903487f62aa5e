package org.swf.testbed.cli;

import org.swf.testbed.protocol.JsonCodec;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
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

        private final HomeServices home;

        @Spec
        private CommandSpec spec;

        @Mixin
        private WorkflowOptions workflow;

        @Mixin
        private JsonOption json;

        Start(HomeServices home) {
            this.home = home;
        }

        @Override
        public Integer call() {
            RunResult result = home.orchestrator().startWorkflow(new RunOptions(null, true, workflow.realtime(),
                    workflow.parameters(), "cli"));
            if (json.enabled()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("execution_id", result.executionId());
                fields.put("run_id", result.runId());
                fields.put("namespace", result.namespace());
                spec.commandLine().getOut().println(new JsonCodec().encode(fields));
            } else {
                spec.commandLine().getOut().println("Workflow triggered: " + result.executionId() + " (run "
                        + result.runId() + ").");
            }
            return ExitCode.OK.code;
        }
    }

    /** {@code testbed stop-workflow [EXECUTION_ID]}: stop the running workflow at its next step. */
    @Command(name = "stop-workflow", mixinStandardHelpOptions = true,
            description = "Stop the running workflow at its next step (it still sends end_run, so agents return to READY).")
    static final class Stop implements Callable<Integer> {

        private final HomeServices home;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "EXECUTION_ID",
                description = "The execution to stop (default: whichever runs).")
        private String executionId;

        @Mixin
        private JsonOption json;

        Stop(HomeServices home) {
            this.home = home;
        }

        @Override
        public Integer call() {
            String stopped = home.orchestrator().stopWorkflow(executionId);
            if (json.enabled()) {
                spec.commandLine().getOut().println(new JsonCodec().encode(Map.of("execution_id", stopped,
                        "status", "stopping")));
            } else {
                spec.commandLine().getOut().println("Stopping " + stopped + ".");
            }
            return ExitCode.OK.code;
        }
    }
}
