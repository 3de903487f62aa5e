package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void withSecurityAnyHostIsAllowed() {
        BrokerOptions options = new BrokerOptions("0.0.0.0", 5672, 61613, null,
                BrokerSecurity.ownerOnly("alice", "pw"), null);
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.security().hasUser("alice")).isTrue();
        // Taking security away again puts the loopback rule back.
        assertThatThrownBy(() -> options.withSecurity(null)).hasMessageContaining("loopback");
    }

    @Test
    void withersKeepSecurityAndTls(@TempDir Path dir) throws Exception {
        BrokerTls tls = new BrokerTls(Files.writeString(dir.resolve("k.p12"), "x"), "ks-pw");
        BrokerOptions options = BrokerOptions.defaults().withSecurity(BrokerSecurity.ownerOnly("alice", "s3cret"))
                .withTls(tls).withPorts(1000, 1001).withDataDir(dir);

        assertThat(options.security()).isEqualTo(BrokerSecurity.ownerOnly("alice", "s3cret"));
        assertThat(options.tls()).isEqualTo(tls);
        assertThat(options.toString()).doesNotContain("s3cret", "ks-pw");
        assertThat(BrokerOptions.defaults().security()).isNull();
        assertThat(BrokerOptions.defaults().tls()).isNull();
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
