package org.swf.testbed.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.broker.BrokerSecurity;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.protocol.Destination;

/** The bus against a broker that requires a login: SCRAM over plain AMQP, and what is refused. */
class SecuredBusIT {

    private static final String USER = "testbed-owner";
    private static final String PASSWORD = "Owner-Pa55word";
    private static final Duration DELIVERY = Duration.ofSeconds(10);
    /** Only there to turn a hang into a failure. */
    private static final Duration HANG = Duration.ofSeconds(30);

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(TestBrokers.onFreePorts().withSecurity(BrokerSecurity.ownerOnly(USER, PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void ownerSendsSubscribesAndRequestsOverScram() throws InterruptedException {
        for (boolean reconnect : new boolean[] {false, true}) {
            BusOptions options = owner("owner").withReconnect(reconnect);
            assertThat(QpidUrls.connectionUri(options)).contains("amqp.saslMechanisms=SCRAM-SHA-512%2CSCRAM-SHA-256");
            try (JmsMessageBus requester = JmsMessageBus.connect(options);
                    JmsMessageBus responder = JmsMessageBus.connect(owner("responder"))) {
                Destination control = Destination.queue("testbed." + USER + ".control");
                responder.subscribe(control, in -> responder.send(in.replyTo(), "{\"success\":true}", null,
                        in.correlationId()));
                BlockingQueue<InboundMessage> broadcasts = new LinkedBlockingQueue<>();
                responder.subscribe(Destination.topic("epictopic"), broadcasts::add);

                InboundMessage reply = requester.request(control, "{\"command\":\"ping\"}", DELIVERY);
                requester.send(Destination.topic("epictopic"), "{\"msg_type\":\"start_run\"}");

                assertThat(reply.body()).isEqualTo("{\"success\":true}");
                InboundMessage broadcast = broadcasts.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(broadcast).isNotNull();
                assertThat(broadcast.body()).isEqualTo("{\"msg_type\":\"start_run\"}");
            }
        }
    }

    @Test
    void stompAgentWithLoginMeetsTheBus() throws IOException, InterruptedException {
        try (JmsMessageBus bus = JmsMessageBus.connect(owner("bus"));
                StompTestClient stomp = StompTestClient.connect("127.0.0.1", broker.stompPort(), USER, PASSWORD)) {
            BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
            bus.subscribe(Destination.queue("secured.from.stomp"), received::add);

            stomp.send("/queue/secured.from.stomp", "{\"n\":1}", Map.of());

            InboundMessage message = received.poll(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).isNotNull();
            assertThat(message.body()).isEqualTo("{\"n\":1}");
        }
        assertThatThrownBy(() -> StompTestClient.connect("127.0.0.1", broker.stompPort()))
                .isInstanceOf(IOException.class).hasMessageContaining("ERROR");
    }

    @Test
    void anonymousClientIsToldToSetTheUser() {
        for (boolean reconnect : new boolean[] {false, true}) {
            BusOptions options = BusOptions.of(broker.amqpUrl(), "anonymous").withReconnect(reconnect);

            assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(() -> JmsMessageBus.connect(options))
                    .isInstanceOf(ServiceUnavailableException.class)
                    .hasMessageStartingWith("The broker at " + broker.amqpUrl() + " requires a login")
                    .hasMessageContaining("SCRAM-SHA-512")
                    .hasMessageEndingWith("Set ACTIVEMQ_USER and ACTIVEMQ_PASSWORD"));
        }
    }

    @Test
    void wrongPasswordIsRefusedWithoutRetryingOrShowingCredentials() {
        for (boolean reconnect : new boolean[] {false, true}) {
            BusOptions options = BusOptions.of(broker.amqpUrl(), "intruder").withCredentials(USER, "Wrong-pw-123")
                    .withReconnect(reconnect);

            long millis = assertTimeoutPreemptively(HANG, () -> {
                long start = System.nanoTime();
                assertThatThrownBy(() -> JmsMessageBus.connect(options))
                        .isInstanceOf(ServiceUnavailableException.class)
                        .hasMessageStartingWith("The broker at " + broker.amqpUrl() + " refused the login: ")
                        .hasMessageContaining("SCRAM-SHA-512")
                        .hasMessageEndingWith("Check the broker user and password (ACTIVEMQ_USER, ACTIVEMQ_PASSWORD)")
                        .hasMessageNotContaining("Wrong-pw-123")
                        .hasMessageNotContaining(USER);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            });
            // A refused login is final: even a reconnecting client does not spend its timeout retrying.
            assertThat(millis).isLessThan(BusOptions.DEFAULT_CONNECT_TIMEOUT.toMillis());
        }
    }

    @Test
    void plainOnlyListenerNeverGetsThePassword() throws Exception {
        int port = TestBrokers.freePort();
        ActiveMQServer plainOnly = plainOnlyArtemis(port);
        try {
            String url = "amqp://127.0.0.1:" + port;
            for (boolean reconnect : new boolean[] {false, true}) {
                BusOptions options = BusOptions.of(url, "careful").withCredentials(USER, PASSWORD).withReconnect(reconnect);

                assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(() -> JmsMessageBus.connect(options))
                        .isInstanceOf(ServiceUnavailableException.class)
                        .hasMessage("The broker at " + url + " offers no SCRAM login (only [PLAIN]), and over plain"
                                + " amqp:// this client logs in only with SCRAM, which never sends the password."
                                + " Use amqps://, or allow another mechanism with ?amqp.saslMechanisms=PLAIN in"
                                + " [broker] url"));
            }
            // Not even a failed attempt: the client stopped before any login.
            assertThat(plainOnly.getSecurityStore().getAuthenticationSuccessCount()).isZero();
            assertThat(plainOnly.getSecurityStore().getAuthenticationFailureCount()).isZero();

            // Whoever wants PLAIN there says so in the URL.
            try (JmsMessageBus bus = JmsMessageBus.connect(
                    BusOptions.of(url + "?amqp.saslMechanisms=PLAIN", "explicit").withCredentials(USER, PASSWORD))) {
                assertThat(bus.isConnected()).isTrue();
            }
            assertThat(plainOnly.getSecurityStore().getAuthenticationSuccessCount()).isPositive();
        } finally {
            plainOnly.stop();
        }
    }

    private static BusOptions owner(String clientName) {
        return BusOptions.of(broker.amqpUrl(), clientName).withCredentials(USER, PASSWORD);
    }

    /** A stock Artemis (not the testbed's broker) whose AMQP port offers PLAIN only. */
    private static ActiveMQServer plainOnlyArtemis(int port) throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("plain-only")
                .setPersistenceEnabled(false)
                .setJMXManagementEnabled(false)
                .setSecurityEnabled(true)
                .addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP;saslMechanisms=PLAIN");
        config.putSecurityRoles("#", Set.of(new Role("all", true, true, true, true, true, true, true, true,
                true, true, false, false)));
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(USER, PASSWORD);
        users.addRole(USER, "all");
        ActiveMQServer server = ActiveMQServers.newActiveMQServer(config, ManagementFactory.getPlatformMBeanServer(),
                new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users), false);
        server.start();
        return server;
    }
}
