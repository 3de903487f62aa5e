package org.swf.testbed.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ConfigException;

class TestbedConfigReaderTest {

    @TempDir
    Path home;

    private TestbedConfig read(String toml) throws IOException {
        return read(toml, TestbedEnvironment.empty());
    }

    private TestbedConfig read(String toml, TestbedEnvironment environment) throws IOException {
        Files.createDirectories(home.resolve("workflows"));
        Files.writeString(home.resolve("workflows/testbed.toml"), toml);
        return new TestbedConfigReader(new ConfigLocator(home, environment)).read((String) null);
    }

    private void assertRefused(String toml, String... fragments) {
        assertThatThrownBy(() -> read(toml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("workflows/testbed.toml")
                .message().contains(fragments);
    }

    @Test
    void readsNamespaceAgentsWorkflowAndEmbeddedBroker() throws IOException {
        TestbedConfig config = read("""
                [testbed]
                namespace = "alice-1"
                [agents.data]
                enabled = true
                [agents.tool]
                enabled = true
                command = ["python3", "-u", "agent.py"]
                environment = { LEVEL = "debug", N = 3 }
                startsecs = 2
                autorestart = false
                [agents.old]
                script = "example_agents/example_data_agent.py"
                [workflow]
                name = "stf_datataking"
                config = "fast_processing_default"
                realtime = false
                [parameters]
                stf_count = 3
                """);
        assertThat(config.namespace()).isEqualTo("alice-1");
        assertThat(config.source()).isEqualTo(home.resolve("workflows/testbed.toml"));
        assertThat(config.agents()).extracting(AgentSpec::key).containsExactly("data", "tool", "old");
        assertThat(config.enabledAgents()).extracting(AgentSpec::key).containsExactly("data", "tool");
        assertThat(config.agent("data").orElseThrow().launch()).isEqualTo(new AgentLaunch.BuiltIn("data"));
        AgentSpec tool = config.agent("tool").orElseThrow();
        assertThat(tool.launch()).isEqualTo(new AgentLaunch.Command(List.of("python3", "-u", "agent.py")));
        assertThat(tool.environment()).containsEntry("LEVEL", "debug").containsEntry("N", "3");
        assertThat(tool.startSeconds()).isEqualTo(2);
        assertThat(tool.autoRestart()).isFalse();
        assertThat(config.agent("old").orElseThrow().launch())
                .isEqualTo(new AgentLaunch.Script("example_agents/example_data_agent.py"));
        assertThat(config.workflow()).isEqualTo(new WorkflowSettings("stf_datataking", "fast_processing_default", false));
        assertThat(config.parameters()).containsEntry("stf_count", 3L);
        assertThat(config.broker().embedded()).isTrue();
        assertThat(config.broker().amqpUrl()).isEqualTo("amqp://127.0.0.1:5672");
    }

    @Test
    void anAgentRunsOneCopyUnlessItsTableSaysHowManyWithinTheLimit() throws IOException {
        TestbedConfig config = read("""
                [testbed]
                namespace = "n"
                [agents.data]
                enabled = true
                [agents.worker]
                enabled = true
                replicas = 4
                """);
        assertThat(config.agent("data").orElseThrow().replicas()).isEqualTo(1);
        assertThat(config.agent("worker").orElseThrow().replicas()).isEqualTo(4);

        for (String count : List.of("0", "-1", "65")) {
            assertRefused("""
                    [testbed]
                    namespace = "n"
                    [agents.worker]
                    replicas = %s
                    """.formatted(count), "[agents.worker]", "replicas = " + count, "use 1 to 64");
        }
        assertRefused("""
                [testbed]
                namespace = "n"
                [agents.worker]
                replicas = "4"
                """, "[agents.worker]", "replicas must be an integer");
    }

    @Test
    void anAgentsCopiesGoToItsHostsInTurnAndBadHostsAreRefused() throws IOException {
        TestbedConfig config = read("""
                [testbed]
                namespace = "n"
                [agents.data]
                enabled = true
                host = "nodeA"
                [agents.worker]
                enabled = true
                replicas = 5
                hosts = ["nodeB", "nodeC.example.org"]
                """);
        assertThat(config.agent("data").orElseThrow().hostOf(1)).hasValue("nodeA");
        AgentSpec worker = config.agent("worker").orElseThrow();
        assertThat(List.of(1, 2, 3, 4, 5)).map(worker::hostOf).map(host -> host.orElseThrow())
                .containsExactly("nodeB", "nodeC.example.org", "nodeB", "nodeC.example.org", "nodeB");
        assertThat(read("""
                [testbed]
                namespace = "n"
                [agents.data]
                enabled = true
                """).agent("data").orElseThrow().hostOf(1)).as("no host: where run starts it").isEmpty();

        assertRefused("""
                [testbed]
                namespace = "n"
                [agents.w]
                host = "a"
                hosts = ["b"]
                """, "[agents.w]", "host or hosts, not both");
        assertRefused("""
                [testbed]
                namespace = "n"
                [agents.w]
                host = "bad host"
                """, "[agents.w]", "host 'bad host' is not a host name");
        assertRefused("""
                [testbed]
                namespace = "n"
                [agents.w]
                hosts = []
                """, "[agents.w]", "hosts must be a list of host names");
        assertRefused("""
                [testbed]
                namespace = "n"
                [agents.w]
                hosts = ["b", "b"]
                """, "[agents.w]", "names a host twice");
    }

    @Test
    void readinessIsHeartbeatOrRunningAndAnythingElseIsRefused() throws IOException {
        TestbedConfig config = read("""
                [testbed]
                namespace = "n"
                [agents.mine]
                enabled = true
                command = ["python3", "mine.py"]
                ready = "heartbeat"
                [agents.quiet]
                enabled = true
                command = ["sleep", "1000"]
                ready = "running"
                [agents.data]
                enabled = true
                """);
        assertThat(config.agents()).extracting(AgentSpec::key, AgentSpec::ready).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("mine", Readiness.HEARTBEAT),
                org.assertj.core.groups.Tuple.tuple("quiet", Readiness.RUNNING),
                org.assertj.core.groups.Tuple.tuple("data", null));
        assertRefused("[testbed]\nnamespace='n'\n[agents.mine]\ncommand=['x']\nready='soon'\n",
                "[agents.mine]", "ready = \"soon\" is unknown", "\"heartbeat\"", "\"running\"");
        assertRefused("[testbed]\nnamespace='n'\n[agents.mine]\ncommand=['x']\nready=true\n",
                "ready must be a string");
    }

    @Test
    void externalBrokerAndEmbeddedPorts() throws IOException {
        assertThat(read("[testbed]\nnamespace='n'\n[broker]\nurl='amqps://b.example.org:5671'\n").broker().amqpUrl())
                .isEqualTo("amqps://b.example.org:5671");
        BrokerSettings ports = read("[testbed]\nnamespace='n'\n[broker]\namqp_port=15672\nstomp_port=16613\n").broker();
        assertThat(ports.embedded()).isTrue();
        assertThat(ports.amqpUrl()).isEqualTo("amqp://127.0.0.1:15672");
        assertThat(ports.stompPort()).isEqualTo(16613);
    }

    @Test
    void missingOrEmptyNamespaceIsRefusedBeforeAnythingStarts() {
        assertRefused("[agents.data]\nenabled = true\n", "[testbed] namespace is missing");
        assertRefused("[testbed]\n", "[testbed] namespace is missing");
        assertRefused("[testbed]\nnamespace = \"\"\n", "[testbed] namespace is empty");
        assertRefused("[testbed]\nnamespace = \"a b\"\n", "namespace 'a b' is invalid");
    }

    @Test
    void syntaxErrorNamesLineAndColumn() {
        assertThatThrownBy(() -> read("[testbed]\nnamespace = \"x\"\n[agents.data\nenabled = true\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("workflows/testbed.toml:3:")
                .hasMessageContaining("invalid TOML")
                .hasMessageContaining("line 3, column");
    }

    @Test
    void hostileAgentKeysAndValuesNeverPass() {
        assertRefused("[testbed]\nnamespace='n'\n[agents.\"bad]key\"]\nenabled=true\n", "agent key 'bad]key' is invalid");
        assertRefused("[testbed]\nnamespace='n'\n[agents.\"bad\\nkey\"]\nenabled=true\n", "agent key 'bad\\nkey' is invalid");
        assertRefused("[testbed]\nnamespace='n'\n[agents.x]\ncommand=[\"a\\nb\"]\n", "[agents.x]", "line break");
        assertRefused("[testbed]\nnamespace='n'\n[agents.x]\nenvironment={ A = \"x]y\" }\n", "environment.A", "']'");
        assertRefused("[testbed]\nnamespace='n'\n[agents.x]\nscript=\"[program:evil]\"\n", "script", "'['");
        assertRefused("[testbed]\nnamespace='n'\n[agents.x]\nenvironment={ \"A-B\" = \"1\" }\n", "environment variable name");
    }

    @Test
    void typosAndWrongTypesAreNamed() {
        assertRefused("[testbed]\nnamespace='n'\n[agents.x]\nenable=true\n", "unknown key 'enable'", "Known keys");
        assertRefused("[testbed]\nnamespace='n'\n[agents.x]\nenabled='yes'\n", "enabled must be true or false");
        assertRefused("[testbed]\nnamespace='n'\n[agents.x]\ncommand='a'\nscript='b'\n", "both command and script");
        assertRefused("[testbed]\nnamespace='n'\n[broker]\nurl='http://x'\n", "not an AMQP URL");
        assertRefused("[testbed]\nnamespace='n'\n[broker]\namqp_port=70000\n", "not a port");
    }

    @Test
    void javaOptionsOfTheTestbedReachEveryAgentWithoutItsOwnAndAnAgentsOwnReplaceThem() throws IOException {
        TestbedConfig config = read("""
                [testbed]
                namespace = "n"
                java_options = ["-Xmx512m", "-Duser.timezone=UTC"]
                [agents.data]
                enabled = true
                [agents.fastmon]
                enabled = true
                java_options = ["-Xmx1g", "-Dlabel=two words"]
                [agents.quiet]
                type = "worker"
                java_options = []
                """, TestbedEnvironment.of(Map.of("TESTBED_JAVA_OPTS", "-Xmx64m")));

        assertThat(config.javaOptions().arguments()).containsExactly("-Xmx512m", "-Duser.timezone=UTC");
        assertThat(config.agent("data").orElseThrow().javaOptions()).isEqualTo(config.javaOptions());
        assertThat(config.agent("fastmon").orElseThrow().javaOptions().arguments())
                .containsExactly("-Xmx1g", "-Dlabel=two words");
        assertThat(config.agent("quiet").orElseThrow().javaOptions()).isEqualTo(JavaOptions.NONE);
    }

    @Test
    void withoutJavaOptionsInTheConfigTestbedJavaOptsApplyAndAnEmptyListTurnsThemOff() throws IOException {
        TestbedEnvironment environment = TestbedEnvironment.of(Map.of("TESTBED_JAVA_OPTS", " -Xmx64m\t-Dx=1 "));
        String agent = "[agents.data]\nenabled = true\n";

        TestbedConfig silent = read("[testbed]\nnamespace = 'n'\n" + agent, environment);
        assertThat(silent.javaOptions().arguments()).containsExactly("-Xmx64m", "-Dx=1");
        assertThat(silent.agent("data").orElseThrow().javaOptions()).isEqualTo(silent.javaOptions());

        TestbedConfig off = read("[testbed]\nnamespace = 'n'\njava_options = []\n" + agent, environment);
        assertThat(off.javaOptions()).isEqualTo(JavaOptions.NONE);
        assertThat(off.agent("data").orElseThrow().javaOptions()).isEqualTo(JavaOptions.NONE);

        assertThat(read("[testbed]\nnamespace = 'n'\n" + agent).javaOptions()).isEqualTo(JavaOptions.NONE);
    }

    @Test
    void javaOptionsThatWouldNotStayOneJvmOptionAreRefusedNamingFileKeyAndFix() {
        String testbed = "[testbed]\nnamespace='n'\n";
        assertRefused(testbed + "java_options = '-Xmx1g -Xss1m'\n", "[testbed]: java_options must be a list of strings",
                "java_options = [\"-Xmx512m\"");
        assertRefused(testbed + "[agents.x]\njava_options = [1024]\n",
                "[agents.x]: java_options must be a list of strings");
        assertRefused(testbed + "[agents.x]\njava_options = [\"-Dx=a\\nb\"]\n", "[agents.x]: java_options",
                "'-Dx=a\\nb'", "line break", "Remove it");
        assertRefused(testbed + "java_options = [\"-Dx=\\u0007\"]\n", "[testbed]: java_options", "control character");
        assertRefused(testbed + "java_options = ['Xmx512m']\n",
                "[testbed]: java_options: 'Xmx512m' is not a JVM option", "the class to run", "\"-Xmx512m\"");
        assertRefused(testbed + "java_options = ['-Xmx512m -Xss1m']\n", "'-Xmx512m -Xss1m' holds several options",
                "give each its own string");
        assertRefused(testbed + "java_options = ['']\n", "an empty string is no JVM option");
        assertRefused(testbed + "java_options = ['-cp', '/tmp/evil']\n", "'-cp' is not allowed",
                "chooses the class path");
        assertRefused(testbed + "java_options = ['-jar']\n", "'-jar' is not allowed");
        assertRefused(testbed + "java_options = ['--add-opens', 'java.base/java.lang=ALL-UNNAMED']\n",
                "'--add-opens' needs its value in the same string", "\"--add-opens=VALUE\"");
        assertRefused(testbed + "[agents.x]\ncommand = ['python3', 'x.py']\njava_options = ['-Xmx1g']\n",
                "[agents.x]: java_options applies only to built-in agents", "Put JVM options into the command");
    }

    @Test
    void testbedJavaOptsThatCannotBeJvmOptionsAreAConfigErrorNamingTheVariable() {
        assertThatThrownBy(() -> read("[testbed]\nnamespace='n'\n",
                TestbedEnvironment.of(Map.of("TESTBED_JAVA_OPTS", "-Xmx1g -cp /tmp"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("TESTBED_JAVA_OPTS: '-cp' is not allowed");
        assertThat(new JavaOptions(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "-XX:OnError=echo %p"))
                .arguments()).hasSize(2);
    }
}
