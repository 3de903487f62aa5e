package org.swf.testbed.agents.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;

/**
 * The whole fast processing pipeline on the in-memory bus with the shipped
 * {@code fast_processing_default.toml}: runner (fast mode) -> data -> fastmon -> fast processing
 * -> two workers, and the processing agent.
 */
class FastProcessingPipelineTest {

    @TempDir
    Path home;

    private final JsonCodec codec = new JsonCodec();

    @Test
    void everyStfFlowsThroughTheWholePipeline() throws IOException {
        InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
        int stfs = 10;
        try (Pipeline pipeline = new Pipeline(home, broker::newBus)) {
            String executionId = pipeline.runWorkflow(stfs);

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.finished(stfs));
            assertThat(pipeline.count("stf_gen")).isEqualTo(stfs);
            assertThat(pipeline.count("stf_ready")).isEqualTo(stfs);
            assertThat(pipeline.count("processing_complete")).isEqualTo(stfs);
            assertThat(pipeline.count("tf_file_registered")).isEqualTo(7L * stfs);

            List<Map<String, Object>> epictopic = decoded(broker, Destinations.EPICTOPIC);
            long expectedSlices = epictopic.stream().filter(m -> "tf_file_registered".equals(m.get("msg_type")))
                    .mapToLong(tf -> ((Number) tf.get("tf_count")).longValue()).map(n -> (n + 1) / 2).sum();
            assertThat(broker.sent(Destinations.sliceQueue(Pipeline.NAMESPACE))).hasSize((int) expectedSlices);
            List<Map<String, Object>> results = decoded(broker, Destinations.sliceResults(Pipeline.NAMESPACE));
            assertThat(results).hasSize((int) expectedSlices);
            assertThat(results).extracting(r -> r.get("req_id")).doesNotHaveDuplicates();
            assertThat(results).extracting(r -> r.get("processed_by")).contains("worker-agent-test",
                    "worker2-agent-test");
            assertThat(pipeline.fastProcessing().summary(executionId).orElseThrow()).satisfies(summary -> {
                assertThat(summary.slicesCreated()).isEqualTo(expectedSlices);
                assertThat(summary.slicesCompleted()).isEqualTo(expectedSlices);
                assertThat(summary.slicesFailed()).isZero();
            });
            assertThat(pipeline.lastSummary()).containsEntry("execution_id", executionId)
                    .containsEntry("run_ended", true);
            assertThat(epictopic.stream().filter(m -> "processing_complete".equals(m.get("msg_type")))
                    .map(m -> m.get("filename"))).containsExactlyInAnyOrderElementsOf(epictopic.stream()
                            .filter(m -> "stf_gen".equals(m.get("msg_type"))).map(m -> m.get("filename")).toList());
            assertThat(epictopic).allSatisfy(m -> assertThat(m).containsEntry("namespace", Pipeline.NAMESPACE)
                    .containsEntry("execution_id", executionId));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pipeline.agents())
                    .allSatisfy((key, agent) -> assertThat(agent.state()).as(key).isEqualTo(OperationalState.READY)));
        }
    }

    /**
     * Prints the agents' throughput on a large fast run (measured, not asserted; 200 STFs unless
     * {@code -Dpipeline.stfs=N}), on a broker that keeps no record of what is sent: the record of a
     * large run would only grow, and the test reads its counts from the pipeline's client.
     */
    @Test
    void throughputOfALargeFastRun() throws IOException {
        int stfs = Integer.getInteger("pipeline.stfs", 200);
        InMemoryMessageBus.Broker broker = InMemoryMessageBus.Broker.notRecording();
        try (Pipeline pipeline = new Pipeline(home, broker::newBus)) {
            long start = System.nanoTime();
            pipeline.runWorkflow(stfs);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10)).until(() -> pipeline.finished(stfs));
            double seconds = (System.nanoTime() - start) / 1e9;
            long slices = ((Number) pipeline.lastSummary().get("slices_completed")).longValue();
            // stf_gen, stf_ready, processing_complete per STF; tf_file_registered per TF file; slice and
            // slice_result per slice; 3 more run broadcasts and the summaries (heartbeats not counted).
            long messages = 3L * stfs + 7L * stfs + 2 * slices + 3 + pipeline.count("processing_summary");
            System.out.printf("Fast processing pipeline, in one JVM: %d STFs, %d TF files, %d slices answered,"
                    + " %d messages in %.2f s = %.0f messages/s (%.0f STFs/s)%n", stfs, 7 * stfs, slices, messages,
                    seconds, messages / seconds, stfs / seconds);
        }
    }

    private List<Map<String, Object>> decoded(InMemoryMessageBus.Broker broker, org.swf.testbed.protocol.Destination to) {
        return broker.sent(to).stream().map(m -> codec.decodeObject(m.body())).toList();
    }
}
