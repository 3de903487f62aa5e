package org.swf.testbed.agents.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ConfigException;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.TestAgents;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;

/** Workers on the in-memory bus: one answer per slice, a shared queue, simulated processing time. */
class WorkerAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private final InMemoryMessageBus client = broker.newBus();
    private final TestAgents agents = new TestAgents(broker);

    @AfterEach
    void stop() {
        agents.close();
        client.close();
    }

    private static Map<String, Object> slice(int id) {
        return Map.of("msg_type", "slice", "namespace", "ns1", "run_id", "100010", "execution_id", "e-1",
                "created_at", "2026-01-01T00:00:00.000000", "content", Map.ofEntries(Map.entry("run_id", "100010"),
                        Map.entry("execution_id", "e-1"), Map.entry("req_id", "req-" + id),
                        Map.entry("filename", "swf.100010.000001.stf"),
                        Map.entry("tf_filename", String.format("x_tf_001_slice_%03d.tf", id)),
                        Map.entry("slice_id", id), Map.entry("start", 2 * id + 1), Map.entry("end", 2 * id + 2),
                        Map.entry("tf_count", 2), Map.entry("state", "queued"), Map.entry("substate", "new")),
                "sender", "fp");
    }

    private List<Map<String, Object>> results() {
        return broker.sentFields(Destinations.sliceResults(TestAgents.NAMESPACE));
    }

    @Test
    void everySliceGetsOneResultWithItsIds() {
        AgentRuntime worker = agents.start("worker-agent-test", "worker-agent", new WorkerAgent(Duration.ZERO,
                new JsonCodec()));
        IntStream.range(0, 5).forEach(i -> client.sendJson(Destinations.sliceQueue("ns1"), slice(i)));

        await().atMost(WAIT).until(() -> results().size() == 5);
        assertThat(results().get(0).keySet()).containsExactly("msg_type", "namespace", "run_id", "execution_id",
                "req_id", "slice_id", "tf_filename", "state", "processed_by", "processing_time_ms", "timestamp",
                "sender");
        assertThat(results()).extracting(r -> r.get("req_id")).containsExactlyInAnyOrder("req-0", "req-1", "req-2",
                "req-3", "req-4");
        assertThat(results()).allSatisfy(r -> assertThat(r).containsEntry("msg_type", "slice_result")
                .containsEntry("namespace", "ns1").containsEntry("run_id", "100010").containsEntry("execution_id", "e-1")
                .containsEntry("state", "done").containsEntry("processed_by", "worker-agent-test")
                .containsEntry("sender", "worker-agent-test"));
        assertThat(results().get(0)).containsEntry("slice_id", 0).containsEntry("tf_filename", "x_tf_001_slice_000.tf");
        // Back to READY once the queue is quiet, without a heartbeat per slice.
        await().atMost(WAIT).until(() -> worker.state() == OperationalState.READY);
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "slice", "namespace", "ns1"));
        client.sendJson(Destinations.sliceQueue("ns1"), Map.of("msg_type", "stf_ready", "namespace", "ns1"));
        assertThat(results()).hasSize(5);
    }

    @Test
    void twoWorkersShareTheQueueAndEachSliceIsAnsweredOnce() {
        agents.start("worker-1", "worker-agent", new WorkerAgent(Duration.ofMillis(5), new JsonCodec()));
        agents.start("worker-2", "worker2-agent", new WorkerAgent(Duration.ofMillis(5), new JsonCodec()));
        IntStream.range(0, 40).forEach(i -> client.sendJson(Destinations.sliceQueue("ns1"), slice(i)));

        await().atMost(WAIT).until(() -> results().size() == 40);
        assertThat(results()).extracting(r -> r.get("req_id")).doesNotHaveDuplicates();
        assertThat(results()).extracting(r -> r.get("processed_by")).contains("worker-1", "worker-2");
        assertThat(results()).allSatisfy(r -> assertThat(((Number) r.get("processing_time_ms")).longValue())
                .isGreaterThanOrEqualTo(5));
    }

    @Test
    void processingTimeComesFromTheEnvironmentAndShutdownEndsTheWait() {
        assertThatThrownBy(() -> WorkerAgent.fromEnvironment(TestbedEnvironment.of(Map.of("SLICE_PROCESSING_MILLIS",
                "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SLICE_PROCESSING_MILLIS=soon");
        assertThatThrownBy(() -> WorkerAgent.fromEnvironment(TestbedEnvironment.of(Map.of("SLICE_PROCESSING_MILLIS",
                "-1"))))
                .isInstanceOf(ConfigException.class);
        WorkerAgent slow = WorkerAgent.fromEnvironment(TestbedEnvironment.of(Map.of("SLICE_PROCESSING_MILLIS",
                "60000")));
        AgentRuntime worker = agents.start("worker-slow", "worker-agent", slow);
        client.sendJson(Destinations.sliceQueue("ns1"), slice(1));
        await().atMost(WAIT).until(() -> worker.state() == OperationalState.PROCESSING);

        long start = System.nanoTime();
        worker.close();
        // The slice would take 60 s: closing well before that shows the close did not wait for it,
        // with room for a busy machine.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(results()).isEmpty();
    }
}
