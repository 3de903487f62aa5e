package org.swf.testbed.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ConfigException;

class TestbedEnvironmentTest {

    @Test
    void unsetAndBlankVariablesGiveTheDefaults() {
        for (TestbedEnvironment environment : new TestbedEnvironment[] {TestbedEnvironment.empty(),
            TestbedEnvironment.of(Map.ofEntries(Map.entry("TESTBED_HOME", " "), Map.entry("SWF_HOME", ""),
                    Map.entry("SWF_TESTBED_CONFIG", " "), Map.entry("TESTBED_HEARTBEAT_SECONDS", ""),
                    Map.entry("TESTBED_PROGRAM", ""), Map.entry("SWF_MONITOR_HTTP_URL", " "),
                    Map.entry("SWF_API_TOKEN", ""), Map.entry("ACTIVEMQ_USER", " "), Map.entry("ACTIVEMQ_PASSWORD", ""),
                    Map.entry("ACTIVEMQ_SSL_CA_CERTS", ""), Map.entry("SLICE_PROCESSING_MILLIS", " ")))}) {
            assertThat(environment.home()).isEmpty();
            assertThat(environment.swfHome()).isEmpty();
            assertThat(environment.defaultConfig()).isEmpty();
            assertThat(environment.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
            assertThat(environment.program()).isEmpty();
            assertThat(environment.monitorUrl()).isEmpty();
            assertThat(environment.apiToken()).isEmpty();
            assertThat(environment.brokerUser()).isEmpty();
            assertThat(environment.brokerPassword()).isEmpty();
            assertThat(environment.brokerCaFile()).isEmpty();
            assertThat(environment.sliceProcessingTime()).isZero();
        }
    }

    @Test
    void everyVariableIsReadTyped() {
        TestbedEnvironment environment = TestbedEnvironment.of(Map.of("TESTBED_HOME", "/tmp/tb/../home",
                "SWF_HOME", "/opt/swf", "SWF_TESTBED_CONFIG", "workflows/x.toml", "TESTBED_HEARTBEAT_SECONDS", " 5 ",
                "TESTBED_PROGRAM", "data-agent", "SWF_MONITOR_HTTP_URL", " http://monitor:8002 ", "SWF_API_TOKEN", "t",
                "ACTIVEMQ_USER", "u", "ACTIVEMQ_PASSWORD", "p", "ACTIVEMQ_SSL_CA_CERTS", "/etc/ca.pem"));

        assertThat(environment.home()).contains(Path.of("/tmp/home"));
        assertThat(environment.swfHome()).contains("/opt/swf");
        assertThat(environment.defaultConfig()).contains("workflows/x.toml");
        assertThat(environment.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(environment.program()).contains("data-agent");
        assertThat(environment.monitorUrl()).contains("http://monitor:8002");
        assertThat(environment.apiToken()).contains("t");
        assertThat(environment.brokerUser()).contains("u");
        assertThat(environment.brokerPassword()).contains("p");
        assertThat(environment.brokerCaFile()).contains(Path.of("/etc/ca.pem"));
        assertThat(TestbedEnvironment.of(Map.of("SLICE_PROCESSING_MILLIS", "50")).sliceProcessingTime())
                .isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void theMonitorApiVariables() {
        TestbedEnvironment environment = TestbedEnvironment.of(Map.of("SWF_MONITOR_URL", " https://m/swf-monitor ",
                "TESTBED_MONITOR_PORT", "4711", "TESTBED_SUPERVISOR_CONF", "/h/.testbed/supervisord.conf"));

        assertThat(environment.monitorApiUrl()).contains("https://m/swf-monitor");
        assertThat(environment.ownMonitorPort()).hasValue(4711);
        assertThat(environment.supervisorConf()).contains("/h/.testbed/supervisord.conf");
        assertThat(TestbedEnvironment.empty().ownMonitorPort()).isEmpty();
        assertThatThrownBy(() -> TestbedEnvironment.of(Map.of("TESTBED_MONITOR_PORT", "70000")).ownMonitorPort())
                .isInstanceOf(ConfigException.class).hasMessageContaining("TESTBED_MONITOR_PORT=70000 is not a port");
    }

    @Test
    void heartbeatsAreAtLeastOneSecondApart() {
        assertThat(TestbedEnvironment.of(Map.of("TESTBED_HEARTBEAT_SECONDS", "0")).heartbeatInterval())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(TestbedEnvironment.of(Map.of("TESTBED_HEARTBEAT_SECONDS", "-7")).heartbeatInterval())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anInvalidNumberIsAConfigErrorThatNamesTheVariableAndTheFix() {
        TestbedEnvironment environment = TestbedEnvironment.of(Map.of("TESTBED_HEARTBEAT_SECONDS", "soon",
                "SLICE_PROCESSING_MILLIS", "-1"));

        assertThatThrownBy(environment::heartbeatInterval).isInstanceOf(ConfigException.class)
                .hasMessageContaining("TESTBED_HEARTBEAT_SECONDS=soon").hasMessageContaining("unset it");
        assertThatThrownBy(environment::sliceProcessingTime).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLICE_PROCESSING_MILLIS=-1").hasMessageContaining("unset it");
    }

    @Test
    void secretsStayOutOfItsText() {
        TestbedEnvironment environment = TestbedEnvironment.of(Map.of("ACTIVEMQ_PASSWORD", "hunter2",
                "SWF_API_TOKEN", "abc123"));

        assertThat(environment.toString()).doesNotContain("hunter2").doesNotContain("abc123");
    }

    @Test
    void thisHostIsNamedByTestbedHostElseByTheMachineAndOnlyAsAPlainWord() {
        assertThat(TestbedEnvironment.of(Map.of("TESTBED_HOST", " nodeB ")).hostName()).isEqualTo("nodeB");
        assertThat(TestbedEnvironment.empty().hostName())
                .isEqualTo(org.swf.testbed.heartbeat.HeartbeatSender.localHostname());
        assertThat(TestbedEnvironment.of(Map.of("TESTBED_HOST", "")).hostName())
                .isEqualTo(org.swf.testbed.heartbeat.HeartbeatSender.localHostname());
        assertThatThrownBy(() -> TestbedEnvironment.of(Map.of("TESTBED_HOST", "node/B")).hostName())
                .isInstanceOf(ConfigException.class).hasMessageContaining("TESTBED_HOST=node/B")
                .hasMessageContaining("letters, digits");
    }
}
