package org.swf.testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.swf.testbed.TestbedException;
import org.swf.testbed.protocol.JsonCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code testbed benchmark}: how long {@code testbed run} takes from invocation to the printed
 * execution id, and where the time goes. Runs the real CLI as a separate process, as a user
 * would, several times, stopping the agents between runs.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measure 'testbed run' from invocation to the printed execution id, step by step, over several"
                + " runs (agents are stopped between runs and at the end).")
final class BenchmarkCommand implements Callable<Integer> {

    @ParentCommand
    private TestbedCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "Config to run (default: the default config).")
    private String config;

    @Option(names = "--runs", defaultValue = "3", description = "How many runs (default ${DEFAULT-VALUE}).")
    private int runs;

    @Override
    public Integer call() {
        String launcher = System.getProperty("testbed.launcher");
        if (launcher == null) {
            throw new TestbedException("The benchmark runs the installed 'testbed' launcher, but this JVM was not"
                    + " started by it. Run it as bin/testbed benchmark");
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonCodec codec = new JsonCodec();
        List<Long> totals = new ArrayList<>();
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        cli.orchestrator().stopAgents();
        for (int i = 1; i <= runs; i++) {
            List<String> command = new ArrayList<>(List.of(launcher, "--home", cli.home().toString(), "run", "--fast",
                    "--json"));
            if (config != null) {
                command.add(config);
            }
            long start = System.nanoTime();
            String output = execute(command);
            long total = (System.nanoTime() - start) / 1_000_000;
            Map<String, Object> result = codec.decodeObject(output.lines().reduce((a, b) -> b).orElse("{}"));
            totals.add(total);
            if (result.get("step_millis") instanceof Map<?, ?> millis) {
                millis.forEach((step, value) -> steps.computeIfAbsent(String.valueOf(step), s -> new ArrayList<>())
                        .add(((Number) value).longValue()));
            }
            long inSteps = result.get("step_millis") instanceof Map<?, ?> millis
                    ? millis.values().stream().mapToLong(v -> ((Number) v).longValue()).sum() : 0;
            steps.computeIfAbsent("JVM start, CLI and exit (rest)", s -> new ArrayList<>()).add(total - inSteps);
            out.printf("run %d: %d ms to execution id %s%n", i, total, result.get("execution_id"));
            cli.orchestrator().stopAgents();
        }
        out.println();
        out.printf("testbed run, invocation to execution id, %d runs (median / min / max ms):%n", runs);
        out.printf("  %-32s %7d %7d %7d%n", "TOTAL", median(totals), min(totals), max(totals));
        steps.forEach((step, values) -> out.printf("  %-32s %7d %7d %7d%n", step, median(values), min(values),
                max(values)));
        return ExitCode.OK.code;
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
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("Interrupted", e);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

}
