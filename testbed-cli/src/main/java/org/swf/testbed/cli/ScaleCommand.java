package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.orchestrator.ScaleResult;
import org.swf.testbed.orchestrator.StepListener;
import org.swf.testbed.orchestrator.StepTiming;
import org.swf.testbed.protocol.JsonCodec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code testbed scale AGENT N}: run N copies of one agent of the running testbed. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Run COUNT copies of one agent of the running testbed, leaving its other programs as they"
                + " are: copies beyond COUNT are stopped; missing ones are started and waited for as 'run' waits"
                + " for its agents (a READY heartbeat, or RUNNING for command agents).",
            "The first copy is the agent's program (worker-agent), the N-th is worker-agent-N; each has its own"
                + " heartbeat and log ('testbed logs worker-agent-3'). Copies of a queue consumer share its work;"
                + " built-in agents that subscribe to the broadcast topic (data, processing, fastmon,"
                + " fast_processing) run as one copy, and the workflow runner is always one.",
            "In a testbed spread over hosts, a new copy N goes to the host the agent's hosts = [...] put it on,"
                + " whose agent manager starts it (see docs/hosts.md).",
            "The config is not changed: the next 'testbed run' starts the agent's replicas (default 1) again."})
final class ScaleCommand implements Callable<Integer> {

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "AGENT", description = "The agent's key in the config, e.g. worker.")
    private String agent;

    @Parameters(index = "1", paramLabel = "COUNT", description = "How many copies to run, 1 to "
            + AgentSpec.MAX_REPLICAS + ".")
    private int count;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long new copies may take to become ready (default ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Mixin
    private JsonOption json;

    @Option(names = {"-v", "--verbose"}, description = "Print how long each step took (to stderr).")
    private boolean verbose;

    ScaleCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        String key = agent.endsWith("-agent") ? agent.substring(0, agent.length() - "-agent".length()) : agent;
        if (!AgentSpec.KEY.matcher(key).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "AGENT '" + agent + "' is not an agent key:"
                    + " use the key of its [agents.KEY] table, e.g. worker");
        }
        if (count < 1 || count > AgentSpec.MAX_REPLICAS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "COUNT " + count + " is out of range: use 1"
                    + " to " + AgentSpec.MAX_REPLICAS + " (to run none, set enabled = false in the agent's table and"
                    + " run again)");
        }
        ScaleResult result = home.orchestrator(Duration.ofSeconds(timeoutSeconds)).scale(key, count,
                StepListener.NONE);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (verbose) {
            // Step names name the copies, so the column is as wide as the longest.
            int width = result.steps().stream().mapToInt(step -> step.step().length()).max().orElse(0);
            for (StepTiming step : result.steps()) {
                err.printf("  %-" + width + "s %6d ms%n", step.step(), step.duration().toMillis());
            }
        }
        if (json.enabled()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("agent", result.agent());
            fields.put("before", result.before());
            fields.put("after", result.after());
            fields.put("started", result.started());
            fields.put("stopped", result.stopped());
            out.println(new JsonCodec().encode(fields));
            return ExitCode.OK.code;
        }
        String copies = result.after() == 1 ? "1 copy" : result.after() + " copies";
        if (result.before() == result.after()) {
            out.println("Agent " + result.agent() + " runs " + copies + " already; nothing changed");
        } else {
            out.println("Agent " + result.agent() + ": " + result.before() + " -> " + copies
                    + (result.started().isEmpty() ? "" : ". Started (ready): " + String.join(", ", result.started()))
                    + (result.stopped().isEmpty() ? "" : ". Stopped: " + String.join(", ", result.stopped())));
        }
        return ExitCode.OK.code;
    }
}
