package org.swf.testbed.agents.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.TestAgents;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.OperationalState;

/** The processing agent on the in-memory bus: one processing_complete per stf_ready, and states. */
class ProcessingAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryMessageBus.Broker broker = new InMemoryMessageBus.Broker();
    private final InMemoryMessageBus client = broker.newBus();
    private final TestAgents agents = new TestAgents(broker);
    private final AgentRuntime processing = agents.start("stf_processing-agent-test", "processing-agent",
            new ProcessingAgent());

    @AfterEach
    void stop() {
        agents.close();
        client.close();
    }

    /** @return the decoded messages of that type sent to epictopic so far, oldest first */
    private List<Map<String, Object>> epictopic(String msgType) {
        return broker.sentFields(Destinations.EPICTOPIC, msgType);
    }

    @Test
    void everyStfReadyBecomesProcessingCompleteWithTwoOutputs() {
        Map<String, Object> stf = new LinkedHashMap<>();
        stf.put("msg_type", "stf_ready");
        stf.put("namespace", "ns1");
        stf.put("filename", "swf.100010.000007.stf");
        stf.put("run_id", "100010");
        stf.put("file_url", "file:///data/swf.100010.000007.stf");
        stf.put("checksum", "ad:1234");
        stf.put("size_bytes", 4096);
        stf.put("simulation_tick", 27.4);
        stf.put("execution_id", "stf_datataking-u-0003");
        client.sendJson(Destinations.EPICTOPIC, stf);

        await().atMost(WAIT).until(() -> epictopic("processing_complete").size() == 1);
        Map<String, Object> done = epictopic("processing_complete").get(0);
        assertThat(done.keySet()).containsExactly("msg_type", "namespace", "filename", "run_id", "execution_id",
                "input_file_url", "input_checksum", "input_size_bytes", "output_files", "processing_time_ms",
                "simulation_tick", "processed_by", "sender");
        assertThat(done).containsEntry("namespace", "ns1").containsEntry("filename", "swf.100010.000007.stf")
                .containsEntry("run_id", "100010").containsEntry("execution_id", "stf_datataking-u-0003")
                .containsEntry("input_file_url", "file:///data/swf.100010.000007.stf")
                .containsEntry("input_checksum", "ad:1234").containsEntry("input_size_bytes", 4096)
                .containsEntry("output_files", List.of("swf.100010.000007.dst", "swf.100010.000007.hist.root"))
                .containsEntry("simulation_tick", 27.4).containsEntry("processed_by", "stf_processing-agent-test")
                .containsEntry("sender", "stf_processing-agent-test");
    }

    @Test
    void outputNamesReplaceTheExtension() {
        assertThat(ProcessingAgent.outputFiles("swf.100010.000001.stf")).containsExactly("swf.100010.000001.dst",
                "swf.100010.000001.hist.root");
        assertThat(ProcessingAgent.outputFiles("run.dat")).containsExactly("run.dst", "run.hist.root");
        assertThat(ProcessingAgent.outputFiles("plain")).containsExactly("plain.dst", "plain.hist.root");
    }

    @Test
    void processingBetweenStartRunAndEndRunAndOtherNamespacesIgnored() {
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "start_run", "namespace", "other"));
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "stf_ready", "namespace", "other", "filename",
                "o.stf"));
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "start_run", "namespace", "ns1"));
        await().atMost(WAIT).until(() -> processing.state() == OperationalState.PROCESSING);
        client.sendJson(Destinations.EPICTOPIC, Map.of("msg_type", "end_run", "namespace", "ns1"));
        await().atMost(WAIT).until(() -> processing.state() == OperationalState.READY);
        assertThat(epictopic("processing_complete")).isEmpty();
    }
}
