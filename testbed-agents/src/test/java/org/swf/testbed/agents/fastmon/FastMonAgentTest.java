package org.swf.testbed.agents.fastmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.TestAgents;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.OperationalState;

/** The fastmon agent on the in-memory bus: TF files per STF, their ranges, fields and states. */
class FastMonAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private final InMemoryMessageBus client = broker.newBus();
    private final TestAgents agents = new TestAgents(broker);
    private final AgentRuntime fastmon = agents.start("fastmon-agent-test", "fastmon-agent", new FastMonAgent());

    @AfterEach
    void stop() {
        agents.close();
        client.close();
    }

    /** @return the decoded messages of that type sent to epictopic so far, oldest first */
    private List<Map<String, Object>> epictopic(String msgType) {
        return broker.sentFields(Destinations.EPICTOPIC, msgType);
    }

    private static Map<String, Object> stfReady(String filename, String namespace) {
        Map<String, Object> message = new HashMap<>();
        message.put("msg_type", "stf_ready");
        message.put("namespace", namespace);
        message.put("filename", filename);
        message.put("run_id", "100010");
        message.put("execution_id", "stf_datataking-u-0001");
        message.put("state", "run");
        message.put("substate", "physics");
        message.put("sequence", 1);
        message.put("sender", "data-agent-test");
        return message;
    }

    @Test
    void everyStfReadyBecomesSevenTfFilesWithTheOriginalsFields() {
        client.sendJson(Destinations.EPICTOPIC, stfReady("swf.100010.000001.stf", "ns1"));
        client.sendJson(Destinations.EPICTOPIC, stfReady("swf.100010.000002.stf", "ns1"));

        await().atMost(WAIT).until(() -> epictopic("tf_file_registered").size() == 14);
        List<Map<String, Object>> first = epictopic("tf_file_registered").stream()
                .filter(m -> "swf.100010.000001.stf".equals(m.get("stf_filename"))).toList();
        assertThat(first).hasSize(7);
        assertThat(first).extracting(m -> m.get("tf_filename")).containsExactly("swf.100010.000001_tf_001.tf",
                "swf.100010.000001_tf_002.tf", "swf.100010.000001_tf_003.tf", "swf.100010.000001_tf_004.tf",
                "swf.100010.000001_tf_005.tf", "swf.100010.000001_tf_006.tf", "swf.100010.000001_tf_007.tf");
        assertThat(first.get(0).keySet()).containsExactly("msg_type", "namespace", "run_id", "execution_id",
                "processed_by", "tf_file_id", "tf_filename", "tf_first", "tf_last", "tf_count", "file_size_bytes",
                "stf_filename", "status", "timestamp", "sender");
        assertThat(first).allSatisfy(m -> assertThat(m).containsEntry("namespace", "ns1")
                .containsEntry("run_id", "100010").containsEntry("execution_id", "stf_datataking-u-0001")
                .containsEntry("processed_by", "fastmon-agent-test").containsEntry("sender", "fastmon-agent-test")
                .containsEntry("status", "registered"));
        assertThat(first).extracting(m -> m.get("tf_file_id")).doesNotHaveDuplicates();
        for (int i = 0; i < 7; i++) {
            Map<String, Object> tf = first.get(i);
            int tfFirst = (Integer) tf.get("tf_first");
            int tfLast = (Integer) tf.get("tf_last");
            int count = (Integer) tf.get("tf_count");
            // Partition i of 1000 time frames numbered from 1.
            int partitionFirst = 1 + 1000 * i / 7;
            int partitionLast = 1000 * (i + 1) / 7;
            assertThat(tfFirst).isBetween(partitionFirst, partitionLast);
            assertThat(tfLast).isBetween(tfFirst, partitionLast);
            assertThat(count).isEqualTo(tfLast - tfFirst + 1);
            // About 15 % of a partition of 142-143 TFs: 21, spread by a gaussian of 10 %.
            assertThat(count).isBetween(12, 30);
            assertThat(((Number) tf.get("file_size_bytes")).longValue()).isEqualTo(count * FastMonAgent.NOMINAL_TF_BYTES);
        }
    }

    @Test
    void rangesAreReproducibleFromTheStfNameAndDifferBetweenStfs() {
        List<FastMonAgent.TfRange> once = FastMonAgent.sample("swf.100010.000001.stf", 1000);
        assertThat(FastMonAgent.sample("swf.100010.000001.stf", 1000)).isEqualTo(once);
        assertThat(FastMonAgent.sample("swf.100010.000002.stf", 1000)).isNotEqualTo(once);

        client.sendJson(Destinations.EPICTOPIC, stfReady("swf.100010.000001.stf", "ns1"));
        await().atMost(WAIT).until(() -> epictopic("tf_file_registered").size() == 7);
        assertThat(epictopic("tf_file_registered")).extracting(m -> m.get("tf_first"))
                .containsExactlyElementsOf(once.stream().map(FastMonAgent.TfRange::first).toList());
    }

    @Test
    void theStfsTfCountAndSizeAreUsedWhenGiven() {
        Map<String, Object> stf = stfReady("swf.100010.000003.stf", "ns1");
        stf.put("tf_count", 70);
        stf.put("size_bytes", 7_000);
        client.sendJson(Destinations.EPICTOPIC, stf);

        await().atMost(WAIT).until(() -> epictopic("tf_file_registered").size() == 7);
        List<Map<String, Object>> files = epictopic("tf_file_registered");
        for (int i = 0; i < 7; i++) {
            Map<String, Object> tf = files.get(i);
            assertThat((Integer) tf.get("tf_first")).isGreaterThanOrEqualTo(1 + 10 * i);
            assertThat((Integer) tf.get("tf_last")).isLessThanOrEqualTo(10 * (i + 1));
            // 15 % of 10 TFs, rounded: 1 or 2; 100 bytes each.
            assertThat((Integer) tf.get("tf_count")).isBetween(1, 3);
            assertThat(((Number) tf.get("file_size_bytes")).longValue()).isEqualTo(100L * (Integer) tf.get("tf_count"));
        }
        assertThat(FastMonAgent.sample("x.stf", 3)).hasSize(3).allSatisfy(r -> assertThat(r.count()).isOne());
    }

    @Test
    void otherNamespacesAndOtherTypesAreIgnored() {
        client.sendJson(Destinations.EPICTOPIC, stfReady("swf.100010.000001.stf", "elsewhere"));
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "stf_gen", "namespace", "ns1", "filename", "a.stf"));
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "something_new", "namespace", "ns1"));
        client.sendJson(Destinations.EPICTOPIC, stfReady("swf.100010.000002.stf", "ns1"));

        await().atMost(WAIT).until(() -> epictopic("tf_file_registered").size() == 7);
        assertThat(epictopic("tf_file_registered")).allSatisfy(m -> assertThat(m)
                .containsEntry("stf_filename", "swf.100010.000002.stf"));
    }

    @Test
    void processingBetweenStartRunAndEndRun() {
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "start_run", "namespace", "ns1", "run_id",
                "100010"));
        await().atMost(WAIT).until(() -> fastmon.state() == OperationalState.PROCESSING);
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "end_run", "namespace", "ns1", "run_id", "100010"));
        await().atMost(WAIT).until(() -> fastmon.state() == OperationalState.READY);
    }
}
