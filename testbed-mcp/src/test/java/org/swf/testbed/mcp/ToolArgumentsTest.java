package org.swf.testbed.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ToolArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "/etc/passwd", "a/../b", "x\ny", "a]b", ""})
    void configNamesThatLeaveWorkflowsOrBreakLinesAreRefused(String name) {
        ToolArguments arguments = new ToolArguments(Map.of("config_name", name));

        assertThatThrownBy(() -> arguments.string("config_name", ToolArguments.CONFIG, "testbed.toml"))
                .isInstanceOf(ToolFailure.class).hasMessageContaining("Invalid config_name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"testbed.toml", "fast_processing", "sub/mine.toml", "stf_datataking_default"})
    void ordinaryConfigNamesPass(String name) {
        assertThat(new ToolArguments(Map.of("config_name", name)).string("config_name", ToolArguments.CONFIG, "x"))
                .contains(name);
    }

    @Test
    void numbersAreCheckedForTypeAndRange() {
        ToolArguments arguments = new ToolArguments(Map.of("a", 2.5, "b", 0, "c", "5", "d", 7.0));

        assertThatThrownBy(() -> arguments.integer("a", 1, 10)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> arguments.integer("b", 1, 10)).hasMessageContaining("from 1 to 10");
        assertThatThrownBy(() -> arguments.integer("c", 1, 10)).isInstanceOf(ToolFailure.class);
        assertThat(arguments.integer("d", 1, 10)).contains(7L);
        assertThat(arguments.integer("absent", 1, 10)).isEmpty();
    }

    @Test
    void parametersAreFlatNamedScalars() {
        assertThat(new ToolArguments(Map.of("p", Map.of("stf_interval", 0.5, "mode", "x", "on", true)))
                .parameters("p")).containsEntry("stf_interval", 0.5).hasSize(3);
        assertThatThrownBy(() -> new ToolArguments(Map.of("p", Map.of("nested", Map.of("a", 1)))).parameters("p"))
                .hasMessageContaining("Invalid p entry 'nested'");
        assertThatThrownBy(() -> new ToolArguments(Map.of("p", Map.of("bad key", 1))).parameters("p"))
                .isInstanceOf(ToolFailure.class);
    }

    @Test
    void aMissingRequiredArgumentSaysWhatToPass() {
        assertThatThrownBy(() -> new ToolArguments(null).required("namespace", ToolArguments.WORD, "alice"))
                .hasMessage("Missing argument namespace: pass it, e.g. namespace=alice");
    }
}
