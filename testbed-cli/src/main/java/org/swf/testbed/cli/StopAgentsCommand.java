package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.swf.testbed.orchestrator.StopResult;
import org.swf.testbed.protocol.JsonCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed stop-agents}: stop every program of the testbed. */
@Command(name = "stop-agents", mixinStandardHelpOptions = true,
        description = "Stop the agents, then the workflow runner, then the broker (programs left by a killed"
                + " supervisord included); while the agent manager holds the broker, the broker keeps running. A"
                + " testbed spread over hosts stops on every host: the other hosts' agent managers stop theirs"
                + " (exit 4, naming the host, when one does not answer).")
final class StopAgentsCommand implements Callable<Integer> {

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Mixin
    private JsonOption json;

    StopAgentsCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        StopResult result = home.orchestrator().stopAgents();
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("stopped", result.stopped());
            fields.put("kept_running", result.keptRunning());
            fields.put("unreached_hosts", result.unreached());
            out.println(new JsonCodec().encode(fields));
            return exitCode(result);
        }
        if (result.stopped().isEmpty()) {
            out.println("No agents running");
        } else {
            out.println("Stopped: " + String.join(", ", result.stopped()));
        }
        if (!result.keptRunning().isEmpty()) {
            out.println("Left running for the agent manager: " + String.join(", ", result.keptRunning()));
        }
        PrintWriter err = spec.commandLine().getErr();
        result.unreached().forEach((host, why) -> err.println("testbed: " + host + " did not stop its programs: "
                + why));
        return exitCode(result);
    }

    /** @return 4 when a host of a testbed spread over several could not be told to stop: its programs may run on */
    private static int exitCode(StopResult result) {
        return result.unreached().isEmpty() ? ExitCode.OK.code : ExitCode.UNAVAILABLE.code;
    }
}
