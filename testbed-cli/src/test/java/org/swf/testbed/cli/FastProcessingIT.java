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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/**
 * {@code testbed run fast_processing} with the shipped config, a real supervisord and the embedded
 * broker over TCP: the runner, data, fastmon, fast processing, worker and processing agents each
 * in its own JVM, a fast (virtual clock) run, and every stage's output counted on the broker.
 */
class FastProcessingIT {

    private static final int STFS = 10;

    private final JsonCodec codec = new JsonCodec();
    private final String namespace = "it-fast-" + ProcessHandle.current().pid();
    private final TestbedHome testbed = new TestbedHome(namespace);

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void everyStfGoesThroughEveryStageAndEverySliceIsAnswered() throws IOException {
        String shipped = Files.readString(testbed.home.resolve("workflows").resolve("fast_processing_default.toml"));
        assertThat(shipped).contains("[agents.worker]").contains("stf_count = " + STFS)
                .contains("num_tf_per_slice = 2");
        testbed.config("fast_processing_default.toml",
                shipped.replaceFirst("namespace = \"[^\"]*\"", "namespace = \"" + namespace + "\""));

        // The agents only: on a virtual clock the first broadcast would come before we could subscribe.
        TestbedHome.Result run = testbed.cli("run", "fast_processing", "--fast", "--no-workflow");
        assertThat(run.code()).as(run.err()).isZero();
        List<String> agents = List.of("data-agent", "processing-agent", "fastmon-agent", "fast_processing-agent",
                "worker-agent");
        assertThat(run.out()).contains("Namespace: " + namespace).contains("workflow-runner");
        agents.forEach(program -> assertThat(run.out()).contains(program));

        List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
        Map<String, String> lastState = new ConcurrentHashMap<>();
        try (MessageBus bus = new JmsMessageBusFactory().connect(testbed.endpoint(), "it-fast",
                Duration.ofSeconds(10))) {
            bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
            bus.subscribe(Destinations.HEARTBEATS, message -> {
                Map<String, Object> heartbeat = codec.decodeObject(message.body());
                if (namespace.equals(heartbeat.get("namespace")) && heartbeat.get("program") != null) {
                    lastState.put(String.valueOf(heartbeat.get("program")),
                            String.valueOf(heartbeat.get("operational_state")));
                }
            });

            // What `testbed run` sends, with the reply address the orchestrator uses.
            String executionId = FastProcessingMessages.runFast(bus, codec, namespace);

            // Fast processing broadcasts its counts at end_run and again whenever every slice so far is answered.
            await().atMost(Duration.ofSeconds(90)).until(() -> count(epictopic, "end_run") == 1
                    && count(epictopic, "processing_complete") == STFS
                    && lastSummary(epictopic) != null
                    && ((Number) lastSummary(epictopic).get("tf_files_received")).intValue() == 7 * STFS
                    && lastSummary(epictopic).get("slices_completed").equals(lastSummary(epictopic).get("slices_created")));

            assertThat(count(epictopic, "stf_gen")).isEqualTo(STFS);
            assertThat(count(epictopic, "stf_ready")).isEqualTo(STFS);
            assertThat(count(epictopic, "processing_complete")).isEqualTo(STFS);
            assertThat(count(epictopic, "tf_file_registered")).isEqualTo(7 * STFS);
            long expectedSlices = epictopic.stream().filter(m -> "tf_file_registered".equals(m.get("msg_type")))
                    .mapToLong(tf -> ((Number) tf.get("tf_count")).longValue()).map(n -> (n + 1) / 2).sum();
            assertThat(lastSummary(epictopic)).containsEntry("execution_id", executionId)
                    .containsEntry("run_ended", true).containsEntry("slices_failed", 0);
            assertThat(((Number) lastSummary(epictopic).get("slices_created")).longValue()).isEqualTo(expectedSlices);
            assertThat(epictopic).allSatisfy(message -> assertThat(message).containsEntry("namespace", namespace)
                    .containsEntry("execution_id", executionId).containsKey("sender"));
            assertThat(epictopic.stream().filter(m -> "processing_complete".equals(m.get("msg_type"))))
                    .allSatisfy(m -> assertThat((List<?>) m.get("output_files")).hasSize(2));

            // After the run every agent is READY again (the worker once its queue has been quiet briefly).
            List<String> programs = List.of("workflow-runner", "data-agent", "processing-agent", "fastmon-agent",
                    "fast_processing-agent", "worker-agent");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(programs)
                    .allSatisfy(program -> assertThat(lastState).containsEntry(program, "READY")));
            Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
            assertThat(programs(status)).filteredOn(p -> programs.contains(p.get("name"))).hasSize(programs.size())
                    .allSatisfy(p -> assertThat(p).containsEntry("state", "RUNNING")
                            .containsEntry("operational_state", "READY"));

            TestbedHome.Result log = testbed.cli("logs", "fast_processing", "-n", "200");
            assertThat(log.out()).contains("ended:").contains("slices created");

            // The execution record in the database says completed, with its end and counts.
            String executions = testbed.cli("workflows", "--json").out();
            @SuppressWarnings("unchecked")
            Map<String, Object> record = ((List<Map<String, Object>>) codec.decodeObject("{\"e\":" + executions + "}")
                    .get("e")).stream().filter(e -> executionId.equals(e.get("execution_id"))).findFirst().orElseThrow();
            assertThat(record).containsEntry("status", "completed").containsEntry("namespace", namespace);
            assertThat(record.get("ended_at")).isNotNull();
            assertThat(((Map<?, ?>) record.get("message_counts")).get("stf_gen")).isEqualTo(STFS);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> programs(Map<String, Object> status) {
        return (List<Map<String, Object>>) status.get("programs");
    }
}
