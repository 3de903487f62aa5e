package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code testbed benchmark} of the installed distribution, once with the smallest sizes: every
 * row is printed with numbers and its unit, the floors and the ratios to them are there, and
 * nothing it started or made is left. How fast anything is, is never asserted.
 */
class BenchmarkCommandIT {

    /** A number as the benchmark prints it: whole, or with one decimal. */
    private static final String NUMBER = "\\d+(\\.\\d)?";

    private final TestbedHome testbed = new TestbedHome("it-bench");

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void printsEveryFigureWithItsUnitAndFloorRatioAndLeavesNothingBehind() {
        Set<String> tempBefore = benchmarkTempEntries();
        Instant began = Instant.now();

        // The smallest benchmark: no warm-up (its runs are the same code as the measured ones), one run.
        TestbedHome.Result result = testbed.run(testbed.environment(), Duration.ofMinutes(20), "benchmark", "--runs",
                "1", "--warmups", "0", "--stfs", "5");

        assertThat(result.code()).as(result.err()).isZero();
        String out = result.out();
        assertThat(out).contains("1 measured run(s) of each figure after 0 warm-up run(s)");
        assertRow(out, "floor S: supervisord restart + start of 4 trivial programs", "ms", false);
        assertRow(out, "floor J: bare java -version", "ms", false);
        assertRow(out, "testbed run --fast, invocation to execution id", "ms", true);
        assertRow(out, "  step (measured by the CLI): process start to CLI", "ms", false);
        assertRow(out, "testbed run, runner + 4 sleep agents, to execution id", "ms", true);
        assertRow(out, "testbed run, runner + 4 built-in agents READY, to execution id", "ms", true);
        assertRow(out, "testbed run, fresh home, embedded broker, to execution id", "ms", true);
        assertRow(out, "pipeline, 5 STFs, trigger to its last summary", "ms", false);
        assertRow(out, "pipeline, messages counted at the broker", "msgs", false);
        assertRow(out, "pipeline throughput", "msg/s", false);
        assertRow(out, "testbed run --fast --wait fast_processing, end to end", "ms", true);
        for (String program : List.of("broker", "workflow-runner", "data-agent", "processing-agent", "fastmon-agent",
                "fast_processing-agent", "worker-agent")) {
            assertRow(out, "PSS of " + program, "MB", false);
        }
        assertRow(out, "PSS, total of the 7 programs", "MB", false);
        assertRow(out, "testbed status, running testbed, to exit", "ms", true);
        assertRow(out, "testbed --version, to exit", "ms", true);
        assertRow(out, "MCP check_agent_manager round trip", "ms", false);
        assertRow(out, "MCP start_user_testbed round trip", "ms", true);

        assertThat(testbed.processesOfThisHome()).as("programs of the benchmark's home").isEmpty();
        assertThat(processesMentioning("testbed-bench-", began)).as("programs of the benchmark's scratch homes")
                .isEmpty();
        assertThat(benchmarkTempEntries()).as("scratch homes, runtime directories and floors in /tmp")
                .isEqualTo(tempBefore);
    }

    @Test
    void anUnknownPartIsAUsageErrorNamingTheParts() {
        TestbedHome.Result result = testbed.cli("benchmark", "--only", "run,nonsense");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("nonsense").contains("run, trivial, jvm, fresh, pipeline, fast, pss, status,"
                + " version, mcp");
    }

    /** The row's label, three numbers, its unit, then its ratio to a floor or a dash. */
    private static void assertRow(String out, String label, String unit, boolean withFloor) {
        Pattern row = Pattern.compile("(?m)^  " + Pattern.quote(label) + " +"
                + NUMBER + " +" + NUMBER + " +" + NUMBER + " +" + Pattern.quote(unit) + " +"
                + (withFloor ? NUMBER + " x floor [SJ]" : "-") + "$");
        assertThat(row.matcher(out).find()).as("a row '%s' in %s with a %s%n%s", label, unit,
                withFloor ? "floor ratio" : "dash", out).isTrue();
    }

    private static Set<String> benchmarkTempEntries() {
        try (Stream<Path> entries = Files.list(Path.of("/tmp"))) {
            return entries.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("testbed-bench-"))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return pids of processes started since {@code since} whose command line or environment
     *     contains {@code text} (since then: a benchmark someone else runs is no business of this test)
     */
    private static List<Long> processesMentioning(String text, Instant since) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            for (Path process : proc.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String seen = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            + new String(Files.readAllBytes(process.resolve("environ")), StandardCharsets.UTF_8);
                    long pid = Long.parseLong(process.getFileName().toString());
                    boolean recent = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                            .map(start -> !start.isBefore(since)).orElse(false);
                    if (seen.contains(text) && recent && TestbedHome.running(pid)) {
                        found.add(pid);
                    }
                } catch (IOException | SecurityException e) {
                    // Gone meanwhile, or not ours to read.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
