package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.orchestrator.RunResult;
import org.swf.testbed.orchestrator.StepTiming;
import org.swf.testbed.protocol.JsonCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed run [CONFIG]}: start the broker, runner and agents, then trigger the workflow. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start the testbed (embedded broker unless [broker] url is set, workflow runner, enabled"
                + " agents) under supervisord and trigger its workflow.",
            "CONFIG is looked up as workflows/CONFIG, workflows/CONFIG.toml, workflows/CONFIG_default.toml;"
                + " without it, $SWF_TESTBED_CONFIG or workflows/testbed.toml.",
            "",
            "Before it triggers the workflow (or returns, with --no-workflow), run waits until every program is"
                + " ready:",
            "- the broker: it accepts a connection with the login (the embedded broker, or [broker] url's);",
            "- the workflow runner and built-in agents (and an original example script a built-in agent"
                + " replaces): started by supervisord, then a READY heartbeat, which they send once subscribed"
                + " (supervisord's startsecs is not waited out);",
            "- command and script agents (e.g. the original Python agents): RUNNING in supervisord, that is up"
                + " for their startsecs (default 1 s). Whether they reached the broker is not checked: raise"
                + " startsecs for one that needs longer;",
            "- except those whose table says ready = \"heartbeat\" (e.g. agents on the original's BaseAgent, which"
                + " POST heartbeats to the monitor API the runner serves): started, then a READY heartbeat, over"
                + " the broker or that API.",
            "A program that exits before it is ready fails the run with its log (exit 1); one not ready within"
                + " --timeout times out (exit 6), naming every program that never reported READY."})
final class RunCommand implements Callable<Integer> {

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "Config name, e.g. fast_processing.")
    private String config;

    @Mixin
    private WorkflowOptions workflow;

    @Option(names = "--no-workflow", description = "Start the agents only; do not trigger the workflow.")
    private boolean noWorkflow;

    @Option(names = "--partial", description = "For a testbed spread over hosts: start it even when some hosts'"
            + " agent managers do not answer, without their programs (a note names them). Without it, run starts"
            + " nothing then, and says which hosts to fix.")
    private boolean partial;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long programs may take to become ready, as above (default ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Option(names = "--wait", description = "Follow the workflow to its end with a progress bar (on stderr); exit 0"
            + " when it completed, 1 when it was terminated or failed.")
    private boolean await;

    @Mixin
    private JsonOption jsonOption;

    @Option(names = {"-v", "--verbose"}, description = "Print how long each step took (to stderr).")
    private boolean verbose;

    RunCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() throws InterruptedException {
        // Measured here, where it ends, so that 'testbed benchmark' need not infer it as a remainder.
        Duration toCli = ProcessHandle.current().info().startInstant()
                .map(started -> Duration.between(started, Instant.now())).orElse(null);
        boolean json = jsonOption.enabled();
        RunOptions whole = new RunOptions(config, !noWorkflow, workflow.realtime(), workflow.parameters(), "cli");
        RunOptions options = partial ? whole.allowingPartial() : whole;
        RunResult result = home.orchestrator(Duration.ofSeconds(timeoutSeconds)).run(options);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        result.notices().forEach(notice -> err.println("testbed: note: " + notice));
        if (verbose) {
            if (toCli != null) {
                err.printf("  %-28s %6d ms%n", "process start to CLI", toCli.toMillis());
            }
            for (StepTiming step : result.steps()) {
                err.printf("  %-28s %6d ms%n", step.step(), step.duration().toMillis());
            }
        }
        if (!json) {
            out.println("Namespace: " + result.namespace());
            out.println("Started: " + String.join(", ", result.programs()));
            if (result.executionId() != null) {
                out.println("Workflow triggered: " + result.executionId() + " (run " + result.runId() + ")."
                        + (await ? "" : " Use 'testbed status' to monitor."));
            } else {
                out.println("Agents ready. No workflow triggered.");
            }
            out.flush();
        }
        ExecutionRecord outcome = null;
        if (await && result.executionId() != null) {
            ProgressBar bar = new ProgressBar(err, System.console() != null);
            outcome = home.orchestrator().follow(result.namespace(), result.executionId(), Duration.ofMillis(500),
                    bar::show);
            bar.done();
            if (!json) {
                out.println("Workflow " + outcome.executionId() + " " + outcome.status().word()
                        + (outcome.failure() == null ? "" : ": " + outcome.failure())
                        + ". STFs: " + outcome.messageCounts().getOrDefault("stf_gen", 0)
                        + ". Messages: " + StatusCommand.messageCounts(outcome.messageCounts()) + ".");
            }
        }
        if (json) {
            Map<String, Object> fields = toJson(result);
            if (outcome != null) {
                fields.put("execution", WorkflowsCommand.fields(outcome));
            }
            out.println(new JsonCodec().encode(fields));
        }
        return outcome == null || outcome.status() == ExecutionStatus.COMPLETED ? ExitCode.OK.code : ExitCode.FAILED.code;
    }

    private static Map<String, Object> toJson(RunResult result) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("config", result.config().toString());
        fields.put("namespace", result.namespace());
        fields.put("programs", result.programs());
        fields.put("execution_id", result.executionId());
        fields.put("run_id", result.runId());
        fields.put("notices", result.notices());
        Map<String, Long> steps = new LinkedHashMap<>();
        result.steps().forEach(step -> steps.put(step.step(), step.duration().toMillis()));
        fields.put("step_millis", steps);
        return fields;
    }
}
