package org.swf.testbed.agents.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentIdentity;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.BuiltInAgents;
import org.swf.testbed.agents.fastprocessing.FastProcessingAgent;
import org.swf.testbed.agents.runner.WorkflowRunner;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.port.InMemoryExecutionStore;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.ProcessingSummary;
import org.swf.testbed.protocol.WireReply;

/**
 * The whole fast processing pipeline in one JVM, configured by the shipped
 * {@code fast_processing_default.toml}: the runner, data, fastmon, fast processing, two workers
 * and processing, each on a bus of its own from {@code buses}, and a client that counts what
 * reaches {@code epictopic}.
 */
final class Pipeline implements AutoCloseable {

    static final String NAMESPACE = "ns1";
    private static final Path SHIPPED_WORKFLOWS = Path.of("..", "workflows");

    private final JsonCodec codec = new JsonCodec();
    private final MessageBus client;
    private final Map<String, AgentRuntime> agents = new LinkedHashMap<>();
    private final List<MessageBus> buses = new ArrayList<>();
    private final Map<String, AtomicLong> epictopicCounts = new ConcurrentHashMap<>();
    private final AtomicReference<Map<String, Object>> lastSummary = new AtomicReference<>();
    private FastProcessingAgent fastProcessing;

    Pipeline(Path home, Supplier<MessageBus> busFactory) throws IOException {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        String shipped = Files.readString(SHIPPED_WORKFLOWS.resolve("fast_processing_default.toml"));
        Files.writeString(workflows.resolve("fast_processing_default.toml"),
                shipped.replaceFirst("namespace = \"[^\"]*\"", "namespace = \"" + NAMESPACE + "\""));
        Files.copy(SHIPPED_WORKFLOWS.resolve("daq_state_machine.toml"), workflows.resolve("daq_state_machine.toml"));
        ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
        TestbedConfig config = new TestbedConfigReader(locator).read("fast_processing");

        client = busFactory.get();
        // Counted as they arrive, so that waiting on a large run does not decode it again and again.
        client.subscribe(Destinations.EPICTOPIC, message -> {
            Map<String, Object> fields = codec.decodeObject(message.body());
            String type = String.valueOf(fields.get("msg_type"));
            epictopicCounts.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
            if (ProcessingSummary.MSG_TYPE.equals(type)) {
                lastSummary.set(fields);
            }
        });
        start("workflow-runner", busFactory, new WorkflowRunner(locator, config, new InMemoryExecutionStore(), codec));
        for (String key : List.of("data", "fastmon", "fast_processing", "worker", "processing", "worker2")) {
            Agent agent = BuiltInAgents.create(key.equals("worker2") ? "worker" : key, config,
                    TestbedEnvironment.empty()).orElseThrow();
            start(key, busFactory, agent);
            if (agent instanceof FastProcessingAgent fast) {
                fastProcessing = fast;
            }
        }
    }

    private void start(String key, Supplier<MessageBus> busFactory, Agent agent) {
        MessageBus bus = busFactory.get();
        buses.add(bus);
        String program = key.equals("workflow-runner") ? key : key + "-agent";
        AgentRuntime runtime = new AgentRuntime(new AgentIdentity(key + "-agent-test", agent.agentType(), NAMESPACE,
                program, "u", 1, "h"), bus, agent, codec, Duration.ofHours(1), Optional.empty());
        runtime.start();
        agents.put(key, runtime);
    }

    /** Triggers a fast run of {@code stfs} STFs; @return its execution id */
    String runWorkflow(int stfs) {
        Map<String, Object> command = Map.of("msg_type", "run_workflow", "namespace", NAMESPACE,
                "workflow_name", "stf_datataking", "config", "fast_processing_default", "realtime", false,
                "params", Map.of("stf_count", stfs));
        WireReply reply = WireReply.of(client.request(Destinations.workflowControl(NAMESPACE), codec.encode(command),
                Duration.ofSeconds(10)).body());
        assertThat(reply.success()).as(reply.error()).isTrue();
        return String.valueOf(reply.result().get("execution_id"));
    }

    /** @return how many messages of that type reached epictopic */
    long count(String msgType) {
        AtomicLong count = epictopicCounts.get(msgType);
        return count == null ? 0 : count.get();
    }

    /** @return whether a run of {@code stfs} STFs went through: end_run, every STF processed, every slice answered */
    boolean finished(int stfs) {
        Map<String, Object> summary = lastSummary.get();
        return count("end_run") == 1 && count("processing_complete") == stfs && summary != null
                && ((Number) summary.get("tf_files_received")).longValue() == 7L * stfs
                && summary.get("slices_created").equals(summary.get("slices_completed"));
    }

    Map<String, Object> lastSummary() {
        return lastSummary.get();
    }

    Map<String, AgentRuntime> agents() {
        return agents;
    }

    FastProcessingAgent fastProcessing() {
        return fastProcessing;
    }

    @Override
    public void close() {
        agents.values().forEach(AgentRuntime::close);
        client.close();
    }
}
