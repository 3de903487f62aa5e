package org.swf.testbed.agents.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.assertj.core.groups.Tuple;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.agents.monitor.AgentHeartbeats;
import org.swf.testbed.agents.monitor.MonitorApi;
import org.swf.testbed.agents.monitor.MonitorApiServer;
import org.swf.testbed.agents.monitor.RunnerStatusPage;
import org.swf.testbed.agents.monitor.ProcessPrograms;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentIdentity;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.data.DataAgent;
import org.swf.testbed.agents.worker.WorkerAgent;
import org.swf.testbed.agents.runner.WorkflowRunner;
import org.swf.testbed.access.BrokerCredentials;
import org.swf.testbed.config.ConfigDigest;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.access.BrokerHold;
import org.swf.testbed.orchestrator.BrokerStart;
import org.swf.testbed.orchestrator.NamedPrograms;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.OrchestratorSettings;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunResult;
import org.swf.testbed.orchestrator.ScaleResult;
import org.swf.testbed.orchestrator.StepListener;
import org.swf.testbed.orchestrator.StopResult;
import org.swf.testbed.port.FakeProcessSupervisor;
import org.swf.testbed.port.ForwardingProcessSupervisor;
import org.swf.testbed.port.InMemoryMessageBus;
import org.swf.testbed.port.MessageBusFactory;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.status.TestbedStatus;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.port.InMemoryAgentReportStore;
import org.swf.testbed.port.InMemoryExecutionStore;

/**
 * A JVM tool embedding the orchestrator through its public API only (run, status, stop), with
 * in-memory stand-ins for supervisord and the broker: "starting" a program runs the real agent
 * in this JVM on the in-memory bus.
 */
class EmbeddedOrchestratorTest {

    private static final String CONF = "/testbed/.testbed/supervisord.conf";

    @TempDir
    Path home;
    @TempDir
    Path proc;
    private volatile boolean silentAgent;
    private MessageBusFactory buses;

    private final InMemoryMessageBus broker = new InMemoryMessageBus();
    private final Map<String, AgentRuntime> running = new ConcurrentHashMap<>();
    private volatile boolean brokerUp;
    private final InMemoryExecutionStore executions = new InMemoryExecutionStore();
    private InProcessSupervisor supervisor;
    private Orchestrator orchestrator;
    private int stompPort;
    private int amqpPort;
    /** Listens where the "broker" program would, so the orchestrator finds it running, as a real one. */
    private java.net.ServerSocket brokerListener;

    @BeforeEach
    void setUp() throws IOException {
        stompPort = freePort();
        amqpPort = freePort();
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
                """.formatted(amqpPort, stompPort));
        Files.writeString(workflows.resolve("wf_default.toml"), """
                [workflow]
                name = "stf_datataking"
                [daq_state_machine]
                stf_count = 3
                physics_period_count = 1
                """);
        supervisor = new InProcessSupervisor(home.resolve("logs"));
        // Like a real broker, the in-memory one is reachable only once its program has started.
        buses = (url, clientName, timeout) -> {
            if (!brokerUp) {
                throw new ServiceUnavailableException("Cannot reach the broker at " + url);
            }
            return broker.newView();
        };
        orchestrator = new Orchestrator(OrchestratorSettings.defaults(home, TestbedEnvironment.empty()), supervisor,
                buses, new NamedPrograms("in-process"), executions);
    }

    @AfterEach
    void tearDown() throws IOException {
        running.values().forEach(AgentRuntime::close);
        if (brokerListener != null) {
            brokerListener.close();
        }
    }

    @Test
    void aHeldBrokerRunsOnThroughStopsAndStartsOfTheAgents() {
        try (BrokerHold hold = orchestrator.holdBroker()) {
            BrokerStart started = orchestrator.startBroker(null);

            assertThat(started.startedNow()).isTrue();
            assertThat(started.ports().amqpPort()).isEqualTo(amqpPort);
            assertThat(supervisor.events()).containsExactly("restart broker", "start broker");
            // The broker alone is not a running testbed, but it is listed.
            TestbedStatus alone = orchestrator.status();
            assertThat(alone.state()).isEqualTo("STOPPED");
            assertThat(alone.programs()).extracting(ProgramReport::name, ProgramReport::state)
                    .containsExactly(Tuple.tuple("broker", "RUNNING"));

            RunResult run = orchestrator.run(RunOptions.of(null));

            // supervisord takes the agents around the running broker: no restart, no second broker.
            assertThat(run.programs()).containsExactly("workflow-runner", "data-agent");
            assertThat(supervisor.events()).containsExactly("restart broker", "start broker",
                    "update broker,workflow-runner,data-agent", "start workflow-runner,data-agent");
            assertThat(supervisor.programs()).filteredOn(p -> !p.name().equals("broker")).hasSize(2)
                    .allSatisfy(program -> assertThat(program.environment()).containsEntry("SWF_TESTBED_CONFIG",
                            home.resolve("workflows/testbed.toml").toString()).containsKey("ACTIVEMQ_PASSWORD"));
            assertThat(supervisor.programs()).filteredOn(p -> p.name().equals("broker")).singleElement()
                    .satisfies(broker -> assertThat(broker.environment()).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> "completed".equals(execution(orchestrator.status())));

            StopResult stopped = orchestrator.stopAgents();

            assertThat(stopped.stopped()).containsExactlyInAnyOrder("workflow-runner", "data-agent");
            assertThat(stopped.keptRunning()).containsExactly("broker");
            assertThat(brokerUp).isTrue();
            assertThat(orchestrator.status().state()).isEqualTo("STOPPED");
            StopResult again = orchestrator.stopAgents();
            assertThat(again.stopped()).isEmpty();
            assertThat(again.keptRunning()).containsExactly("broker");
            assertThat(orchestrator.startBroker(null).startedNow()).isFalse();
            // Held, the broker outlives a holder's attempt to let it go.
            assertThat(orchestrator.stopBrokerIfIdle()).isEmpty();
        }
        // Let go, the idle broker goes with its holder.
        assertThat(orchestrator.stopBrokerIfIdle()).containsExactly("broker");
        assertThat(brokerUp).isFalse();
    }

    /** Copies come and go through supervisord's update; every other program keeps running as it was. */
    @Test
    void scalingAnAgentStartsOrStopsOnlyItsCopies() throws IOException {
        Files.writeString(home.resolve("workflows/scaled.toml"), """
                [testbed]
                namespace = "embedded"
                [agents.data]
                enabled = true
                [agents.worker]
                enabled = true
                replicas = 2
                [workflow]
                name = "stf_datataking"
                config = "wf_default"
                [broker]
                amqp_port = %d
                stomp_port = %d
                """.formatted(amqpPort, stompPort));
        RunResult run = orchestrator.run(new RunOptions("scaled", false, null, Map.of(), "test"));
        assertThat(run.programs()).containsExactly("broker", "workflow-runner", "data-agent", "worker-agent",
                "worker-agent-2");
        assertThat(supervisor.programs()).filteredOn(p -> p.name().startsWith("worker-agent"))
                .extracting(ProgramSpec::role).containsExactly(ProgramRole.AGENT, ProgramRole.REPLICA);
        List<String> eventsBefore = supervisor.events();

        ScaleResult up = orchestrator.scale("worker", 4, StepListener.NONE);

        assertThat(up.before()).isEqualTo(2);
        assertThat(up.after()).isEqualTo(4);
        assertThat(up.started()).containsExactly("worker-agent-3", "worker-agent-4");
        assertThat(supervisor.events().subList(eventsBefore.size(), supervisor.events().size())).containsExactly(
                "update broker,workflow-runner,data-agent,worker-agent,worker-agent-2,worker-agent-3,worker-agent-4",
                "start worker-agent-3,worker-agent-4");
        TestbedStatus scaled = orchestrator.status();
        assertThat(scaled.programs()).extracting(ProgramReport::name, ProgramReport::state, ProgramReport::agent)
                .containsExactly(Tuple.tuple("broker", "RUNNING", null),
                        Tuple.tuple("workflow-runner", "RUNNING", null), Tuple.tuple("data-agent", "RUNNING", "data"),
                        Tuple.tuple("worker-agent", "RUNNING", "worker"),
                        Tuple.tuple("worker-agent-2", "RUNNING", "worker"),
                        Tuple.tuple("worker-agent-3", "RUNNING", "worker"),
                        Tuple.tuple("worker-agent-4", "RUNNING", "worker"));
        assertThat(scaled.programs()).filteredOn(p -> p.name().startsWith("worker-agent-"))
                .extracting(ProgramReport::operationalState).containsOnly("READY");

        ScaleResult down = orchestrator.scale("worker", 1, StepListener.NONE);

        assertThat(down.stopped()).containsExactly("worker-agent-2", "worker-agent-3", "worker-agent-4");
        assertThat(down.started()).isEmpty();
        assertThat(orchestrator.status().programs()).extracting(ProgramReport::name)
                .containsExactly("broker", "workflow-runner", "data-agent", "worker-agent");
        assertThat(orchestrator.scale("worker", 1, StepListener.NONE).stopped()).isEmpty();
        assertThatThrownBy(() -> orchestrator.scale("processing", 2, StepListener.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("has no agent 'processing'")
                .hasMessageContaining("Its agents: data, worker");
        assertThatThrownBy(() -> orchestrator.scale("workflow-runner", 2, StepListener.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot run as several copies");

        orchestrator.stopAgents();
        assertThatThrownBy(() -> orchestrator.scale("worker", 2, StepListener.NONE))
                .isInstanceOf(LifecycleConflictException.class).hasMessageContaining("not running");
    }

    /** What another host's agent manager does when the host that starts a testbed spread over several asks it. */
    @Test
    void aHostAskedForItsShareStartsOnlyItsOwnProgramsAndRefusesAConfigThatDiffers() throws IOException {
        String thisHost = TestbedEnvironment.empty().hostName();
        Path spread = home.resolve("workflows/spread.toml");
        Files.writeString(spread, """
                [testbed]
                namespace = "embedded"
                [agents.data]
                enabled = true
                [agents.worker]
                enabled = true
                replicas = 3
                hosts = ["%s", "elsewhere"]
                [workflow]
                name = "stf_datataking"
                config = "wf_default"
                [broker]
                url = "amqp://127.0.0.1:%d"
                """.formatted(thisHost, amqpPort));
        brokerUp = true;

        assertThatThrownBy(() -> orchestrator.runShare("spread.toml", "starter", "0".repeat(64), "test",
                StepListener.NONE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("differs from the one starter starts the testbed with")
                .hasMessageContaining("workflows/spread.toml");
        assertThat(supervisor.events()).isEmpty();

        RunResult share = orchestrator.runShare("spread.toml", "starter", ConfigDigest.of(spread), "test",
                StepListener.NONE);

        // Copies 1 and 3 go to this host; the runner, the data agent and copy 2 run elsewhere.
        assertThat(share.programs()).containsExactly("worker-agent", "worker-agent-3");
        assertThat(share.executionId()).as("a share triggers no workflow").isNull();
        assertThat(supervisor.programs()).extracting(ProgramSpec::name).containsExactly("worker-agent",
                "worker-agent-3");
        assertThat(supervisor.programs()).allSatisfy(program -> assertThat(program.environment())
                .doesNotContainKey("SWF_MONITOR_URL"));
        TestbedStatus here = orchestrator.thisHostStatus();
        assertThat(here.programs()).extracting(ProgramReport::name, ProgramReport::host).containsExactly(
                Tuple.tuple("worker-agent", thisHost), Tuple.tuple("worker-agent-3", thisHost));

        StopResult stopped = orchestrator.stopThisHost(StepListener.NONE);
        assertThat(stopped.stopped()).containsExactlyInAnyOrder("worker-agent", "worker-agent-3");
        assertThat(stopped.unreached()).isEmpty();
    }

    /** scale changes nothing when a copy would go to a host that runs none of the testbed. */
    @Test
    void aCopyForAHostThatRunsNothingOfTheTestbedIsRefusedAndNothingChanges() throws IOException {
        String thisHost = TestbedEnvironment.empty().hostName();
        Path spread = home.resolve("workflows/spread.toml");
        Files.writeString(spread, """
                [testbed]
                namespace = "embedded"
                [agents.worker]
                enabled = true
                hosts = ["%s", "nodeZ"]
                [workflow]
                name = "stf_datataking"
                config = "wf_default"
                [broker]
                url = "amqp://127.0.0.1:%d"
                """.formatted(thisHost, amqpPort));
        brokerUp = true;
        orchestrator.runShare("spread.toml", "starter", ConfigDigest.of(spread), "test", StepListener.NONE);
        List<String> events = supervisor.events();

        assertThatThrownBy(() -> orchestrator.scale("worker", 2, StepListener.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Nothing changed")
                .hasMessageContaining("nodeZ runs no program of this testbed")
                .hasMessageContaining("at least as many copies as the agent has hosts");

        assertThat(supervisor.events()).isEqualTo(events);
        assertThat(supervisor.programs()).extracting(ProgramSpec::name).containsExactly("worker-agent");
    }

    @Test
    void aBrokerNobodyHoldsStopsWithTheAgents() {
        orchestrator.startBroker(null);
        orchestrator.run(RunOptions.of(null));
        assertThat(orchestrator.stopBrokerIfIdle()).as("agents use it").isEmpty();

        StopResult stopped = orchestrator.stopAgents();

        assertThat(stopped.stopped()).containsExactlyInAnyOrder("broker", "workflow-runner", "data-agent");
        assertThat(stopped.keptRunning()).isEmpty();
        assertThat(brokerUp).isFalse();
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
    void aCommandAgentThatHeartbeatsOverTheMonitorApiIsAwaitedAndShown() throws IOException {
        mineReportsOverHttp();

        RunResult result = orchestrator.run(RunOptions.of("mine"));

        assertThat(result.steps()).extracting(s -> s.step()).contains("wait for READY heartbeats");
        assertThat(supervisor.lastEnvironment()).containsKeys("SWF_MONITOR_URL", "SWF_MONITOR_HTTP_URL",
                "SWF_API_TOKEN", "TESTBED_MONITOR_PORT");
        assertThat(supervisor.lastEnvironment().get("SWF_MONITOR_URL")).startsWith("http://127.0.0.1:");
        ProgramReport mine = orchestrator.status().programs().stream().filter(p -> p.name().equals("mine-agent"))
                .findFirst().orElseThrow();
        assertThat(mine.operationalState()).isEqualTo("READY");
        assertThat(mine.failing()).isFalse();
    }

    @Test
    void statusAsksTheRunnerOnItsLoopbackPageWithoutConnectingToTheBroker() throws IOException {
        mineReportsOverHttp();
        orchestrator.run(RunOptions.of("mine"));

        // No new broker connection can be made now; the runner's own stays up.
        brokerUp = false;
        TestbedStatus status = orchestrator.status();

        assertThat(status.brokerReachable()).as("the runner's connection, as its page reports it").isTrue();
        assertThat(status.runnerState()).isNotNull();
        assertThat(status.problems()).isEmpty();
        assertThat(status.programs()).filteredOn(p -> p.name().equals("mine-agent")).singleElement()
                .satisfies(mine -> assertThat(mine.operationalState()).isEqualTo("READY"));
    }

    @Test
    void aHeartbeatAgentThatNeverReportsTimesOutNamingIt() throws IOException {
        mineReportsOverHttp();
        silentAgent = true;
        Orchestrator impatient = new Orchestrator(new OrchestratorSettings(home, TestbedEnvironment.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5)), supervisor, buses,
                new NamedPrograms("in-process"), executions);

        assertThatThrownBy(() -> impatient.run(RunOptions.of("mine"))).isInstanceOf(TestbedTimeoutException.class)
                .hasMessageContaining("waiting for READY heartbeats from mine-agent");
    }

    @Test
    void aRealMonitorTheUserConfiguredIsWhatProgramsGet() throws IOException {
        orchestrator = new Orchestrator(OrchestratorSettings.defaults(home, TestbedEnvironment.of(Map.of(
                "SWF_MONITOR_URL", "https://monitor.example.org/swf-monitor", "SWF_MONITOR_HTTP_URL",
                "https://monitor.example.org/swf-monitor"))), supervisor, buses, new NamedPrograms("in-process"),
                executions);

        orchestrator.run(RunOptions.of(null));

        assertThat(supervisor.lastEnvironment()).doesNotContainKeys("SWF_MONITOR_URL", "SWF_API_TOKEN",
                "TESTBED_MONITOR_PORT");
    }

    @Test
    void aMonitorForHeartbeatsAloneIsARealMonitorToo() {
        // SWF_MONITOR_HTTP_URL is where the built-in programs POST their heartbeats: it stays theirs.
        orchestrator = new Orchestrator(OrchestratorSettings.defaults(home, TestbedEnvironment.of(Map.of(
                "SWF_MONITOR_HTTP_URL", "https://monitor.example.org/swf-monitor"))), supervisor, buses,
                new NamedPrograms("in-process"), executions);

        RunResult result = orchestrator.run(RunOptions.of(null));

        assertThat(supervisor.lastEnvironment()).doesNotContainKeys("SWF_MONITOR_URL", "SWF_MONITOR_HTTP_URL",
                "SWF_API_TOKEN", "TESTBED_MONITOR_PORT");
        assertThat(result.notices()).anySatisfy(notice -> assertThat(notice)
                .contains("SWF_MONITOR_HTTP_URL is set but SWF_MONITOR_URL is not"));
    }

    /** A config whose command agent reports READY over HTTP only, as an agent of the original does. */
    private void mineReportsOverHttp() throws IOException {
        Files.writeString(home.resolve("workflows/mine.toml"), Files.readString(home.resolve("workflows/testbed.toml"))
                .replace("[agents.data]\nenabled = true", "[agents.mine]\nenabled = true\ncommand = [\"python3\","
                        + " \"mine.py\"]\nready = \"heartbeat\""));
        Path process = Files.createDirectories(proc.resolve("4242"));
        Files.writeString(process.resolve("environ"),
                "TESTBED_SUPERVISOR_CONF=" + CONF + "\0TESTBED_PROGRAM=mine-agent\0");
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
                if (name.equals("broker") && !brokerUp) {
                    brokerUp = true;
                    try {
                        brokerListener = new java.net.ServerSocket(amqpPort, 50,
                                java.net.InetAddress.getLoopbackAddress());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                if (name.equals("mine-agent")) {
                    reportReadyOverTheMonitorApi(config.namespace());
                    continue;
                }
                Agent agent = switch (name) {
                    case "workflow-runner" -> runner(locator, config);
                    case "data-agent" -> new DataAgent();
                    default -> name.startsWith("worker-agent") ? WorkerAgent.fromEnvironment(TestbedEnvironment.empty())
                            : null;
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

        /** A program supervisord no longer has stops, as there. */
        @Override
        public void update(List<ProgramSpec> programs) {
            delegate.update(programs);
            List<String> names = programs.stream().map(ProgramSpec::name).toList();
            running.keySet().stream().filter(name -> !names.contains(name)).toList()
                    .forEach(name -> running.remove(name).close());
        }

        /** The runner, serving the monitor API when the orchestrator gave the programs its port. */
        private WorkflowRunner runner(ConfigLocator locator, TestbedConfig config) {
            String port = delegate.lastEnvironment().get("TESTBED_MONITOR_PORT");
            if (port == null) {
                return new WorkflowRunner(locator, config, executions, new JsonCodec());
            }
            // The "process" of mine-agent: pid 4242, carrying this home's supervisord markers.
            ProcessPrograms programs = new ProcessPrograms(proc, CONF);
            AgentHeartbeats posted = new AgentHeartbeats(programs, "h");
            RunnerStatusPage statusPage = new RunnerStatusPage();
            MonitorApi api = new MonitorApi(new HomeMonitor(home.resolve(".testbed")).secrets(),
                    new InMemoryAgentReportStore(executions), posted, programs, new JsonCodec(), statusPage);
            MonitorApiServer server = MonitorApiServer.start(Integer.parseInt(port), api, new JsonCodec())
                    .orElseThrow();
            return new WorkflowRunner(locator, config, executions, new JsonCodec(), Duration.ofHours(1), posted,
                    server, statusPage);
        }

        /** What an agent written on the original's BaseAgent does: get an id, then POST READY. */
        private void reportReadyOverTheMonitorApi(String namespace) {
            Map<String, String> environment = delegate.lastEnvironment();
            String url = environment.get("SWF_MONITOR_URL");
            String token = environment.get("SWF_API_TOKEN");
            if (silentAgent || url == null) {
                return;
            }
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> id = http.send(HttpRequest.newBuilder(URI.create(url
                        + "/api/state/next-agent-id/")).header("Authorization", "Token " + token)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(id.statusCode()).isEqualTo(200);
                String heartbeat = new JsonCodec().encode(Map.of("instance_name", "mine-agent-u-1", "agent_type",
                        "Mine", "status", "OK", "operational_state", "READY", "namespace", namespace, "pid", 4242,
                        "mq_connected", true));
                HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create(url
                        + "/api/systemagents/heartbeat/")).header("Authorization", "Token " + token)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(heartbeat))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(sent.statusCode()).isEqualTo(201);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<String> stopAll() {
            running.values().forEach(AgentRuntime::close);
            running.clear();
            stopBroker();
            return delegate.stopAll();
        }

        @Override
        public List<String> stop(List<String> names) {
            names.forEach(name -> Optional.ofNullable(running.remove(name)).ifPresent(AgentRuntime::close));
            if (names.contains("broker")) {
                stopBroker();
            }
            return delegate.stop(names);
        }

        private void stopBroker() {
            brokerUp = false;
            if (brokerListener != null) {
                try {
                    brokerListener.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                brokerListener = null;
            }
        }

        List<ProgramSpec> programs() {
            return delegate.programs();
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
