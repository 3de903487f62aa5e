package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ConfigException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.config.AgentLaunch;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.JavaOptions;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

/** The programs supervisord runs, exactly as the CLI generates them for a config. */
class StandardProgramsTest {

    private static final String JAVA = "/opt/jdk/bin/java";
    private static final String CLASS_PATH = "/opt/testbed/lib/*";
    private static final List<String> AGENT_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-Xss512k", "-Xms8m", "-Xmx256m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:ReservedCodeCacheSize=32m", "-Dio.netty.allocator.numDirectArenas=1",
            "-Dio.netty.allocator.numHeapArenas=1", "-Dio.netty.allocator.maxOrder=7",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-Xshare:auto",
            "-Xlog:all=warning:stderr");
    private static final List<String> AGENT_JVM = concat(List.of(JAVA), AGENT_OPTIONS,
            List.of("-cp", CLASS_PATH, "org.swf.testbed.cli.TestbedCli"));
    private static final List<String> BROKER_JVM = List.of(JAVA, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xms16m", "-Xmx512m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-Xshare:auto",
            "-Xlog:all=warning:stderr", "-cp", CLASS_PATH, "org.swf.testbed.cli.TestbedCli");

    @TempDir
    Path home;

    private final StandardPrograms programs = new StandardPrograms(JAVA, CLASS_PATH);
    private TestbedConfig config;

    @BeforeEach
    void setUp() throws IOException {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        Files.createDirectories(home.resolve("agents"));
        Files.writeString(home.resolve("agents/mine.sh"), "echo mine\n");
        Files.writeString(home.resolve("agents/mine.py"), "print('mine')\n");
        Files.writeString(home.resolve("agents/mine"), "#!/bin/sh\n");
        Files.writeString(workflows.resolve("testbed.toml"), """
                [testbed]
                namespace = "programs"
                [agents.data]
                enabled = true
                environment = { LOG_LEVEL = "debug" }
                startsecs = 3
                autorestart = false
                [agents.fast]
                enabled = true
                type = "fastmon"
                [agents.own]
                enabled = true
                command = ["python3", "-u", "own.py"]
                args = ["--verbose"]
                environment = { SWF_TESTBED_CONFIG = "overridden", OWN = "1" }
                [agents.shell]
                enabled = true
                script = "agents/mine.sh"
                [agents.python]
                enabled = true
                script = "agents/mine.py"
                [agents.binary]
                enabled = true
                script = "agents/mine"
                [agents.original]
                enabled = true
                script = "example_agents/example_data_agent.py"
                [agents.missing]
                enabled = true
                script = "example_agents/no_such_agent.py"
                [agents.unknown]
                enabled = true
                type = "no_such_type"
                """);
        config = new TestbedConfigReader(new ConfigLocator(home, TestbedEnvironment.empty())).read((String) null);
    }

    @Test
    void theBrokerRunsInABiggerJvmOnTheGivenPorts() {
        ProgramSpec broker = programs.broker(config, new BrokerPorts(5673, 61614));

        assertThat(broker.name()).isEqualTo("broker");
        assertThat(broker.role()).isEqualTo(ProgramRole.BROKER);
        assertThat(broker.command()).isEqualTo(concat(BROKER_JVM, "broker", "--amqp-port", "5673",
                "--stomp-port", "61614"));
        assertThat(broker.directory()).isEqualTo(config.home());
        assertThat(broker.environment()).isEmpty();
        assertThat(broker.startSeconds()).isEqualTo(1);
        assertThat(broker.autoRestart()).isTrue();
    }

    @Test
    void theWorkflowRunnerRunsTheCliEntryPointWithTheConfig() {
        ProgramSpec runner = programs.workflowRunner(config);

        assertThat(runner.name()).isEqualTo("workflow-runner");
        assertThat(runner.role()).isEqualTo(ProgramRole.RUNNER);
        assertThat(runner.command()).isEqualTo(concat(AGENT_JVM, "workflow-runner"));
        assertThat(runner.directory()).isEqualTo(config.home());
        assertThat(runner.environment()).isEmpty();
        assertThat(runner.startSeconds()).isEqualTo(1);
        assertThat(runner.autoRestart()).isTrue();
    }

    @Test
    void builtInAgentsRunTheCliEntryPointWithTheirTableSettings() {
        ProgramSpec data = programs.agent(config, agent("data"));

        assertThat(data.name()).isEqualTo("data-agent");
        assertThat(data.role()).isEqualTo(ProgramRole.AGENT);
        assertThat(data.command()).isEqualTo(concat(AGENT_JVM, "agent", "data"));
        assertThat(data.directory()).isEqualTo(config.home());
        assertThat(data.environment()).isEqualTo(Map.of("LOG_LEVEL", "debug"));
        assertThat(data.startSeconds()).isEqualTo(3);
        assertThat(data.autoRestart()).isFalse();

        assertThat(programs.agent(config, agent("fast")).command())
                .isEqualTo(concat(AGENT_JVM, "agent", "fastmon"));
        assertThat(programs.agent(config, agent("fast")).name()).isEqualTo("fast-agent");
    }

    @Test
    void commandAgentsRunTheirCommandAndAlwaysGetTheRunsConfig() {
        ProgramSpec own = programs.agent(config, agent("own"));

        assertThat(own.command()).containsExactly("python3", "-u", "own.py", "--verbose");
        assertThat(own.environment()).isEqualTo(Map.of("OWN", "1"));
        assertThat(own.directory()).isEqualTo(config.home());
    }

    @Test
    void scriptAgentsRunByTheirInterpreterAndOriginalExamplesByTheBuiltIns() {
        Path agents = config.home().resolve("agents");
        assertThat(programs.agent(config, agent("shell")).command())
                .containsExactly("bash", agents.resolve("mine.sh").toString());
        assertThat(programs.agent(config, agent("python")).command())
                .containsExactly("python3", "-u", agents.resolve("mine.py").toString());
        assertThat(programs.agent(config, agent("binary")).command()).containsExactly(agents.resolve("mine").toString());
        assertThat(programs.agent(config, agent("original")).command())
                .isEqualTo(concat(AGENT_JVM, "agent", "data"));
    }

    @Test
    void agentsThatCannotRunAreConfigErrorsNamingTheTableAndTheFix() {
        assertThatThrownBy(() -> programs.agent(config, agent("missing"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("workflows/testbed.toml: [agents.missing]: script "
                        + "example_agents/no_such_agent.py not found")
                .hasMessageContaining("Fix the path, or remove script to run the built-in agent");
        assertThatThrownBy(() -> programs.agent(config, agent("unknown"))).isInstanceOf(ConfigException.class)
                .hasMessage("workflows/testbed.toml: [agents.unknown]: there is no built-in agent 'no_such_type'."
                        + " Built-in agents: data, fast_processing, fastmon, processing, worker. Set type to one of"
                        + " them, or give command = [...] or script = \"...\" to run your own");
    }

    @Test
    void builtInsAndTheOriginalExamplesTheyReplaceSendHeartbeats() {
        assertThat(programs.sendsHeartbeats(agent("data"))).isTrue();
        assertThat(programs.sendsHeartbeats(agent("unknown"))).isTrue();
        assertThat(programs.sendsHeartbeats(agent("original"))).isTrue();
        assertThat(programs.sendsHeartbeats(agent("own"))).isFalse();
        assertThat(programs.sendsHeartbeats(agent("python"))).isFalse();
    }

    @Test
    void onlyAgentsThatTakeTheirWorkFromQueuesRunAsSeveralCopies() {
        AgentSpec worker = new AgentSpec("worker", true, new AgentLaunch.BuiltIn("worker"), Map.of(), 1, true,
                JavaOptions.NONE, null);
        assertThat(programs.whyNotReplicable(config, worker)).isEmpty();
        assertThat(programs.whyNotReplicable(config, agent("data"))).hasValueSatisfying(why -> assertThat(why)
                .contains("built-in data agent", "epictopic", "every copy would hear every message", "the worker"));
        assertThat(programs.whyNotReplicable(config, agent("fast"))).hasValueSatisfying(why -> assertThat(why)
                .contains("built-in fastmon agent"));
        assertThat(programs.whyNotReplicable(config, agent("original"))).as("the data agent stands in for it")
                .isPresent();
        // A command's copies are its own affair.
        assertThat(programs.whyNotReplicable(config, agent("own"))).isEmpty();
        assertThat(programs.whyNotReplicable(config, agent("python"))).isEmpty();
    }

    @Test
    void configuredJavaOptionsFollowTheTestbedsOwnInTheRunnerAndBuiltInAgentsOnly() {
        JavaOptions testbedWide = new JavaOptions(List.of("-Xmx512m", "-Dlabel=two words"));
        JavaOptions fastmonsOwn = new JavaOptions(List.of("-Xmx1g"));
        TestbedConfig tuned = new TestbedConfig(config.source(), config.home(), config.namespace(), config.agents(),
                config.workflow(), config.broker(), testbedWide, config.parameters(), config.tables());

        assertThat(programs.workflowRunner(tuned).command()).isEqualTo(agentJvmWith(testbedWide, "workflow-runner"));
        assertThat(programs.agent(tuned, agent("data", testbedWide)).command())
                .isEqualTo(agentJvmWith(testbedWide, "agent", "data"));
        assertThat(programs.agent(tuned, agent("original", testbedWide)).command())
                .isEqualTo(agentJvmWith(testbedWide, "agent", "data"));
        assertThat(programs.agent(tuned, agent("fast", fastmonsOwn)).command())
                .isEqualTo(agentJvmWith(fastmonsOwn, "agent", "fastmon"));
        assertThat(programs.agent(tuned, agent("own", testbedWide)).command())
                .containsExactly("python3", "-u", "own.py", "--verbose");
        assertThat(programs.agent(tuned, agent("shell", testbedWide)).command())
                .containsExactly("bash", home.resolve("agents/mine.sh").toString());
        assertThat(programs.broker(tuned, new BrokerPorts(5673, 61614)).command()).isEqualTo(concat(BROKER_JVM,
                "broker", "--amqp-port", "5673", "--stomp-port", "61614"));
    }

    @Test
    void withoutJavaOptionsInTheConfigTestbedJavaOptsReachTheRunnerAndBuiltInAgents() {
        TestbedConfig silent = new TestbedConfigReader(new ConfigLocator(home, TestbedEnvironment.of(
                Map.of("TESTBED_JAVA_OPTS", "-Xmx64m -XX:+PrintCommandLineFlags")))).read((String) null);
        JavaOptions fromVariable = new JavaOptions(List.of("-Xmx64m", "-XX:+PrintCommandLineFlags"));

        assertThat(programs.workflowRunner(silent).command()).isEqualTo(agentJvmWith(fromVariable, "workflow-runner"));
        assertThat(programs.agent(silent, silent.agent("data").orElseThrow()).command())
                .isEqualTo(agentJvmWith(fromVariable, "agent", "data"));
        assertThat(programs.agent(silent, silent.agent("own").orElseThrow()).command())
                .containsExactly("python3", "-u", "own.py", "--verbose");
    }

    @Test
    void fromADistributionTheProgramsRunItsLibOnThisJava(@TempDir Path installed) throws IOException {
        Path lib = Files.createDirectories(installed.resolve("testbed/lib"));
        Files.writeString(lib.resolve("testbed-cli-1.2.3.jar"), "");

        StandardPrograms fromDistribution = StandardPrograms.fromDistribution(installed.resolve("testbed"));

        assertThat(fromDistribution.workflowRunner(config).command()).isEqualTo(concat(List.of(thisJava()),
                AGENT_OPTIONS, List.of("-cp", lib + "/*", "org.swf.testbed.cli.TestbedCli",
                        "workflow-runner")));
    }

    @Test
    void aDirectoryThatIsNoDistributionIsRefusedSayingWhatToGive(@TempDir Path elsewhere) throws IOException {
        Files.createDirectories(elsewhere.resolve("lib"));

        assertThatThrownBy(() -> StandardPrograms.fromDistribution(elsewhere)).isInstanceOf(TestbedException.class)
                .hasMessage(elsewhere + " is not a testbed distribution: there is no " + elsewhere
                        + "/lib/testbed-cli-*.jar. Give the directory that holds bin/testbed and lib/ (the build makes"
                        + " it at testbed-cli/target/testbed)");
    }

    @Test
    void fromTheClassPathTheProgramsRunThisJvmsClassPath() {
        List<String> runner = StandardPrograms.fromClassPath().workflowRunner(config).command();

        assertThat(runner.get(0)).isEqualTo(thisJava());
        int defaults = 1 + AGENT_OPTIONS.size();
        assertThat(runner.subList(1, defaults)).isEqualTo(AGENT_OPTIONS);
        assertThat(runner.get(defaults + 1)).isEqualTo(System.getProperty("java.class.path"));
        assertThat(runner.subList(defaults + 2, runner.size())).containsExactly("org.swf.testbed.cli.TestbedCli",
                "workflow-runner");
    }

    private AgentSpec agent(String key) {
        return config.agent(key).orElseThrow();
    }

    /** @return the agent of the config with these JVM options in place of its own */
    private AgentSpec agent(String key, JavaOptions javaOptions) {
        AgentSpec agent = agent(key);
        return new AgentSpec(agent.key(), agent.enabled(), agent.launch(), agent.environment(), agent.startSeconds(),
                agent.autoRestart(), javaOptions, agent.ready());
    }

    @Test
    void everyJvmMapsTheSharingArchiveOnceItExistsAndTheConfiguredOptionsStillComeLast() throws IOException {
        Path archive = home.resolve("cache/testbed.jsa");
        StandardPrograms sharing = new StandardPrograms(JAVA, CLASS_PATH, java.util.Optional.of(new CdsArchive(archive)));
        JavaOptions own = new JavaOptions(List.of("-Xmx1g"));

        assertThat(sharing.agent(config, agent("data", own)).command()).isEqualTo(agentJvmWith(own, "agent", "data"));

        Files.createDirectories(archive.getParent());
        Files.writeString(archive, "made by the CLI");
        String mapped = "-XX:SharedArchiveFile=" + archive;
        assertThat(sharing.agent(config, agent("data", own)).command()).isEqualTo(concat(List.of(JAVA), AGENT_OPTIONS,
                List.of(mapped, "-Xmx1g", "-cp", CLASS_PATH, "org.swf.testbed.cli.TestbedCli", "agent", "data")));
        assertThat(sharing.workflowRunner(config).command()).contains(mapped);
        assertThat(sharing.broker(config, new BrokerPorts(5673, 61614)).command()).contains(mapped);
        assertThat(sharing.agent(config, agent("own")).command()).doesNotContain(mapped);
    }

    /** @return an agent JVM's command line with the configured options after the testbed's own */
    private static List<String> agentJvmWith(JavaOptions configured, String... arguments) {
        int defaults = 1 + AGENT_OPTIONS.size();
        return concat(AGENT_JVM.subList(0, defaults), configured.arguments(), AGENT_JVM.subList(defaults, AGENT_JVM.size()),
                List.of(arguments));
    }

    private static List<String> concat(List<String> head, String... tail) {
        return concat(head, List.of(tail));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private static String thisJava() {
        return ProcessHandle.current().info().command().orElseThrow();
    }
}
