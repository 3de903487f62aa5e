package org.swf.testbed.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ConfigException;

class ConfigLocatorTest {

    @TempDir
    Path home;

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(home.resolve("workflows"));
        for (String name : new String[] {"testbed.toml", "fast_processing_default.toml", "exact", "plain.toml"}) {
            Files.writeString(home.resolve("workflows").resolve(name), "");
        }
        Files.writeString(home.resolve("secret.toml"), "");
    }

    @Test
    void triesNameThenTomlThenDefault() {
        ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
        assertThat(locator.locate(null)).isEqualTo(home.resolve("workflows/testbed.toml"));
        assertThat(locator.locate("exact")).isEqualTo(home.resolve("workflows/exact"));
        assertThat(locator.locate("plain")).isEqualTo(home.resolve("workflows/plain.toml"));
        assertThat(locator.locate("testbed.toml")).isEqualTo(home.resolve("workflows/testbed.toml"));
        assertThat(locator.locate("fast_processing")).isEqualTo(home.resolve("workflows/fast_processing_default.toml"));
    }

    @Test
    void environmentNamesTheDefault() {
        ConfigLocator locator = new ConfigLocator(home,
                TestbedEnvironment.of(Map.of("SWF_TESTBED_CONFIG", "workflows/plain.toml")));
        assertThat(locator.locate(null)).isEqualTo(home.resolve("workflows/plain.toml"));
        assertThatThrownBy(() -> new ConfigLocator(home, TestbedEnvironment.of(Map.of("SWF_TESTBED_CONFIG",
                "nope.toml"))).locate(null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SWF_TESTBED_CONFIG=nope.toml names no file");
    }

    @Test
    void unknownNameListsWhatExists() {
        assertThatThrownBy(() -> new ConfigLocator(home, TestbedEnvironment.empty()).locate("nosuch"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown config 'nosuch'")
                .hasMessageContaining("workflows/nosuch_default.toml")
                .hasMessageContaining("Available: fast_processing_default.toml, plain.toml, testbed.toml");
    }

    @Test
    void namesThatEscapeWorkflowsAreRefused() {
        ConfigLocator locator = new ConfigLocator(home, TestbedEnvironment.empty());
        for (String name : new String[] {"../secret", "../secret.toml", "a/../../secret", "/etc/passwd", "~root"}) {
            assertThatThrownBy(() -> locator.locate(name)).as(name)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("must stay inside workflows/");
        }
    }
}
