package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.messaging.StompTestClient;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.JsonCodec;

/**
 * A shared host: the testbed run by unprivileged users, each home with its own authenticated
 * broker, nobody else let in, and no secret where others can see it.
 */
class SharedHostIT {

    private static final Set<PosixFilePermission> GROUP_OR_OTHER = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final JsonCodec codec = new JsonCodec();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private TestbedHome home(String namespace, TestUser user) {
        TestbedHome home = new TestbedHome(namespace, user);
        cleanup.add(home);
        return home;
    }

    @Test
    void onlyTheHomesLoginGetsInAndTheOriginalAgentsJoinWithTheirVariables() throws Exception {
        TestbedHome testbed = home("it-login", TestUser.primary());
        copyResource("stomp_login_agent.py", testbed);
        testbed.quickWorkflow(2, """
                [agents.original]
                enabled = true
                command = ["/usr/bin/python3", "-u", "stomp_login_agent.py"]
                environment = { PROBE_NAMESPACE = "it-login" }
                """);
        TestbedHome.Result run = testbed.cli("run");
        assertThat(run.code()).as(run.err()).isZero();
        BrokerEndpoint login = testbed.endpoint();
        assertThat(login.user()).isEqualTo(testbed.user.name);

        // Anonymous and wrong logins are refused on both protocols.
        JmsMessageBusFactory buses = new JmsMessageBusFactory();
        assertThatThrownBy(() -> buses.connect(BrokerEndpoint.anonymous(testbed.amqpUrl()), "anonymous",
                Duration.ofSeconds(5)).close()).isInstanceOf(ServiceUnavailableException.class);
        assertThatThrownBy(() -> buses.connect(new BrokerEndpoint(testbed.amqpUrl(), login.user(), "wrong", null),
                "guess", Duration.ofSeconds(5)).close()).isInstanceOf(ServiceUnavailableException.class);
        assertThatThrownBy(() -> StompTestClient.connect("127.0.0.1", testbed.stompPort).close())
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> StompTestClient.connect("127.0.0.1", testbed.stompPort, login.user(), "wrong").close())
                .isInstanceOf(IOException.class);
        try (StompTestClient stomp = StompTestClient.connect("127.0.0.1", testbed.stompPort, login.user(),
                login.password())) {
            stomp.subscribe("events", "/topic/epictopic");
        }

        // The program that logs in as the original agents do saw every STF of the run.
        List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
        try (MessageBus bus = testbed.connect("it-login")) {
            bus.subscribe(Destination.queue("probe_seen.it-login"), message -> seen.add(codec.decodeObject(
                    message.body())));
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 2);
        }
        assertThat(seen).extracting(m -> m.get("filename")).containsExactly("swf.100010.000001.stf",
                "swf.100010.000002.stf");
        assertThat(Files.readString(testbed.home.resolve("logs/original-agent.log")))
                .contains("connected to 127.0.0.1:" + testbed.stompPort + " as " + testbed.user.name);

        // The secret is nowhere others (or a careless paste of a log) could see it.
        String password = login.password();
        assertThat(commandLinesContaining(password)).isEmpty();
        assertThat(Files.readString(testbed.conf())).doesNotContain(password);
        try (Stream<Path> files = Files.walk(testbed.home)) {
            List<Path> holding = files.filter(Files::isRegularFile).filter(file -> contains(file, password)).toList();
            assertThat(holding).containsExactly(testbed.home.resolve(".testbed/broker-credentials"));
        }
        // ... and the testbed's own files are the owner's alone.
        assertPrivate(testbed.home.resolve(".testbed"));
        assertPrivate(testbed.home.resolve("logs"));
        assertThat(Files.getPosixFilePermissions(testbed.home.resolve(".testbed/broker-credentials")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(testbed.home.resolve(".testbed/broker-credentials")).getName())
                .isEqualTo(testbed.user.name);
        for (String file : List.of(".testbed/current-run.json", "agents.supervisord.conf", "logs/broker.log",
                "logs/workflow-runner.log", "logs/original-agent.log")) {
            assertThat(Files.getPosixFilePermissions(testbed.home.resolve(file))).as(file)
                    .doesNotContainAnyElementsOf(GROUP_OR_OTHER);
        }
    }

    @Test
    void twoUsersWithDefaultConfigsRunAtOnceEachOnTheirOwnBroker() throws Exception {
        Optional<TestUser> second = TestUser.second();
        assumeThat(second).as("a second unprivileged user (the build runs as root)").isPresent();
        TestbedHome alice = home("it-alice", TestUser.primary());
        TestbedHome bob = home("it-bob", second.get());
        for (TestbedHome home : List.of(alice, bob)) {
            // The default config's broker: no [broker] table, so standard ports when free.
            home.configAsGiven("testbed.toml", home.virtualClockConfig(3));
        }
        TestbedHome.Result aliceRun = alice.cli("run");
        TestbedHome.Result bobRun = bob.cli("run");
        assertThat(aliceRun.code()).as(aliceRun.err()).isZero();
        assertThat(bobRun.code()).as(bobRun.err()).isZero();

        Map<String, Object> aliceStatus = codec.decodeObject(alice.cli("status", "--json").out());
        Map<String, Object> bobStatus = codec.decodeObject(bob.cli("status", "--json").out());
        assertThat(aliceStatus.get("broker_url")).isNotEqualTo(bobStatus.get("broker_url"));
        assertThat(aliceStatus.get("broker_stomp_port")).isNotEqualTo(bobStatus.get("broker_stomp_port"));
        for (TestbedHome home : List.of(alice, bob)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> home.cli("workflows", "--json").out().contains(
                    "\"status\":\"completed\""));
            String workflows = home.cli("workflows", "--json").out();
            assertThat(workflows).contains("stf_datataking-" + home.user.name + "-0001")
                    .contains("\"stf_gen\":3").doesNotContain("-0002");
        }

        // Neither broker lets the other user in, even with that user's own login.
        BrokerEndpoint aliceLogin = endpointOf(alice, aliceStatus);
        BrokerEndpoint bobLogin = endpointOf(bob, bobStatus);
        JmsMessageBusFactory buses = new JmsMessageBusFactory();
        assertThatThrownBy(() -> buses.connect(new BrokerEndpoint(bobLogin.url(), aliceLogin.user(),
                aliceLogin.password(), null), "alice-at-bob", Duration.ofSeconds(5)).close())
                .isInstanceOf(ServiceUnavailableException.class);

        // Stopping one leaves the other running.
        assertThat(alice.cli("stop-agents").code()).isZero();
        Map<String, Object> after = codec.decodeObject(bob.cli("status", "--json").out());
        assertThat(after).containsEntry("state", "RUNNING").containsEntry("broker_reachable", true);
        assertThat(bob.cli("status").out()).contains("broker").contains("RUNNING").doesNotContain("FAILING");
    }

    @Test
    void aListenerOnTheStandardPortIsNeverAdoptedAndNeverSentTheSecret() throws Exception {
        Squatter squatter = new Squatter(5672);
        cleanup.add(squatter);
        TestbedHome testbed = home("it-squat", TestUser.primary());
        testbed.configAsGiven("testbed.toml", testbed.virtualClockConfig(1));

        TestbedHome.Result run = testbed.cli("run", "--no-workflow");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("5672 by user").contains("this home's broker listens on 127.0.0.1");
        Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
        assertThat(status.get("broker_url")).asString().doesNotEndWith(":5672");
        assertThat(status).containsEntry("broker_reachable", true);
        assertThat(squatter.connections()).isZero();

        // A config that names the squatted port: refused, saying whose port it is and what to do.
        assertThat(testbed.cli("stop-agents").code()).isZero();
        testbed.config("testbed.toml", testbed.virtualClockConfig(1) + "[broker]\namqp_port = 5672\n"
                + "stomp_port = " + testbed.stompPort + "\n");
        TestbedHome.Result refused = testbed.cli("run", "--no-workflow");
        assertThat(refused.code()).isEqualTo(4);
        assertThat(refused.err()).contains("127.0.0.1:5672").contains("in use by user")
                .contains("Set [broker] amqp_port to a free port");
        assertThat(squatter.connections()).isZero();
        assertThat(squatter.received()).doesNotContain(testbed.endpoint().password());
    }

    @Test
    void stopAgentsWorksWhenTheStateDirectoryCannotBeWritten() throws Exception {
        TestbedHome testbed = home("it-readonly", TestUser.primary());
        testbed.quickWorkflow(1, "");
        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        Path state = testbed.home.resolve(".testbed");
        // Nothing can be created there, not even the lock file (as on a full disk or a read-only mount).
        Files.delete(state.resolve("orchestrator.lock"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("r-x------"));
        try {
            TestbedHome.Result stop = testbed.cli("stop-agents");
            assertThat(stop.code()).as(stop.err()).isZero();
            assertThat(stop.out()).contains("workflow-runner").contains("broker");
            assertThat(Files.getPosixFilePermissions(state)).isEqualTo(PosixFilePermissions.fromString("r-x------"));
            assertThat(state.resolve("orchestrator.lock")).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(testbed.cli("status").out()).contains("STOPPED");
    }

    @Test
    void secretsInAnExternalBrokerUrlAreRedactedWhereverItIsShownOrStored() throws Exception {
        TestbedHome broker = home("it-owner", TestUser.primary());
        broker.quickWorkflow(1, "");
        assertThat(broker.cli("run", "--no-workflow").code()).isZero();
        TestbedHome guest = home("it-guest", TestUser.primary());
        guest.config("testbed.toml", guest.virtualClockConfig(1) + "[broker]\nurl = \"amqp://127.0.0.1:"
                + broker.amqpPort + "?transport.trustStorePassword=hunter2&amqp.idleTimeout=60000\"\n");
        guest.useLoginOf(broker);

        TestbedHome.Result run = guest.cli("run", "--no-workflow");
        assertThat(run.code()).as(run.err()).isZero();
        TestbedHome.Result status = guest.cli("status", "--json");

        assertThat(codec.decodeObject(status.out()).get("broker_url")).asString()
                .contains("transport.trustStorePassword=***").contains("amqp.idleTimeout=60000");
        for (TestbedHome.Result shown : List.of(run, status, guest.cli("status"))) {
            assertThat(shown.out() + shown.err()).doesNotContain("hunter2");
        }
        assertThat(Files.readString(guest.home.resolve(".testbed/current-run.json"))).doesNotContain("hunter2");
        try (Stream<Path> logs = Files.walk(guest.home.resolve("logs"))) {
            assertThat(logs.filter(Files::isRegularFile).filter(file -> contains(file, "hunter2")).toList()).isEmpty();
        }
    }

    private static BrokerEndpoint endpointOf(TestbedHome home, Map<String, Object> status) {
        BrokerEndpoint login = home.endpoint();
        return new BrokerEndpoint(String.valueOf(status.get("broker_url")), login.user(), login.password(), null);
    }

    private static void copyResource(String name, TestbedHome home) throws IOException {
        try (InputStream in = SharedHostIT.class.getResourceAsStream("/" + name)) {
            home.user.write(home.home.resolve(name), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void assertPrivate(Path directory) throws IOException {
        assertThat(Files.getPosixFilePermissions(directory)).as(directory.toString())
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** @return pids of live processes whose command line holds {@code text} */
    private static List<Long> commandLinesContaining(String text) throws IOException {
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).contains(text);
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    /** A listener of another user on a port the testbed might want; records what it is sent. */
    private static final class Squatter implements AutoCloseable {

        private final ServerSocket socket = new ServerSocket();
        private final AtomicInteger connections = new AtomicInteger();
        private final StringBuffer received = new StringBuffer();

        Squatter(int port) throws IOException {
            socket.setReuseAddress(true);
            try {
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                throw new IOException("The test needs port " + port + " free to squat on it: " + e.getMessage(), e);
            }
            Thread acceptor = new Thread(this::accept, "squatter-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    connections.incrementAndGet();
                    client.setSoTimeout(3000);
                    byte[] buffer = new byte[4096];
                    int read;
                    while ((read = client.getInputStream().read(buffer)) > 0) {
                        received.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }

        int connections() {
            return connections.get();
        }

        String received() {
            return received.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
