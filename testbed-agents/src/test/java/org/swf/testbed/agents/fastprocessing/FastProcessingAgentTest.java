package org.swf.testbed.agents.fastprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ConfigException;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.TestAgents;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.OperationalState;

/** The fast processing agent on the in-memory bus: slicing, counting answers, summaries, states. */
class FastProcessingAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String EXECUTION = "stf_datataking-u-0001";

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private final InMemoryMessageBus client = broker.newBus();
    private final TestAgents agents = new TestAgents(broker);

    @AfterEach
    void stop() {
        agents.close();
        client.close();
    }

    /** @return the decoded messages of that type sent to epictopic so far, oldest first */
    private List<Map<String, Object>> epictopic(String msgType) {
        return broker.sentFields(Destinations.EPICTOPIC, msgType);
    }

    private static Map<String, Object> tfFile(String name, int first, int last) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("msg_type", "tf_file_registered");
        message.put("namespace", "ns1");
        message.put("run_id", "100010");
        message.put("execution_id", EXECUTION);
        message.put("tf_filename", name);
        message.put("tf_first", first);
        message.put("tf_last", last);
        message.put("tf_count", last - first + 1);
        message.put("stf_filename", "swf.100010.000001.stf");
        message.put("status", "registered");
        return message;
    }

    private List<Map<String, Object>> slices() {
        return broker.sentFields(Destinations.sliceQueue(TestAgents.NAMESPACE));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> content(Map<String, Object> slice) {
        return (Map<String, Object>) slice.get("content");
    }

    private void answer(Map<String, Object> slice, String state) {
        Map<String, Object> content = content(slice);
        client.sendJson(Destinations.sliceResults(TestAgents.NAMESPACE), Map.of("msg_type", "slice_result", "namespace",
                "ns1", "run_id", "100010", "execution_id", EXECUTION, "req_id", content.get("req_id"), "slice_id",
                content.get("slice_id"), "tf_filename", content.get("tf_filename"), "state", state));
    }

    @Test
    void tfFilesAreCutIntoSlicesOfNumTfPerSliceThatCoverTheirRange() {
        agents.start("fp-test", "fast_processing-agent", new FastProcessingAgent(2, new JsonCodec()));
        client.sendJson(Destinations.EPICTOPIC, tfFile("swf.100010.000001_tf_001.tf", 10, 30));   // 21 TFs -> 11 slices
        client.sendJson(Destinations.EPICTOPIC, tfFile("swf.100010.000001_tf_002.tf", 150, 169)); // 20 TFs -> 10 slices
        client.sendJson(Destinations.EPICTOPIC, tfFile("swf.100010.000001_tf_003.tf", 300, 300)); // 1 TF -> 1 slice

        await().atMost(WAIT).until(() -> slices().size() == 22);
        List<Map<String, Object>> first = slices().subList(0, 11);
        assertThat(first.get(0).keySet()).containsExactly("msg_type", "namespace", "run_id", "execution_id",
                "created_at", "content", "sender");
        assertThat(content(first.get(0)).keySet()).containsExactly("run_id", "execution_id", "req_id", "filename",
                "tf_filename", "slice_id", "start", "end", "tf_count", "state", "substate");
        assertThat(first).allSatisfy(slice -> {
            assertThat(slice).containsEntry("msg_type", "slice").containsEntry("namespace", "ns1")
                    .containsEntry("run_id", "100010").containsEntry("execution_id", EXECUTION)
                    .containsEntry("sender", "fp-test");
            assertThat(content(slice)).containsEntry("run_id", "100010").containsEntry("execution_id", EXECUTION)
                    .containsEntry("filename", "swf.100010.000001.stf").containsEntry("state", "queued")
                    .containsEntry("substate", "new");
        });
        for (int i = 0; i < 11; i++) {
            Map<String, Object> content = content(first.get(i));
            assertThat(content).containsEntry("slice_id", i).containsEntry("start", 10 + 2 * i)
                    .containsEntry("tf_filename", String.format("swf.100010.000001_tf_001_slice_%03d.tf", i));
            assertThat(content).containsEntry("end", i < 10 ? 11 + 2 * i : 30).containsEntry("tf_count", i < 10 ? 2 : 1);
        }
        assertThat(slices()).extracting(s -> content(s).get("req_id")).doesNotHaveDuplicates();
        assertThat(content(slices().get(21))).containsEntry("start", 300).containsEntry("end", 300)
                .containsEntry("tf_count", 1);
    }

    @Test
    void everyAnswerIsCountedAndTheSummaryFollowsTheLastOne() {
        FastProcessingAgent agent = new FastProcessingAgent(3, new JsonCodec());
        AgentRuntime runtime = agents.start("fp-test", "fast_processing-agent", agent);
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "start_run", "namespace", "ns1", "run_id", "100010",
                "execution_id", EXECUTION));
        await().atMost(WAIT).until(() -> runtime.state() == OperationalState.PROCESSING);
        client.sendJson(Destinations.EPICTOPIC, tfFile("a_tf_001.tf", 1, 10)); // ceil(10/3) = 4
        client.sendJson(Destinations.EPICTOPIC, tfFile("a_tf_002.tf", 11, 15)); // ceil(5/3) = 2
        await().atMost(WAIT).until(() -> slices().size() == 6);

        slices().subList(0, 5).forEach(slice -> answer(slice, "done"));
        await().atMost(WAIT).until(() -> agent.summary(EXECUTION).orElseThrow().slicesCompleted() == 5);
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "end_run", "namespace", "ns1", "run_id", "100010",
                "execution_id", EXECUTION, "total_stf_files", 1));
        await().atMost(WAIT).until(() -> epictopic("processing_summary").size() == 1);
        assertThat(runtime.state()).isEqualTo(OperationalState.READY);
        assertThat(epictopic("processing_summary").get(0)).containsEntry("execution_id", EXECUTION)
                .containsEntry("run_id", "100010").containsEntry("tf_files_received", 2)
                .containsEntry("slices_created", 6).containsEntry("slices_completed", 5)
                .containsEntry("slices_failed", 0).containsEntry("run_ended", true).containsEntry("namespace", "ns1")
                .containsEntry("sender", "fp-test");

        // On a virtual clock a TF file can come after end_run; its slices are still made and counted.
        client.sendJson(Destinations.EPICTOPIC, tfFile("a_tf_003.tf", 16, 17)); // 1 slice
        await().atMost(WAIT).until(() -> slices().size() == 7);
        answer(slices().get(5), "failed");
        answer(slices().get(6), "done");
        await().atMost(WAIT).until(() -> epictopic("processing_summary").size() == 2);
        assertThat(epictopic("processing_summary").get(1)).containsEntry("tf_files_received", 3)
                .containsEntry("slices_created", 7).containsEntry("slices_completed", 6)
                .containsEntry("slices_failed", 1);
    }

    @Test
    void answersOfTheOriginalsWorkersCountByTheirNestedState() {
        FastProcessingAgent agent = new FastProcessingAgent(2, new JsonCodec());
        agents.start("fp-test", "fast_processing-agent", agent);
        client.sendJson(Destinations.sliceResults(TestAgents.NAMESPACE), Map.of("msg_type", "slice_result", "run_id",
                "100010", "execution_id", EXECUTION, "content", Map.of("state", "done", "result", Map.of())));
        client.sendJson(Destinations.sliceResults(TestAgents.NAMESPACE), Map.of("msg_type", "slice_result", "run_id",
                "100010", "execution_id", EXECUTION, "namespace", "other", "state", "done"));
        await().atMost(WAIT).until(() -> agent.summary(EXECUTION).map(s -> s.slicesCompleted() == 1).orElse(false));
        assertThat(agent.summary(EXECUTION).orElseThrow().slicesFailed()).isZero();
    }

    @Test
    void numTfPerSliceComesFromTheConfigTable() {
        assertThat(FastProcessingAgent.fromConfig(Map.of(), "t.toml").numTfPerSlice()).isEqualTo(2);
        assertThat(FastProcessingAgent.fromConfig(Map.of("num_tf_per_slice", 5L), "t.toml").numTfPerSlice())
                .isEqualTo(5);
        assertThatThrownBy(() -> FastProcessingAgent.fromConfig(Map.of("num_tf_per_slice", 0L), "t.toml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.toml: [fast_processing] num_tf_per_slice = 0");
        assertThatThrownBy(() -> FastProcessingAgent.fromConfig(Map.of("num_tf_per_slice", "two"), "t.toml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("whole number");
    }
}
