package org.swf.testbed.cli;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.swf.testbed.TestbedException;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunResult;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.util.Await;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code testbed benchmark}: where the time goes, measured the way users meet it.
 * <ul>
 *   <li>{@code run}: {@code testbed run} as a separate process, from invocation to the printed
 *       execution id, step by step;</li>
 *   <li>{@code mcp}: {@code check_agent_manager} and a full {@code start_user_testbed} through
 *       {@code testbed mcp} and a real agent manager, with the MCP Java SDK client over stdio;</li>
 *   <li>{@code pipeline}: the fast-processing pipeline on a virtual clock, end to end over the
 *       broker: messages per second, and seconds for N STFs.</li>
 * </ul>
 * It stops the home's agents before and after. It prints figures; it asserts nothing.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Measure 'testbed run' (invocation to execution id, by step), the MCP round trips of"
                + " check_agent_manager and start_user_testbed, and the fast-mode throughput of the fast-processing"
                + " pipeline. Stops this home's agents before and after."})
final class BenchmarkCommand implements Callable<Integer> {

    private static final JsonCodec CODEC = new JsonCodec();

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Option(names = "--runs", defaultValue = "3", description = "Repetitions of each measurement (default ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--only", split = ",", paramLabel = "PART",
            description = "Run only these parts: run, mcp, pipeline (default: all).")
    private List<String> only = List.of("run", "mcp", "pipeline");

    @Option(names = "--stfs", defaultValue = "1000", description = "STFs for the pipeline throughput (default ${DEFAULT-VALUE}).")
    private int stfs;

    @Option(names = "--pipeline-config", defaultValue = "fast_processing",
            description = "Config of the pipeline measurement (default ${DEFAULT-VALUE}).")
    private String pipelineConfig;

    BenchmarkCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() throws Exception {
        String launcher = System.getProperty("testbed.launcher");
        if (launcher == null) {
            throw new TestbedException("The benchmark runs the installed 'testbed' launcher, but this JVM was not"
                    + " started by it. Run it as bin/testbed benchmark");
        }
        PrintWriter out = spec.commandLine().getOut();
        Orchestrator orchestrator = home.orchestrator();
        orchestrator.stopAgents();
        try {
            if (only.contains("run")) {
                benchmarkRun(out, orchestrator, launcher);
            }
            if (only.contains("mcp")) {
                benchmarkMcp(out, orchestrator, launcher);
            }
            if (only.contains("pipeline")) {
                benchmarkPipeline(out, orchestrator);
            }
        } finally {
            orchestrator.stopAgents();
        }
        return ExitCode.OK.code;
    }

    private void benchmarkRun(PrintWriter out, Orchestrator orchestrator, String launcher) {
        List<Long> totals = new ArrayList<>();
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        for (int i = 1; i <= runs; i++) {
            long start = System.nanoTime();
            String output = execute(List.of(launcher, "--home", home.home().toString(), "run", "--fast", "--json"));
            long total = millisSince(start);
            Map<String, Object> result = CODEC.decodeObject(output.lines().reduce((a, b) -> b).orElse("{}"));
            totals.add(total);
            long inSteps = 0;
            if (result.get("step_millis") instanceof Map<?, ?> millis) {
                for (Map.Entry<?, ?> step : millis.entrySet()) {
                    long value = ((Number) step.getValue()).longValue();
                    inSteps += value;
                    steps.computeIfAbsent(String.valueOf(step.getKey()), s -> new ArrayList<>()).add(value);
                }
            }
            steps.computeIfAbsent("JVM start, CLI and exit (rest)", s -> new ArrayList<>()).add(total - inSteps);
            out.printf("run %d: %d ms to execution id %s%n", i, total, result.get("execution_id"));
            out.flush();
            orchestrator.stopAgents();
        }
        out.printf("%ntestbed run, invocation to execution id, %d runs (median / min / max ms):%n", runs);
        row(out, "TOTAL", totals);
        steps.forEach((step, values) -> row(out, step, values));
        out.println();
    }

    private void benchmarkMcp(PrintWriter out, Orchestrator orchestrator, String launcher) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher, "--home", home.home().toString(), "agent-manager")
                .redirectErrorStream(true).redirectOutput(home.home().resolve("logs").resolve("agent-manager.log").toFile());
        home.home().resolve("logs").toFile().mkdirs();
        Process manager = builder.start();
        ServerParameters server = ServerParameters.builder(launcher).args("--home", home.home().toString(), "mcp").build();
        StdioClientTransport transport = new StdioClientTransport(server, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(90))
                .initializationTimeout(Duration.ofSeconds(30)).build();
        try {
            client.initialize();
            Await.until("the agent manager to answer check_agent_manager", Duration.ofSeconds(60),
                    () -> call(client, "check_agent_manager", Map.of()).isError() ? java.util.Optional.empty()
                            : java.util.Optional.of(true));
            List<Long> pings = new ArrayList<>();
            for (int i = 0; i < Math.max(5, runs * 5); i++) {
                long start = System.nanoTime();
                requireOk(call(client, "check_agent_manager", Map.of()), "check_agent_manager");
                pings.add(millisSince(start));
            }
            List<Long> starts = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                requireOk(call(client, "start_user_testbed", Map.of()), "start_user_testbed");
                starts.add(millisSince(start));
                requireOk(call(client, "stop_user_testbed", Map.of()), "stop_user_testbed");
            }
            out.printf("MCP tools through 'testbed mcp' and the agent manager (median / min / max ms):%n");
            row(out, "check_agent_manager (" + pings.size() + ")", pings);
            row(out, "start_user_testbed (" + starts.size() + ")", starts);
            out.println();
        } finally {
            client.closeGracefully();
            manager.destroy();
            manager.waitFor();
        }
    }

    private void benchmarkPipeline(PrintWriter out, Orchestrator orchestrator) throws InterruptedException {
        TestbedConfig config = orchestrator.loadConfig(pipelineConfig);
        RunOptions agentsOnly = new RunOptions(pipelineConfig, false, null, Map.of(), "benchmark");
        orchestrator.run(agentsOnly);
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        Map<String, Object> summary = new ConcurrentHashMap<>();
        BrokerEndpoint broker = orchestrator.runningBroker();
        List<Long> seconds = new ArrayList<>();
        List<Long> rates = new ArrayList<>();
        try (MessageBus bus = new JmsMessageBusFactory().connect(broker, "benchmark", Duration.ofSeconds(5))) {
            bus.subscribe(Destinations.EPICTOPIC, message -> {
                Map<String, Object> fields = CODEC.decodeObject(message.body());
                if (!config.namespace().equals(fields.get("namespace"))) {
                    return;
                }
                String type = String.valueOf(fields.get("msg_type"));
                counts.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
                if ("processing_summary".equals(type)) {
                    summary.putAll(fields);
                }
            });
            for (int i = 1; i <= runs; i++) {
                counts.clear();
                summary.clear();
                long start = System.nanoTime();
                RunResult run = orchestrator.startWorkflow(new RunOptions(null, true, false,
                        Map.of("stf_count", stfs, "physics_period_count", 1), "benchmark"));
                Await.until(stfs + " STFs through the pipeline", Duration.ofMinutes(30), () -> done(counts, summary,
                        run.executionId()) ? java.util.Optional.of(true) : java.util.Optional.empty());
                long millis = Math.max(1, millisSince(start));
                long slices = ((Number) summary.getOrDefault("slices_created", 0)).longValue();
                long messages = counts.values().stream().mapToLong(AtomicLong::get).sum() + 2 * slices;
                seconds.add(millis);
                rates.add(messages * 1000 / millis);
                out.printf("pipeline %d: %d STFs, %d messages (%d on epictopic, %d slices + %d results) in %.1f s%n", i,
                        stfs, messages, messages - 2 * slices, slices, slices, millis / 1000.0);
                out.flush();
            }
        }
        out.printf("%nFast-processing pipeline, virtual clock, over the broker (%s; median / min / max):%n",
                pipelineConfig);
        row(out, "seconds for " + stfs + " STFs (ms)", seconds);
        row(out, "messages per second", rates);
    }

    private boolean done(Map<String, AtomicLong> counts, Map<String, Object> summary, String executionId) {
        return count(counts, "end_run") >= 1 && count(counts, "stf_ready") >= stfs
                && count(counts, "tf_file_registered") >= 7L * stfs
                && executionId.equals(summary.get("execution_id")) && Boolean.TRUE.equals(summary.get("run_ended"))
                && summary.get("slices_completed") != null
                && summary.get("slices_completed").equals(summary.get("slices_created"))
                && ((Number) summary.getOrDefault("tf_files_received", 0)).longValue() >= 7L * stfs;
    }

    private static long count(Map<String, AtomicLong> counts, String type) {
        AtomicLong count = counts.get(type);
        return count == null ? 0 : count.get();
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void requireOk(CallToolResult result, String tool) {
        if (Boolean.TRUE.equals(result.isError())) {
            throw new TestbedException(tool + " failed during the benchmark: " + result.content());
        }
    }

    private static String execute(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            if (code != 0) {
                throw new TestbedException("'" + String.join(" ", command) + "' exited with " + code);
            }
            return output;
        } catch (IOException e) {
            throw new TestbedException("Cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("Interrupted", e);
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void row(PrintWriter out, String label, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        out.printf("  %-36s %8d %8d %8d%n", label, sorted.get(sorted.size() / 2), sorted.get(0),
                sorted.get(sorted.size() - 1));
        out.flush();
    }
}
