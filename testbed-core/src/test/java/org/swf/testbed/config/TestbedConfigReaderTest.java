package org.swf.testbed.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ConfigException;

class TestbedConfigReaderTest {

    @TempDir
    Path home;

    private TestbedConfig read(String toml) throws IOException {
        Files.createDirectories(home.resolve("workflows"));
        Files.writeString(home.resolve("workflows/testbed.toml"), toml);
        return new TestbedConfigReader(new ConfigLocator(home, TestbedEnvironment.empty())).read((String) null);
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
}
