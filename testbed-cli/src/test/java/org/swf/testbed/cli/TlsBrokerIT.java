package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.broker.BrokerOptions;
import org.swf.testbed.broker.BrokerSecurity;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.messaging.TestCertificates;
import org.swf.testbed.protocol.JsonCodec;

/**
 * A testbed on an external broker over {@code amqps://}, whose certificate comes from a CA of its
 * own: trusted through {@code [broker] ca_file}, refused (fast, in one line) without it.
 */
class TlsBrokerIT {

    private static final String LOGIN = "physicist";
    private static final String PASSWORD = "Tls-Broker-Pa55";

    private Path certificateDirectory;
    private EmbeddedBroker broker;
    private TestbedHome testbed;

    @BeforeEach
    void startBroker() throws IOException {
        certificateDirectory = TempLeftovers.made(Files.createTempDirectory("testbed-it-certs-"));
        TestCertificates certificates = TestCertificates.generate(certificateDirectory);
        broker = EmbeddedBroker.start(BrokerOptions.defaults().withPorts(freePort(), freePort())
                .withSecurity(BrokerSecurity.ownerOnly(LOGIN, PASSWORD)).withTls(certificates.brokerTls()));
        testbed = new TestbedHome("it-tls");
        testbed.user.write(testbed.home.resolve("broker-ca.pem"), Files.readString(certificates.caFile()));
        testbed.useLogin(LOGIN, PASSWORD);
    }

    @AfterEach
    void stop() {
        testbed.close();
        broker.close();
        TestUser.deleteTree(certificateDirectory);
    }

    @Test
    void trustingTheBrokersCaRunsTheWorkflowAndWithoutItRunFailsFastInOneLine() {
        String url = "amqps://localhost:" + broker.amqpPort();
        testbed.config("testbed.toml", config(url, "ca_file = \"broker-ca.pem\"\n"));

        TestbedHome.Result run = testbed.cli("run");

        assertThat(run.code()).as(run.err()).isZero();
        Map<String, Object> status = new JsonCodec().decodeObject(testbed.cli("status", "--json").out());
        assertThat(status).containsEntry("broker_url", url).containsEntry("broker_reachable", true)
                .containsEntry("state", "RUNNING");
        assertThat(testbed.cli("stop-agents").code()).isZero();

        testbed.config("testbed.toml", config(url, ""));
        TestbedHome.Result untrusted = testbed.cli("run");

        assertThat(untrusted.code()).isEqualTo(4);
        assertThat(untrusted.err().strip().lines()).hasSize(1);
        assertThat(untrusted.err()).contains("localhost:" + broker.amqpPort()).contains("ACTIVEMQ_SSL_CA_CERTS")
                .containsIgnoringCase("certificate");
        assertThat(untrusted.took()).isLessThan(Duration.ofSeconds(10));
        assertThat(testbed.cli("status").out()).contains("STOPPED");
    }

    private String config(String url, String caFile) {
        return testbed.virtualClockConfig(2) + "[broker]\nurl = \"" + url + "\"\n" + caFile;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
