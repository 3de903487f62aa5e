package org.swf.testbed.agents.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentIdentity;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.data.DataAgent;
import org.swf.testbed.agents.runner.WorkflowRunner;
import org.swf.testbed.access.BrokerCredentials;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.orchestrator.NamedPrograms;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.OrchestratorSettings;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunResult;
import org.swf.testbed.port.FakeProcessSupervisor;
import org.swf.testbed.port.ForwardingProcessSupervisor;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.MessageBusFactory;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.status.TestbedStatus;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.port.InMemoryExecutionStore;

/**
 * A JVM tool embedding the orchestrator through its public API only (run, status, stop), with
 * in-memory stand-ins for supervisord and the broker: "starting" a program runs the real agent
 * in this JVM on the in-memory bus.
 */
class EmbeddedOrchestratorTest {

    @TempDir
    Path home;

    private final InMemoryMessageBus broker = new InMemoryMessageBus();
    private final Map<String, AgentRuntime> running = new ConcurrentHashMap<>();
    private volatile boolean brokerUp;
    private final InMemoryExecutionStore executions = new InMemoryExecutionStore();
    private InProcessSupervisor supervisor;
    private Orchestrator orchestrator;
    private int stompPort;

    @BeforeEach
    void setUp() throws IOException {
        stompPort = freePort();
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        Files.writeString(workflows.resolve("testbed.toml"), """
                [testbed]
                namespace = "embedded"
                [agents.data]
                enabled = true
                [workflow]
                name = "stf_datataking"
                config = "wf_default"
                realtime = false
                [broker]
                amqp_port = %d
                stomp_port = %d
                """.formatted(freePort(), stompPort));
        Files.writeString(workflows.resolve("wf_default.toml"), """
                [workflow]
                name = "stf_datataking"
                [daq_state_machine]
                stf_count = 3
                physics_period_count = 1
                """);
        supervisor = new InProcessSupervisor(home.resolve("logs"));
        // Like a real broker, the in-memory one is reachable only once its program has started.
        MessageBusFactory buses = (url, clientName, timeout) -> {
            if (!brokerUp) {
                throw new ServiceUnavailableException("Cannot reach the broker at " + url);
            }
            return broker.newView();
        };
        orchestrator = new Orchestrator(OrchestratorSettings.defaults(home, TestbedEnvironment.empty()), supervisor,
                buses, new NamedPrograms("in-process"), executions);
    }

    @AfterEach
    void tearDown() {
        running.values().forEach(AgentRuntime::close);
    }

    @Test
    void runTriggersTheWorkflowStatusObservesItAndStopStopsEverything() {
        RunResult result = orchestrator.run(RunOptions.of(null));

        assertThat(result.namespace()).isEqualTo("embedded");
        assertThat(result.programs()).containsExactly("broker", "workflow-runner", "data-agent");
        assertThat(result.executionId()).matches("stf_datataking-.+-0001");
        assertThat(result.runId()).isEqualTo("100010");
        assertThat(result.steps()).extracting(s -> s.step()).contains("restart supervisord", "wait for READY heartbeats",
                "trigger workflow");
        assertThat(supervisor.events()).containsSubsequence("restart broker,workflow-runner,data-agent",
                "start broker", "start workflow-runner,data-agent");
        assertThat(supervisor.lastEnvironment()).containsEntry("SWF_TESTBED_CONFIG",
                home.resolve("workflows/testbed.toml").toString());
        BrokerCredentials login = orchestrator.brokerAccess().homeBroker().existingCredentials().orElseThrow();
        // The original agents' variables: the home's broker and its login, through the environment only.
        assertThat(supervisor.lastEnvironment()).containsEntry("ACTIVEMQ_HOST", "127.0.0.1")
                .containsEntry("ACTIVEMQ_PORT", Integer.toString(stompPort))
                .containsEntry("ACTIVEMQ_USER", login.user()).containsEntry("ACTIVEMQ_PASSWORD", login.password());
        assertThat(login.password()).hasSizeGreaterThanOrEqualTo(40);

        await().atMost(Duration.ofSeconds(10)).until(() -> "completed".equals(execution(orchestrator.status())));
        TestbedStatus status = orchestrator.status();
        assertThat(status.state()).isEqualTo("RUNNING");
        assertThat(status.namespace()).isEqualTo("embedded");
        assertThat(new JsonCodec().toFields(status.execution())).containsEntry("execution_id", result.executionId())
                .containsEntry("stf_generated", 3);
        ProgramReport data = status.programs().stream().filter(p -> p.name().equals("data-agent")).findFirst()
                .orElseThrow();
        assertThat(data.state()).isEqualTo("RUNNING");
        assertThat(data.operationalState()).isEqualTo("READY");
        assertThat(data.failing()).isFalse();

        assertThatThrownBy(() -> orchestrator.run(RunOptions.of(null)))
                .isInstanceOf(LifecycleConflictException.class)
                .hasMessageContaining("agents already running")
                .hasMessageContaining("Run 'testbed stop-agents' first");

        assertThat(orchestrator.executions(10)).singleElement().satisfies(execution -> {
            assertThat(execution.executionId()).isEqualTo(result.executionId());
            assertThat(execution.status().word()).isEqualTo("completed");
            assertThat(execution.messageCounts()).containsEntry("stf_gen", 3).containsEntry("end_run", 1);
        });
        assertThat(orchestrator.stopAgents().stopped()).containsExactlyInAnyOrder("broker", "workflow-runner",
                "data-agent");
        assertThat(orchestrator.stopAgents().stopped()).isEmpty();
        assertThat(orchestrator.status().state()).isEqualTo("STOPPED");
    }

    @Test
    void anAgentThatFailsToStartIsReportedWithItsLog() {
        supervisor.failStartOf("data-agent", "Exited too quickly", List.of("boom: cannot open detector"));
        assertThatThrownBy(() -> orchestrator.run(RunOptions.of(null)))
                .isInstanceOf(TestbedException.class)
                .hasMessageContaining("data-agent")
                .satisfies(e -> assertThat(((TestbedException) e).logTail()).contains("boom: cannot open detector"));
        ProgramReport data = orchestrator.status().programs().stream().filter(p -> p.name().equals("data-agent"))
                .findFirst().orElseThrow();
        assertThat(data.failing()).isTrue();
        assertThat(data.state()).isEqualTo("FATAL");
    }

    @Test
    void anInvalidConfigStartsNothing() throws IOException {
        Files.writeString(home.resolve("workflows/bad.toml"), "[testbed]\nnamespace = \"\"\n");
        assertThatThrownBy(() -> orchestrator.run(RunOptions.of("bad"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("workflows/bad.toml: [testbed] namespace is empty");
        assertThat(supervisor.events()).isEmpty();
    }

    /** A port nobody listens on, so no broker outside this test is mistaken for the testbed's. */
    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Object execution(TestbedStatus status) {
        return status.execution() == null ? null : status.execution().status();
    }

    /** The fake supervisor, whose "processes" are agents running in this JVM. */
    private final class InProcessSupervisor extends ForwardingProcessSupervisor {
        InProcessSupervisor(Path logs) {
            super(new FakeProcessSupervisor(logs));
        }

        @Override
        public void start(List<String> names) {
            delegate.start(names);
            ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
            TestbedConfig config = orchestrator.loadConfig(null);
            for (String name : names) {
                brokerUp |= name.equals("broker");
                Agent agent = switch (name) {
                    case "workflow-runner" -> new WorkflowRunner(locator, config,
                            executions, new JsonCodec());
                    case "data-agent" -> new DataAgent();
                    default -> null;
                };
                if (agent != null) {
                    AgentRuntime runtime = new AgentRuntime(new AgentIdentity(name + "-x", agent.agentType(),
                            config.namespace(), name, "u", 1, "h"), broker.newView(), agent, new JsonCodec(),
                            Duration.ofHours(1), Optional.empty());
                    running.put(name, runtime);
                    runtime.start();
                }
            }
        }

        @Override
        public List<String> stopAll() {
            running.values().forEach(AgentRuntime::close);
            running.clear();
            brokerUp = false;
            return delegate.stopAll();
        }

        List<String> events() {
            return delegate.events();
        }

        Map<String, String> lastEnvironment() {
            return delegate.lastEnvironment();
        }

        void failStartOf(String program, String reason, List<String> log) {
            delegate.failStartOf(program, reason, new ArrayList<>(log));
        }
    }
}
