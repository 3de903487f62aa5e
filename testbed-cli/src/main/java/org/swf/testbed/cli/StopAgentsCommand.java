package org.swf.testbed.cli;

import java.util.concurrent.Callable;
import org.swf.testbed.orchestrator.StopResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed stop-agents}: stop every program of this testbed. */
@Command(name = "stop-agents", mixinStandardHelpOptions = true,
        description = "Stop all workflow agents, the runner and the embedded broker (supervisorctl -c"
                + " agents.supervisord.conf stop all), including agents left running by a killed supervisord.")
final class StopAgentsCommand implements Callable<Integer> {

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    StopAgentsCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        StopResult result = home.orchestrator().stopAgents();
        if (result.stopped().isEmpty()) {
            spec.commandLine().getOut().println("No agents running");
        } else {
            spec.commandLine().getOut().println("Stopped: " + String.join(", ", result.stopped()));
        }
        if (!result.keptRunning().isEmpty()) {
            spec.commandLine().getOut().println("Left running for the agent manager: "
                    + String.join(", ", result.keptRunning()));
        }
        return ExitCode.OK.code;
    }
}
