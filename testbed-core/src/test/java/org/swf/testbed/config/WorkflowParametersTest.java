package org.swf.testbed.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowParametersTest {

    @TempDir
    Path home;

    @Test
    void mergesLikeTheOriginalRunner() throws IOException {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        Files.writeString(workflows.resolve("daq_state_machine.toml"), """
                [daq_state_machine]
                stf_interval = 2.0
                broadcast_delay = 1
                physics_period_count = 2
                [simulation]
                stf_count = 99
                """);
        Files.writeString(workflows.resolve("wf_default.toml"), """
                [workflow]
                name = "stf_datataking"
                includes = ["daq_state_machine.toml"]
                [simulation]
                stf_count = 5
                stf_interval = 2.2
                """);
        Files.writeString(workflows.resolve("testbed.toml"), """
                [testbed]
                namespace = "n"
                [simulation]
                physics_period_count = 1
                [parameters]
                broadcast_delay = 0.5
                """);
        ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
        TestbedConfig testbed = new TestbedConfigReader(locator).read((String) null);
        WorkflowParameters parameters = WorkflowParameters.resolve(locator, "wf_default", testbed,
                Map.of("stf_count", 3, "unknown_key", 1));

        // The include adds only the section the config lacks; [simulation] stays the config's own.
        assertThat(parameters.sections().get("daq_state_machine")).containsEntry("stf_interval", 2.0);
        // Testbed sections override key by key; command params replace existing keys only.
        assertThat(parameters.sections().get("simulation")).containsEntry("stf_count", 3)
                .containsEntry("physics_period_count", 1L).containsEntry("stf_interval", 2.2);
        assertThat(parameters.daq()).doesNotContainKey("unknown_key").doesNotContainKey("namespace");
        // DAQ parameters: the state machine's defaults with every other section laid over them.
        assertThat(parameters.number("stf_interval", 0)).isEqualTo(2.2);
        assertThat(parameters.integer("stf_count", 0)).isEqualTo(3);
        assertThat(parameters.integer("physics_period_count", 0)).isEqualTo(1);
        assertThat(parameters.number("broadcast_delay", 0)).isEqualTo(0.5);
        assertThat(parameters.number("absent", 7)).isEqualTo(7);
    }
}
