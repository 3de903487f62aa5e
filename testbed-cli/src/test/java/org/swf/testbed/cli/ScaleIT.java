package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.swf.testbed.cli.FastProcessingMessages.count;
import static org.swf.testbed.cli.FastProcessingMessages.lastSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Copies of an agent with a real supervisord and the embedded broker over TCP: the fast-processing
 * testbed starts with two workers ({@code replicas = 2}), {@code testbed scale worker 4} adds two
 * while the others keep running (same pids), every copy takes slices of a fast run whose counts
 * stay exact, and scaling back to one stops the added copies' processes.
 */
class ScaleIT {

    private static final int STFS = 10;

    private final JsonCodec codec = new JsonCodec();
    private final String namespace = "it-scale-" + ProcessHandle.current().pid();
    private final TestbedHome testbed = new TestbedHome(namespace);

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void workersAreAddedAndRemovedWhileTheRestRunsAndEveryCopyTakesSlices() throws IOException {
        String shipped = Files.readString(testbed.home.resolve("workflows").resolve("fast_processing_default.toml"));
        String scaled = shipped.replaceFirst("namespace = \"[^\"]*\"", "namespace = \"" + namespace + "\"")
                .replaceFirst("(\\[agents\\.worker\\][^\\n]*\\n)", "$1replicas = 2\n"
                        + "environment = { SLICE_PROCESSING_MILLIS = \"20\" }\n");
        assertThat(scaled).contains("replicas = 2");
        testbed.config("scaled.toml", scaled);

        TestbedHome.Result run = testbed.cli("run", "scaled", "--fast", "--no-workflow");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("worker-agent, worker-agent-2");
        Map<String, Long> pidsBefore = pids();
        assertThat(copies(status(), "worker")).extracting(p -> p.get("name"), p -> p.get("operational_state"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("worker-agent", "READY"),
                        org.assertj.core.groups.Tuple.tuple("worker-agent-2", "READY"));

        TestbedHome.Result up = testbed.cli("scale", "worker", "4");

        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.out()).contains("Agent worker: 2 -> 4 copies").contains("worker-agent-3, worker-agent-4");
        Map<String, Object> afterUp = status();
        assertThat(copies(afterUp, "worker")).extracting(p -> p.get("name"))
                .containsExactly("worker-agent", "worker-agent-2", "worker-agent-3", "worker-agent-4");
        assertThat(copies(afterUp, "worker")).allSatisfy(p -> assertThat(p).containsEntry("state", "RUNNING")
                .containsEntry("operational_state", "READY"));
        // Every program that ran before runs on as the same process: nothing was restarted.
        assertThat(pids()).containsAllEntriesOf(pidsBefore);
        TestbedHome.Result text = testbed.cli("status");
        assertThat(text.out()).contains("worker (4 copies)").contains("4 RUNNING").contains("  worker-agent-4");

        Map<String, Set<String>> statesByProgram = new ConcurrentHashMap<>();
        List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
        try (MessageBus bus = new JmsMessageBusFactory().connect(testbed.endpoint(), "it-scale",
                Duration.ofSeconds(10))) {
            bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
            bus.subscribe(Destinations.HEARTBEATS, message -> {
                Map<String, Object> heartbeat = codec.decodeObject(message.body());
                if (namespace.equals(heartbeat.get("namespace")) && heartbeat.get("program") != null) {
                    statesByProgram.computeIfAbsent(String.valueOf(heartbeat.get("program")),
                            program -> ConcurrentHashMap.newKeySet())
                            .add(String.valueOf(heartbeat.get("operational_state")));
                }
            });
            FastProcessingMessages.runFast(bus, codec, namespace);

            await().atMost(Duration.ofSeconds(120)).until(() -> {
                Map<String, Object> summary = lastSummary(epictopic);
                return summary != null && Boolean.TRUE.equals(summary.get("run_ended"))
                        && summary.get("slices_completed").equals(summary.get("slices_created"));
            });
            Map<String, Object> summary = lastSummary(epictopic);
            assertThat(count(epictopic, "stf_gen")).isEqualTo(STFS);
            assertThat(count(epictopic, "stf_ready")).as("one data agent: each STF once").isEqualTo(STFS);
            assertThat(count(epictopic, "tf_file_registered")).isEqualTo(7 * STFS);
            assertThat(summary).containsEntry("slices_failed", 0).containsEntry("duplicate_answers", 0);
            // The broker hands the slice queue's messages round the four consumers: each copy worked.
            List<String> workers = List.of("worker-agent", "worker-agent-2", "worker-agent-3", "worker-agent-4");
            assertThat(workers).allSatisfy(program -> assertThat(statesByProgram.get(program))
                    .as("states %s reported", program).contains("PROCESSING"));
        }

        TestbedHome.Result down = testbed.cli("scale", "worker", "1", "--json");

        assertThat(down.code()).as(down.err()).isZero();
        Map<String, Object> result = codec.decodeObject(down.out());
        assertThat(result).containsEntry("before", 4).containsEntry("after", 1);
        assertThat(result.get("stopped")).isEqualTo(List.of("worker-agent-2", "worker-agent-3", "worker-agent-4"));
        Map<String, Long> pidsUp = pidsOf(afterUp);
        for (String removed : List.of("worker-agent-2", "worker-agent-3", "worker-agent-4")) {
            long pid = pidsUp.get(removed);
            await().atMost(Duration.ofSeconds(10)).until(() -> !TestbedHome.running(pid));
        }
        assertThat(copies(status(), "worker")).extracting(p -> p.get("name")).containsExactly("worker-agent");
        assertThat(pids()).containsEntry("worker-agent", pidsBefore.get("worker-agent"))
                .containsEntry("data-agent", pidsBefore.get("data-agent"));

        // What cannot run as several copies is refused, naming why, and nothing changes.
        TestbedHome.Result data = testbed.cli("scale", "data", "2");
        assertThat(data.code()).isEqualTo(ExitCode.INVALID_CONFIG.code);
        assertThat(data.err()).contains("built-in data agent").contains("epictopic");
        TestbedHome.Result runner = testbed.cli("scale", "workflow-runner", "2");
        assertThat(runner.code()).isEqualTo(ExitCode.INVALID_CONFIG.code);
        assertThat(runner.err()).contains("cannot run as several copies");
        TestbedHome.Result none = testbed.cli("scale", "worker", "0");
        assertThat(none.code()).isEqualTo(ExitCode.USAGE.code);
        assertThat(none.err()).contains("COUNT 0 is out of range");
        assertThat(pids()).isEqualTo(pidsOf(status()));
        assertThat(pids().keySet()).doesNotContain("data-agent-2", "workflow-runner-2");

        TestbedHome.Result stopped = testbed.cli("stop-agents");
        assertThat(stopped.code()).as(stopped.err()).isZero();
        assertThat(testbed.processesOfThisHome()).isEmpty();
        TestbedHome.Result notRunning = testbed.cli("scale", "worker", "2");
        assertThat(notRunning.code()).isEqualTo(ExitCode.CONFLICT.code);
        assertThat(notRunning.err()).contains("not running").contains("testbed run");
    }

    @Test
    void aConfigAskingForCopiesOfABroadcastListenerIsRefusedBeforeAnythingStarts() {
        testbed.config("testbed.toml", """
                [testbed]
                namespace = "%s"
                [agents.data]
                enabled = true
                replicas = 3
                """.formatted(namespace));

        TestbedHome.Result run = testbed.cli("run", "--no-workflow");

        assertThat(run.code()).isEqualTo(ExitCode.INVALID_CONFIG.code);
        assertThat(run.err()).contains("workflows/testbed.toml").contains("[agents.data] replicas = 3")
                .contains("epictopic").contains("Remove replicas");
        assertThat(testbed.processesOfThisHome()).isEmpty();
    }

    private Map<String, Object> status() {
        TestbedHome.Result status = testbed.cli("status", "--json");
        return codec.decodeObject(status.out());
    }

    /** @return the pid of every running program, by name */
    private Map<String, Long> pids() {
        return pidsOf(status());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> pidsOf(Map<String, Object> status) {
        return ((List<Map<String, Object>>) status.get("programs")).stream()
                .filter(p -> ((Number) p.get("pid")).longValue() > 0)
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> ((Number) p.get("pid")).longValue()));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> copies(Map<String, Object> status, String agent) {
        return ((List<Map<String, Object>>) status.get("programs")).stream().filter(p -> agent.equals(p.get("agent")))
                .toList();
    }
}
