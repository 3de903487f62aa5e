package org.swf.testbed.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.port.BrokerEndpoint;

class HomeBrokerTest {

    @TempDir
    Path home;

    private HomeBroker broker() {
        return new HomeBroker(home.resolve(".testbed"), "alice");
    }

    @Test
    void theLoginIsMadeOnceKeptPrivateAndNeverShown() throws IOException {
        BrokerCredentials first = broker().credentials();

        assertThat(first.user()).isEqualTo("alice");
        assertThat(first.password()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(broker().credentials()).isEqualTo(first);
        assertThat(first.toString()).doesNotContain(first.password());
        assertThat(Files.getPosixFilePermissions(broker().credentialsFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(home.resolve(".testbed")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(new HomeBroker(home.resolve("other"), "alice").credentials().password())
                .isNotEqualTo(first.password());
    }

    @Test
    void processesCreatingTheLoginAtOnceAllGetTheSameOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<BrokerCredentials>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<BrokerCredentials> create = () -> broker().credentials();
                results.add(pool.submit(create));
            }
            Set<String> passwords = new HashSet<>();
            for (Future<BrokerCredentials> result : results) {
                passwords.add(result.get().password());
            }
            assertThat(passwords).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(home.resolve(".testbed"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(HomeBroker.CREDENTIALS_FILE);
        }
    }

    @Test
    void aWiderLoginFileIsNarrowedAndABrokenOneExplainsTheFix() throws IOException {
        broker().credentials();
        Files.setPosixFilePermissions(broker().credentialsFile(), PosixFilePermissions.fromString("rw-r--r--"));
        broker().credentials();
        assertThat(Files.getPosixFilePermissions(broker().credentialsFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Files.writeString(broker().credentialsFile(), "user=alice\n");
        assertThatThrownBy(() -> broker().credentials()).isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining(broker().credentialsFile().toString()).hasMessageContaining("delete the file");
    }

    @Test
    void standardPortsWhenFreeOtherwisePortsOfItsOwnRecordedAndNamed() throws IOException {
        int standardAmqp = freePort();
        int standardStomp = freePort();
        BrokerSettings defaults = new BrokerSettings(null, standardAmqp, standardStomp, false, null);
        List<String> notices = new ArrayList<>();
        // Never started: no broker of this home can be running anywhere.
        assertThat(broker().knownPorts(defaults)).isEmpty();

        assertThat(broker().choosePorts(defaults, notices::add)).isEqualTo(new BrokerPorts(standardAmqp, standardStomp));
        assertThat(notices).isEmpty();
        assertThat(broker().knownPorts(defaults)).contains(new BrokerPorts(standardAmqp, standardStomp));
        // A config naming other ports than the recorded ones: the home's broker is not there.
        assertThat(broker().knownPorts(new BrokerSettings(null, standardStomp, standardAmqp, true, null))).isEmpty();

        try (ServerSocket squatter = listen(standardAmqp)) {
            BrokerPorts recorded = broker().recordedPorts().orElseThrow();
            assertThat(recorded).isEqualTo(new BrokerPorts(standardAmqp, standardStomp));
            BrokerPorts own = broker().choosePorts(defaults, notices::add);
            assertThat(own.amqpPort()).isNotEqualTo(standardAmqp);
            assertThat(broker().recordedPorts()).contains(own);
            assertThat(broker().currentPorts(defaults)).isEqualTo(own);
            assertThat(notices).singleElement().asString().contains(standardAmqp + " by user")
                    .contains("AMQP " + own.amqpPort()).contains("STOMP " + own.stompPort());
        }
    }

    @Test
    void configuredPortsAreUsedExactlyAndATakenOneIsRefusedNamingItsOwner() throws IOException {
        int amqp = freePort();
        int stomp = freePort();
        BrokerSettings fixed = new BrokerSettings(null, amqp, stomp, true, null);
        assertThat(broker().choosePorts(fixed, notice -> { })).isEqualTo(new BrokerPorts(amqp, stomp));

        try (ServerSocket squatter = listen(stomp)) {
            assertThatThrownBy(() -> broker().choosePorts(fixed, notice -> { }))
                    .isInstanceOf(ServiceUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + stomp).hasMessageContaining("in use by user")
                    .hasMessageContaining("Set [broker] stomp_port to a free port");
        }
    }

    @Test
    void endpointsAndProgramVariables() throws IOException {
        int amqp = freePort();
        int stomp = freePort();
        BrokerAccess access = new BrokerAccess(home.resolve(".testbed"), TestbedEnvironment.of(Map.of(
                "ACTIVEMQ_USER", "ext-user", "ACTIVEMQ_PASSWORD", "ext-pw", "ACTIVEMQ_SSL_CA_CERTS", "/etc/ca.pem")));
        BrokerSettings embedded = new BrokerSettings(null, amqp, stomp, true, null);

        BrokerEndpoint own = access.endpoint(embedded);
        BrokerCredentials login = access.homeBroker().credentials();
        assertThat(own).isEqualTo(new BrokerEndpoint("amqp://127.0.0.1:" + amqp, login.user(), login.password(), null));
        assertThat(access.programEnvironment(embedded, new BrokerPorts(amqp, stomp))).containsExactlyInAnyOrderEntriesOf(
                Map.of("ACTIVEMQ_HOST", "127.0.0.1", "ACTIVEMQ_PORT", Integer.toString(stomp),
                        "ACTIVEMQ_USER", login.user(), "ACTIVEMQ_PASSWORD", login.password()));

        BrokerSettings external = new BrokerSettings("amqps://b.example.org:5671", 5672, 61613, false, null);
        assertThat(access.endpoint(external)).isEqualTo(new BrokerEndpoint("amqps://b.example.org:5671", "ext-user",
                "ext-pw", Path.of("/etc/ca.pem")));
        BrokerSettings withCa = new BrokerSettings("amqps://b.example.org:5671", 5672, 61613, false,
                home.resolve("ca.pem"));
        assertThat(access.endpoint(withCa).caFile()).isEqualTo(home.resolve("ca.pem"));
        assertThat(access.programEnvironment(withCa, null)).containsExactlyEntriesOf(
                Map.of("ACTIVEMQ_SSL_CA_CERTS", home.resolve("ca.pem").toString()));
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return socket;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
