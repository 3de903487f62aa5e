package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BrokerOptionsTest {

    @Test
    void defaultsAreTheStandardLoopbackPortsWithoutPersistence() {
        BrokerOptions options = BrokerOptions.defaults();

        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.amqpPort()).isEqualTo(5672);
        assertThat(options.stompPort()).isEqualTo(61613);
        assertThat(options.persistent()).isFalse();
    }

    @Test
    void withersKeepTheOtherFields() {
        BrokerOptions options = BrokerOptions.defaults().withPorts(1000, 1001).withDataDir(Path.of("/tmp/x"));

        assertThat(options).isEqualTo(new BrokerOptions("127.0.0.1", 1000, 1001, Path.of("/tmp/x")));
        assertThat(options.persistent()).isTrue();
    }

    @Test
    void refusesNonLoopbackHostsBecauseSecurityIsOff() {
        assertThatThrownBy(() -> new BrokerOptions("10.1.2.3", 5672, 61613, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loopback")
                .hasMessageContaining("[broker] url");
        assertThatThrownBy(() -> new BrokerOptions("0.0.0.0", 5672, 61613, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsOtherLoopbackForms() {
        assertThat(new BrokerOptions("localhost", 5672, 61613, null).host()).isEqualTo("localhost");
        assertThat(new BrokerOptions("::1", 5672, 61613, null).host()).isEqualTo("::1");
    }

    @Test
    void refusesBadPorts() {
        assertThatThrownBy(() -> new BrokerOptions("127.0.0.1", 0, 61613, null))
                .hasMessageContaining("amqp_port");
        assertThatThrownBy(() -> new BrokerOptions("127.0.0.1", 5672, 70000, null))
                .hasMessageContaining("stomp_port");
        assertThatThrownBy(() -> new BrokerOptions("127.0.0.1", 5672, 5672, null))
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> new BrokerOptions(" ", 5672, 61613, null))
                .hasMessageContaining("blank");
    }
}
