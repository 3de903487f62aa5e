package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Keeps the README's embedding example true: its Java block, exactly as printed, compiles against
 * the published jars alone (the distribution's {@code lib/}: the module jars and their runtime
 * dependencies, no test classes) and, run as a program of its own by the test user, starts a real
 * testbed under supervisord, shows it running and stops it.
 */
class EmbeddingExampleIT {

    /** Marks the README's example block; the example's text says so, so nobody moves one without the other. */
    private static final String MARKER = "<!-- embedding-example:";
    private static final Path README = Path.of(System.getProperty("testbed.readme", "../README.md"));
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-embed");
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private Path classes;
    private Process example;

    @AfterEach
    void tearDown() {
        if (example != null) {
            System.err.println("EmbeddedTestbed (the README's example):\n" + transcript());
        }
        if (example != null && example.isAlive()) {
            example.descendants().forEach(ProcessHandle::destroyForcibly);
            example.destroyForcibly();
        }
        testbed.close();
        if (classes != null) {
            TestUser.deleteTree(classes);
        }
    }

    @Test
    void theReadmeExampleCompilesAgainstThePublishedJarsAndRunsStatusAndStopsATestbed() throws Exception {
        String source = exampleSource();
        String className = className(source);
        classes = testbed.user.newDirectory("testbed-it-embedding-");
        compile(className, source, classes);
        // The embedded broker of this home, on ports of its own: other builds may hold the standard ones.
        testbed.config("testbed.toml", testbed.virtualClockConfig(2));

        Path lib = TestUser.launcher().getParent().resolveSibling("lib");
        String java = ProcessHandle.current().info().command().orElseThrow();
        example = testbed.processBuilder(List.of(java, "-cp", lib + "/*:" + classes, className,
                testbed.home.toString())).start();
        drain(example.getInputStream(), out);
        drain(example.getErrorStream(), err);

        // It ran the testbed and reported it running; now it waits for Enter.
        await().atMost(DEADLINE).until(() -> err.stream().anyMatch(line -> line.startsWith("Press Enter"))
                || !example.isAlive());
        assertThat(example.isAlive()).as(transcript()).isTrue();
        String user = testbed.user.name;
        assertThat(out).as(transcript()).contains("Execution: stf_datataking-" + user + "-0001", "Executions: 1");
        Map<String, Long> shown = new LinkedHashMap<>();
        Pattern programLine = Pattern.compile("(\\S+) RUNNING pid (\\d+)");
        for (String line : out) {
            Matcher matcher = programLine.matcher(line);
            if (matcher.matches()) {
                shown.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
        }
        assertThat(shown.keySet()).as(transcript()).containsExactly("broker", "workflow-runner", "data-agent");

        // What it showed is what runs: the CLI observes the same programs, with the same pids.
        Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
        assertThat(status).containsEntry("state", "RUNNING").containsEntry("namespace", "it-embed");
        assertThat(programs(status)).allSatisfy(program -> assertThat(program).containsEntry("state", "RUNNING"));
        assertThat(programs(status).stream().collect(Collectors.toMap(p -> (String) p.get("name"),
                p -> ((Number) p.get("pid")).longValue()))).isEqualTo(shown);
        assertThat(shown.values()).allMatch(TestbedHome::running);
        assertThat(testbed.cli("workflows", "--json").out()).contains("stf_datataking-" + user + "-0001");

        // Enter stops everything it started, and the program ends.
        try (OutputStream stdin = example.getOutputStream()) {
            stdin.write('\n');
        }
        assertThat(example.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as(transcript()).isTrue();
        assertThat(example.exitValue()).as(transcript()).isZero();
        assertThat(out).as(transcript()).anySatisfy(line -> assertThat(line).startsWith("Stopped: ")
                .contains("data-agent", "workflow-runner", "broker"));
        assertThat(shown.values()).noneMatch(TestbedHome::running);
        assertThat(testbed.processesOfThisHome()).isEmpty();
        assertThat(codec.decodeObject(testbed.cli("status", "--json").out())).containsEntry("state", "STOPPED");
    }

    /** @return the Java block that follows the marker in README.md, exactly as printed */
    private static String exampleSource() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("README.md marks its embedding example with " + MARKER).isNotNegative();
        int start = readme.indexOf("```java\n", marker);
        assertThat(start).as("a ```java block after the marker in README.md").isNotNegative();
        start += "```java\n".length();
        int end = readme.indexOf("\n```", start);
        assertThat(end).as("the end of the README's ```java block").isPositive();
        return readme.substring(start, end + 1);
    }

    private static String className(String source) {
        Matcher matcher = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)").matcher(source);
        assertThat(matcher.find()).as("the README's example declares a public class").isTrue();
        return matcher.group(1);
    }

    /**
     * Compiles the example as a user of the distribution would: against every jar of its
     * {@code lib/} and nothing else, warnings included.
     */
    private void compile(String className, String source, Path into) throws IOException {
        Path file = into.resolve(className + ".java");
        testbed.user.write(file, source);
        List<String> jars;
        try (Stream<Path> lib = Files.list(TestbedHome.DISTRIBUTION.resolve("lib"))) {
            jars = lib.map(Path::toString).filter(name -> name.endsWith(".jar")).sorted().toList();
        }
        assertThat(jars).anySatisfy(jar -> assertThat(Path.of(jar).getFileName().toString()).startsWith("testbed-cli-"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK's compiler").isNotNull();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int code = compiler.run(null, diagnostics, diagnostics, "--release", "17", "-Xlint:all", "-Werror",
                "-proc:none", "-classpath", String.join(File.pathSeparator, jars), "-d", into.toString(),
                file.toString());
        assertThat(code).as("javac of the README's example:%n%s%n%s", diagnostics.toString(StandardCharsets.UTF_8),
                source).isZero();
        try (Stream<Path> compiled = Files.walk(into)) {
            compiled.forEach(testbed.user::own);
        }
    }

    private static void drain(InputStream stream, List<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended or the test closed it.
            }
        }, "embedding-example-output");
        reader.setDaemon(true);
        reader.start();
    }

    private String transcript() {
        return "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> programs(Map<String, Object> status) {
        return (List<Map<String, Object>>) status.get("programs");
    }
}
