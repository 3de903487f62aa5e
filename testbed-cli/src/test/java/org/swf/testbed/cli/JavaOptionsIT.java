package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.JsonCodec;

/**
 * The config's {@code java_options} reach the running JVMs through the generated supervisord file:
 * the testbed's to the runner and to built-in agents without their own, an agent's own to it alone,
 * each option one argument (a value with a space included), after the testbed's own options so
 * that they win; the broker keeps its own.
 */
class JavaOptionsIT {

    private static final String TESTBED_WIDE = "-Dtestbed.it.scope=testbed wide";
    private static final String DATA_AGENTS = "-Dtestbed.it.scope=data agent";

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-jvm");

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void configuredOptionsReachTheRunnerAndEachBuiltInAgentAsOneArgumentEach() throws IOException {
        testbed.config("testbed.toml", """
                [testbed]
                namespace = "it-jvm"
                java_options = ["%s", "-Xmx200m"]
                [agents.data]
                enabled = true
                java_options = ["%s", "-Xmx160m"]
                [agents.processing]
                enabled = true
                """.formatted(TESTBED_WIDE, DATA_AGENTS));

        TestbedHome.Result run = testbed.cli("run", "--no-workflow");

        assertThat(run.code()).as(run.err()).isZero();
        Map<String, List<String>> commandLines = commandLinesOfThePrograms();
        assertThat(commandLines.keySet()).containsExactlyInAnyOrder("broker", "workflow-runner", "data-agent",
                "processing-agent");
        assertThat(commandLines.get("workflow-runner")).contains(TESTBED_WIDE, "-Xmx200m");
        assertThat(commandLines.get("processing-agent")).contains(TESTBED_WIDE, "-Xmx200m");
        assertThat(commandLines.get("data-agent")).contains(DATA_AGENTS, "-Xmx160m").doesNotContain(TESTBED_WIDE);
        List<String> data = commandLines.get("data-agent");
        assertThat(data.lastIndexOf("-Xmx160m")).as("after the testbed's own heap size").isGreaterThan(
                data.indexOf("-Xmx256m"));
        assertThat(commandLines.get("broker")).doesNotContain(TESTBED_WIDE, DATA_AGENTS);

        assertThat(testbed.cli("stop-agents").code()).isZero();
    }

    /** @return every program's pid (as {@code testbed status} reports it) mapped to its argument vector */
    private Map<String, List<String>> commandLinesOfThePrograms() throws IOException {
        TestbedHome.Result status = testbed.cli("status", "--json");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> programs = (List<Map<String, Object>>) codec.decodeObject(status.out())
                .get("programs");
        Map<String, Long> pids = programs.stream().collect(Collectors.toMap(p -> (String) p.get("name"),
                p -> ((Number) p.get("pid")).longValue()));
        Map<String, List<String>> commandLines = new HashMap<>();
        for (Map.Entry<String, Long> program : pids.entrySet()) {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", program.getValue().toString(), "cmdline"));
            commandLines.put(program.getKey(), List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0")));
        }
        return commandLines;
    }
}
