package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.protocol.Destinations;

/**
 * The broker's limits over TCP, as the testbed's programs meet them: a queue nobody consumes fills
 * to its limit while commands, replies and heartbeats still flow; an oversized message is an error
 * for its sender, and the consumer it was meant for carries on.
 */
class BrokerLimitsIT {

    private static final String OWNER = "owner-user";
    private static final String PASSWORD = "Pa55-w0rd!x";
    private static final long RECEIVE_MILLIS = 10_000;
    /** Below the message cap, so each one is taken until its address is full. */
    private static final int BIG_BODY = BrokerLimits.MAX_MESSAGE_BYTES * 3 / 4;
    /** Far more than any address of the testbed holds. */
    private static final int MAX_SENDS = 200;

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(EmbeddedBrokerIT.freePorts().withSecurity(BrokerSecurity.ownerOnly(OWNER, PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aWorkQueueWithoutWorkersKeepsItsLimitWhileItsProducerCommandsAndHeartbeatsStillFlow() throws Exception {
        String slices = Destinations.sliceQueue("stuck-ns").name();
        String control = Destinations.agentManagerControl("alice").name();
        long limit = BrokerLimits.AddressKind.WORK.maxSizeBytes();
        int sent = (int) (2 * limit / BIG_BODY);
        try (Connection agent = connect(); Connection manager = connect(); Connection cli = connect()) {
            // One anonymous producer for everything, as our bus has.
            Session session = agent.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(null);
            String body = "s".repeat(BIG_BODY);
            for (int i = 0; i < sent; i++) {
                producer.send(session.createQueue(slices), session.createTextMessage(body));
            }

            // The queue keeps its oldest work up to its limit; the rest is dropped.
            assertThat(addressSize(slices)).isLessThanOrEqualTo(limit + BIG_BODY);
            long kept = queuesOf(slices).get(0).getMessageCount();
            assertThat(kept).isBetween(limit / BIG_BODY, (long) sent - 1);

            // The agent manager still answers a ping, over its control queue and a reply queue.
            answerEveryRequest(manager, control);
            assertThat(request(cli, control, "{\"command\":\"ping\"}")).isEqualTo("re: {\"command\":\"ping\"}");

            // The agent that filled the queue still sends heartbeats, and they reach their subscribers.
            Session heartbeatSession = cli.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer heartbeats = heartbeatSession.createConsumer(
                    heartbeatSession.createTopic(Destinations.HEARTBEATS.name()));
            producer.send(session.createTopic(Destinations.HEARTBEATS.name()),
                    session.createTextMessage("{\"instance_name\":\"agent-1\"}"), DeliveryMode.NON_PERSISTENT,
                    Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
            Message heartbeat = heartbeats.receive(RECEIVE_MILLIS);
            assertThat(heartbeat).isNotNull();
            assertThat(((TextMessage) heartbeat).getText()).contains("agent-1");

            // Once a worker drains the queue, it takes work again.
            MessageConsumer worker = session.createConsumer(session.createQueue(slices));
            for (long i = 0; i < kept; i++) {
                assertThat(worker.receive(RECEIVE_MILLIS)).as("slice %d", i).isNotNull();
            }
            producer.send(session.createQueue(slices), session.createTextMessage("{\"slice\":1}"));
            assertThat(((TextMessage) worker.receive(RECEIVE_MILLIS)).getText()).isEqualTo("{\"slice\":1}");
        }
    }

    @Test
    void aFullControlQueueRefusesItsSenderAtOnceWhoseOtherSendsStillGo() throws Exception {
        String stuck = Destinations.workflowControl("no-runner").name();
        String served = Destinations.workflowControl("with-runner").name();
        try (Connection sender = connect(); Connection runner = connect()) {
            Session session = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer anonymous = session.createProducer(null);

            int taken = fillUntilRefused(session, anonymous, stuck);
            // And again, at once: the link still has credit.
            assertThatThrownBy(() -> anonymous.send(session.createQueue(stuck), session.createTextMessage("{}")))
                    .isInstanceOf(ResourceAllocationException.class);

            assertThat((long) taken * BIG_BODY).isLessThanOrEqualTo(
                    BrokerLimits.AddressKind.CONTROL.maxSizeBytes() + 2L * BIG_BODY);
            // The same link carries the sender's messages to other addresses.
            List<Integer> seen = answerEveryRequest(runner, served);
            anonymous.send(session.createQueue(served), session.createTextMessage("{\"msg_type\":\"stop_workflow\"}"));
            await().atMost(Duration.ofMillis(RECEIVE_MILLIS)).until(() -> !seen.isEmpty());
            assertThat(request(sender, served, "{\"msg_type\":\"status_request\"}"))
                    .isEqualTo("re: {\"msg_type\":\"status_request\"}");
        }
    }

    @Test
    void aStuckSubscriberKeepsOnlyItsNewestHeartbeatsAndTheOthersGetThemAll() throws Exception {
        String topic = Destinations.HEARTBEATS.name();
        int sent = (int) BrokerLimits.HEARTBEAT_RING * 3;
        // A subscriber that takes one message and then nothing more, like an agent whose listener hangs.
        try (Connection stuck = connect("&jms.prefetchPolicy.all=1"); Connection live = connect();
                Connection agent = connect("&jms.forceAsyncSend=true")) {
            Session stuckSession = stuck.createSession(false, Session.AUTO_ACKNOWLEDGE);
            stuckSession.createConsumer(stuckSession.createTopic(topic));
            AtomicInteger received = new AtomicInteger();
            Session liveSession = live.createSession(false, Session.AUTO_ACKNOWLEDGE);
            liveSession.createConsumer(liveSession.createTopic(topic)).setMessageListener(m -> received.incrementAndGet());
            Session session = agent.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createTopic(topic));

            // In batches of half a ring, each taken by the live subscriber before the next: its own
            // ring must never overflow because a slow machine let it fall behind the producer.
            int batch = (int) BrokerLimits.HEARTBEAT_RING / 2;
            for (int i = 0; i < sent; i++) {
                producer.send(session.createTextMessage("{\"instance_name\":\"agent-" + i + "\"}"),
                        DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
                if ((i + 1) % batch == 0) {
                    int delivered = i + 1;
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(received).hasValue(delivered));
                }
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(received).hasValue(sent));
            List<Queue> subscriptions = queuesOf(topic);
            assertThat(subscriptions).hasSizeGreaterThanOrEqualTo(2);
            for (Queue subscription : subscriptions) {
                assertThat(subscription.getRingSize()).isEqualTo(BrokerLimits.HEARTBEAT_RING);
                // The ring's newest, and the one message handed to the stuck consumer.
                assertThat(subscription.getMessageCount()).isLessThanOrEqualTo(BrokerLimits.HEARTBEAT_RING + 1);
            }
        }
    }

    @Test
    void anOversizedAmqpMessageIsAnErrorForItsSenderAndTheConsumerAnswersTheNextRequest() throws Exception {
        String runnerQueue = Destinations.workflowControl("big-ns").name();
        try (Connection runner = connect(); Connection sender = connect()) {
            List<Integer> seen = answerEveryRequest(runner, runnerQueue);
            Session session = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(runnerQueue));

            assertThatThrownBy(() -> producer.send(session.createTextMessage("x".repeat(BrokerLimits.MAX_MESSAGE_BYTES))))
                    .isInstanceOf(ResourceAllocationException.class)
                    .hasMessageContaining("refused: the broker takes messages of at most "
                            + BrokerLimits.MAX_MESSAGE_BYTES + " bytes");

            assertThat(request(sender, runnerQueue, "{\"msg_type\":\"status_request\"}"))
                    .isEqualTo("re: {\"msg_type\":\"status_request\"}");
            assertThat(seen).allSatisfy(size -> assertThat(size).isLessThan(BrokerLimits.MAX_MESSAGE_BYTES));
            // The runner's acknowledgement of the request may reach the broker just after its reply.
            await().atMost(Duration.ofMillis(RECEIVE_MILLIS))
                    .untilAsserted(() -> assertThat(queuesOf(runnerQueue).get(0).getMessageCount()).isZero());
        }
    }

    @Test
    void aStompMessageJustUnderTheCapIsDelivered() throws Exception {
        String queue = "stomp.under.cap";
        String body = "y".repeat(BrokerLimits.MAX_MESSAGE_BYTES - 4096);
        try (Connection consumer = connect(); Socket stomp = stompConnect()) {
            Session session = consumer.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer receiver = session.createConsumer(session.createQueue(queue));

            writeFrame(stomp, "SEND\ndestination:/queue/" + queue + "\nreceipt:r-under\n\n" + body);

            assertThat(readFrame(stomp.getInputStream())).startsWith("RECEIPT").contains("receipt-id:r-under");
            Message received = receiver.receive(RECEIVE_MILLIS);
            assertThat(received).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) received).getText()).isEqualTo(body);
        }
    }

    @Test
    void anOversizedStompFrameGetsAnErrorFrameAndNeverReachesTheConsumer() throws Exception {
        String queue = Destinations.workflowControl("stomp-ns").name();
        try (Connection runner = connect()) {
            List<Integer> seen = answerEveryRequest(runner, queue);

            // Announced by its content-length: refused before the body.
            try (Socket stomp = stompConnect()) {
                write(stomp, "SEND\ndestination:/queue/" + queue + "\nreceipt:r-announced\ncontent-length:"
                        + (BrokerLimits.MAX_MESSAGE_BYTES + 1) + "\n\n");
                String error = readFrame(stomp.getInputStream());
                assertThat(error).startsWith("ERROR").contains("message:frame too large", "receipt-id:r-announced",
                        "larger than the broker takes (" + BrokerLimits.MAX_MESSAGE_BYTES + " bytes)");
                assertThat(stomp.getInputStream().read()).as("closed after the ERROR frame").isEqualTo(-1);
            }
            // Without a length: cut off as the body passes the cap; the sender can finish writing
            // and still read why.
            try (Socket stomp = stompConnect()) {
                writeFrame(stomp, "SEND\ndestination:/queue/" + queue + "\nreceipt:r-streamed\n\n"
                        + "z".repeat(BrokerLimits.MAX_MESSAGE_BYTES + 100_000));
                assertThat(readFrame(stomp.getInputStream())).startsWith("ERROR").contains("receipt-id:r-streamed");
            }

            try (Socket stomp = stompConnect()) {
                writeFrame(stomp, "SEND\ndestination:/queue/" + queue + "\nreceipt:r-small\n\n{\"msg_type\":\"ping\"}");
                assertThat(readFrame(stomp.getInputStream())).startsWith("RECEIPT");
            }
            await().atMost(Duration.ofMillis(RECEIVE_MILLIS)).until(() -> !seen.isEmpty());
            assertThat(seen).containsExactly("{\"msg_type\":\"ping\"}".length());
        }
    }

    @Test
    void withAJournalAFullWorkQueuePagesToDiskInsteadOfDropping(@TempDir Path dataDir) throws Exception {
        String slices = Destinations.sliceQueue("journal-ns").name();
        long limit = BrokerLimits.AddressKind.WORK.maxSizeBytes();
        int sent = (int) (2 * limit / BIG_BODY);
        try (EmbeddedBroker persistent = EmbeddedBroker.start(EmbeddedBrokerIT.freePorts().withDataDir(dataDir));
                Connection connection = new JmsConnectionFactory(persistent.amqpUrl()).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(slices));
            String body = "p".repeat(BIG_BODY);
            for (int i = 0; i < sent; i++) {
                producer.send(session.createTextMessage(body));
            }

            Queue queue = persistent.server().getPostOffice().listQueuesForAddress(SimpleString.of(slices)).get(0);
            assertThat(queue.getMessageCount()).isEqualTo(sent);
            assertThat(persistent.server().getPagingManager().getPageStore(SimpleString.of(slices)).isPaging()).isTrue();
            assertThat(dataDir.resolve("paging")).isNotEmptyDirectory();
        }
    }

    @Test
    void theRunningBrokerHasTheLimits() {
        ActiveMQServer server = broker.server();

        assertThat(server.getConfiguration().getGlobalMaxSize())
                .isEqualTo(BrokerLimits.globalMaxBytes(Runtime.getRuntime().maxMemory()));
        assertThat(server.getAddressSettingsRepository().getMatch(Destinations.agentManagerControl("alice").name())
                .getAddressFullMessagePolicy()).isEqualTo(AddressFullMessagePolicy.FAIL);
        assertThat(server.getAddressSettingsRepository().getMatch(Destinations.EPICTOPIC.name())
                .getAddressFullMessagePolicy()).isEqualTo(AddressFullMessagePolicy.DROP);
        assertThat(server.locateQueue(SimpleString.of(EmbeddedBroker.DEAD_LETTER)).getRingSize())
                .isEqualTo(BrokerLimits.DEAD_LETTER_RING);
        ProtonProtocolManager amqp = (ProtonProtocolManager) ((NettyAcceptor) server.getRemotingService()
                .getAcceptor("amqp")).getProtocolHandler().getProtocol("AMQP");
        assertThat(amqp.isDrainOnTransientDeliveryErrors()).isFalse();
        assertThat(amqp.getAmqpMinLargeMessageSize()).isEqualTo(-1);
    }

    /** Sends messages of {@link #BIG_BODY} bytes until the broker refuses one; returns how many it took. */
    private static int fillUntilRefused(Session session, MessageProducer producer, String queue) throws JMSException {
        String body = "s".repeat(BIG_BODY);
        for (int taken = 0; taken < MAX_SENDS; taken++) {
            try {
                producer.send(session.createQueue(queue), session.createTextMessage(body));
            } catch (ResourceAllocationException e) {
                assertThat(e).hasMessageContaining(queue).hasMessageContaining("full");
                return taken;
            }
        }
        throw new AssertionError(queue + " took " + MAX_SENDS + " messages of " + BIG_BODY + " bytes: no limit");
    }

    /**
     * Answers every message on {@code queue} with "re: " and its text, to its reply address.
     *
     * @return the sizes of the messages it received
     */
    private static List<Integer> answerEveryRequest(Connection connection, String queue) throws JMSException {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer replies = session.createProducer(null);
        session.createConsumer(session.createQueue(queue)).setMessageListener(message -> {
            try {
                String text = message instanceof TextMessage t ? t.getText() : "";
                sizes.add(text.length());
                if (message.getJMSReplyTo() != null) {
                    replies.send(message.getJMSReplyTo(), session.createTextMessage("re: " + text));
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        return sizes;
    }

    private static String request(Connection connection, String queue, String body) throws JMSException {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            TemporaryQueue replyQueue = session.createTemporaryQueue();
            MessageConsumer replies = session.createConsumer(replyQueue);
            TextMessage request = session.createTextMessage(body);
            request.setJMSReplyTo(replyQueue);
            session.createProducer(session.createQueue(queue)).send(request);
            Message reply = replies.receive(RECEIVE_MILLIS);
            assertThat(reply).as("reply from " + queue).isInstanceOf(TextMessage.class);
            return ((TextMessage) reply).getText();
        } finally {
            session.close();
        }
    }

    private static long addressSize(String address) throws Exception {
        return broker.server().getPagingManager().getPageStore(SimpleString.of(address)).getAddressSize();
    }

    private static List<Queue> queuesOf(String address) throws Exception {
        return broker.server().getPostOffice().listQueuesForAddress(SimpleString.of(address));
    }

    private static Connection connect() throws JMSException {
        return connect("");
    }

    private static Connection connect(String options) throws JMSException {
        JmsConnectionFactory factory = new JmsConnectionFactory(broker.amqpUrl()
                + "?amqp.saslMechanisms=SCRAM-SHA-512&transport.connectTimeout=5000" + options);
        factory.setRequestTimeout(RECEIVE_MILLIS);
        factory.setSendTimeout(RECEIVE_MILLIS);
        factory.setCloseTimeout(RECEIVE_MILLIS);
        Connection connection = factory.createConnection(OWNER, PASSWORD);
        try {
            connection.start();
            return connection;
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
    }

    private static Socket stompConnect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", broker.stompPort()), 2000);
        socket.setSoTimeout((int) RECEIVE_MILLIS);
        writeFrame(socket, "CONNECT\naccept-version:1.2\nhost:localhost\nlogin:" + OWNER + "\npasscode:" + PASSWORD + "\n\n");
        assertThat(readFrame(socket.getInputStream())).startsWith("CONNECTED");
        return socket;
    }

    /** Writes a whole frame: {@code frame} and the NUL that ends it. */
    private static void writeFrame(Socket socket, String frame) throws IOException {
        write(socket, frame + "\0");
    }

    private static void write(Socket socket, String bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readFrame(InputStream in) throws IOException {
        StringBuilder frame = new StringBuilder();
        int b = in.read();
        while (b == '\n' || b == '\r') {
            b = in.read();
        }
        for (; b > 0; b = in.read()) {
            frame.append((char) b);
        }
        return frame.toString();
    }
}
