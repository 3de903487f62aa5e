package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.swf.testbed.TestbedException;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.StfFileRecord;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.store.SqliteExecutionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed workflows}: past and current workflow executions of this home. */
@Command(name = "workflows", mixinStandardHelpOptions = true,
        description = {"List workflow executions, newest first: status, run number, start, duration, STFs. An execution"
                + " whose runner died is shown failed, never running.",
            "With EXECUTION, show that execution and the STF files its agents registered with the monitor API, by"
                + " agent."})
final class WorkflowsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "How many (default ${DEFAULT-VALUE}).")
    private int limit;

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXECUTION",
            description = "An execution id, e.g. stf_datataking-alice-0001: show its detail.")
    private String executionId;

    @Mixin
    private JsonOption json;

    WorkflowsCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        if (executionId != null) {
            return detail();
        }
        List<ExecutionRecord> executions = home.orchestrator().executions(limit);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(new JsonCodec().encode(executions.stream().map(WorkflowsCommand::fields).toList()));
            return ExitCode.OK.code;
        }
        if (executions.isEmpty()) {
            out.println("No workflow executions yet. Start one with 'testbed run'.");
            return ExitCode.OK.code;
        }
        TextTable table = new TextTable(List.of("EXECUTION", "STATUS", "RUN", "NAMESPACE", "STARTED", "DURATION",
                "STFS", ""), false, false, false, false, false, true, true, false);
        for (ExecutionRecord execution : executions) {
            table.row(execution.executionId(), execution.status().word(), execution.runId(), execution.namespace(),
                    TIME.format(execution.startedAt()), duration(execution),
                    execution.messageCounts().getOrDefault("stf_gen", 0),
                    execution.failure() == null ? "" : execution.failure());
        }
        table.print(out);
        return ExitCode.OK.code;
    }

    private int detail() {
        SqliteExecutionStore store = home.executionStore();
        ExecutionRecord execution = store.find(executionId).orElseThrow(() -> new TestbedException("There is no"
                + " workflow execution '" + executionId + "' in " + home.home()
                + ". List them with 'testbed workflows'"));
        List<StfFileRecord> files = store.stfFiles(executionId);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonCodec codec = new JsonCodec();
            Map<String, Object> fields = fields(execution);
            fields.put("stf_files", files.stream().map(codec::toFields).toList());
            out.println(codec.encode(fields));
            return ExitCode.OK.code;
        }
        out.println("Execution " + execution.executionId() + ": " + execution.status().word() + ", run "
                + execution.runId() + ", namespace " + execution.namespace() + ", started "
                + TIME.format(execution.startedAt()) + ", took " + duration(execution)
                + (execution.failure() == null ? "" : ", " + execution.failure()));
        if (files.isEmpty()) {
            out.println("No STF files registered with the monitor API for run " + execution.runId() + ".");
            return ExitCode.OK.code;
        }
        Map<String, List<StfFileRecord>> byAgent = new TreeMap<>();
        files.forEach(file -> byAgent.computeIfAbsent(file.createdBy() == null ? "(unknown agent)" : file.createdBy(),
                agent -> new ArrayList<>()).add(file));
        TextTable table = new TextTable(List.of("AGENT", "STF FILE", "STATUS", "STATE"), false, false, false, false);
        byAgent.forEach((agent, registered) -> registered.forEach(file -> table.row(agent, file.stfFilename(),
                file.status(), file.machineState())));
        out.println("STF files registered (" + files.size() + "):");
        table.print(out);
        return ExitCode.OK.code;
    }

    static Map<String, Object> fields(ExecutionRecord execution) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("execution_id", execution.executionId());
        fields.put("workflow_name", execution.workflowName());
        fields.put("namespace", execution.namespace());
        fields.put("user", execution.user());
        fields.put("run_id", execution.runId());
        fields.put("status", execution.status().word());
        fields.put("started_at", execution.startedAt().toString());
        fields.put("ended_at", execution.endedAt() == null ? null : execution.endedAt().toString());
        fields.put("message_counts", execution.messageCounts());
        fields.put("parameters", execution.parameters());
        fields.put("failure", execution.failure());
        return fields;
    }

    private static String duration(ExecutionRecord execution) {
        if (execution.endedAt() == null) {
            return "-";
        }
        Duration took = Duration.between(execution.startedAt(), execution.endedAt());
        return took.toSeconds() >= 60 ? String.format("%dm%02ds", took.toMinutes(), took.toSecondsPart())
                : String.format("%.1fs", took.toMillis() / 1000.0);
    }
}
