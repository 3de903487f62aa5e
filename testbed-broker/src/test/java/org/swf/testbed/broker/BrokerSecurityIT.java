package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ServiceUnavailableException;

/** A broker with {@link BrokerSecurity#ownerOnly}: who gets in over STOMP and AMQP, and how. */
class BrokerSecurityIT {

    private static final String OWNER = "owner-user";
    private static final String PASSWORD = "Pa55-w0rd!x";
    private static final int RECEIVE_MILLIS = 10_000;

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
    void stompWithoutLoginIsRefused() throws IOException {
        assertThat(stompConnect(null, null)).startsWith("ERROR");
    }

    @Test
    void stompWithTheRightLoginIsConnected() throws IOException {
        assertThat(stompConnect(OWNER, PASSWORD)).startsWith("CONNECTED");
    }

    @Test
    void stompWithAWrongPasscodeOrUnknownUserIsRefused() throws IOException {
        assertThat(stompConnect(OWNER, PASSWORD + "x")).startsWith("ERROR");
        assertThat(stompConnect(OWNER, "")).startsWith("ERROR");
        assertThat(stompConnect("someone-else", PASSWORD)).startsWith("ERROR");
    }

    @Test
    void artemisClusterAdminWithItsDefaultPasswordIsRefused() throws IOException {
        assertThat(stompConnect("ACTIVEMQ.CLUSTER.ADMIN.USER", "CHANGE ME!!")).startsWith("ERROR");
    }

    @Test
    void aScramLoginDoesNotOpenTheDoorToAPasswordlessOrNullPasswordLogin() throws Exception {
        // Artemis caches logins under hash(user + password); a SCRAM session has no password,
        // which its cache spells "null". With the cache on, these would get in as the owner.
        Connection scram = connect("SCRAM-SHA-512", OWNER, PASSWORD);
        try {
            scram.createSession(false, Session.AUTO_ACKNOWLEDGE).close();

            assertThat(stompConnect(OWNER, "null")).startsWith("ERROR");
            assertThat(stompConnect(OWNER + "n", "ull")).startsWith("ERROR");
            assertThat(stompConnect(OWNER, null)).startsWith("ERROR");
        } finally {
            scram.close();
        }
    }

    @Test
    void amqpOffersScramAndPlainButNotAnonymous() throws IOException {
        String mechanisms = saslMechanismsFrame();

        assertThat(mechanisms).contains("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN").doesNotContain("ANONYMOUS");
        assertThat(mechanisms.indexOf("SCRAM-SHA-512")).isLessThan(mechanisms.indexOf("PLAIN"));
    }

    @Test
    void amqpWithoutSaslIsClosedStraightAway() throws IOException {
        try (Socket socket = socket(broker.amqpPort())) {
            socket.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0});
            byte[] answer = readToEnd(socket.getInputStream());
            // The broker answers that it wants SASL, then hangs up: no anonymous AMQP session.
            assertThat(answer).startsWith('A', 'M', 'Q', 'P', 3, 1, 0, 0);
            assertThat(answer).hasSize(8);
        }
    }

    @Test
    void anonymousAmqpIsRefused() {
        assertThatThrownBy(() -> connect(null, null, null).close())
                .isInstanceOf(JMSSecurityException.class)
                .hasMessageContaining("SASL");
    }

    @Test
    void amqpWithAWrongPasswordIsRefusedWhateverTheMechanism() {
        for (String mechanism : new String[] {"SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"}) {
            assertThatThrownBy(() -> connect(mechanism, OWNER, PASSWORD + "x").close())
                    .as(mechanism)
                    .isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> connect(mechanism, "nobody", PASSWORD).close())
                    .as(mechanism)
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void ownerLogsInWithEachMechanismAndUsesATemporaryReplyQueue() throws Exception {
        for (String mechanism : new String[] {"SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"}) {
            Connection connection = connect(mechanism, OWNER, PASSWORD);
            try {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TemporaryQueue replies = session.createTemporaryQueue();
                MessageConsumer consumer = session.createConsumer(replies);
                session.createProducer(replies).send(session.createTextMessage("over " + mechanism));

                Message reply = consumer.receive(RECEIVE_MILLIS);

                assertThat(reply).as(mechanism).isInstanceOf(TextMessage.class);
                assertThat(((TextMessage) reply).getText()).isEqualTo("over " + mechanism);
                consumer.close();
                replies.delete();
            } finally {
                connection.close();
            }
        }
    }

    @Test
    void stompQueuePrefixReachesTheAmqpQueueWithLogin() throws Exception {
        Connection connection = connect("SCRAM-SHA-512", OWNER, PASSWORD);
        try (Socket socket = socket(broker.stompPort())) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("secured.interop"));
            OutputStream out = socket.getOutputStream();
            out.write(frame("CONNECT", Map.of("accept-version", "1.2", "host", "localhost", "login", OWNER,
                    "passcode", PASSWORD), ""));
            assertThat(readFrame(socket.getInputStream())).startsWith("CONNECTED");
            out.write(frame("SEND", Map.of("destination", "/queue/secured.interop", "receipt", "r1"), "{\"n\":1}"));
            assertThat(readFrame(socket.getInputStream())).startsWith("RECEIPT");

            Message received = consumer.receive(RECEIVE_MILLIS);

            assertThat(received).isNotNull();
            assertThat(((TextMessage) received).getText()).isEqualTo("{\"n\":1}");
        } finally {
            connection.close();
        }
    }

    @Test
    void securedBrokerWritesNoCredentialFile() {
        Path workingDir = Path.of("").toAbsolutePath();
        Set<String> before = list(workingDir);
        try (EmbeddedBroker secured = EmbeddedBroker.start(
                EmbeddedBrokerIT.freePorts().withSecurity(BrokerSecurity.ownerOnly("u", "p-secret")))) {
            assertThat(secured.isRunning()).isTrue();
            assertThat(list(workingDir)).isEqualTo(before);
        }
    }

    @Test
    void keyStoreWithoutAKeyFailsBeforeArtemisStarts(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(empty)) {
            store.store(out, "right-pw".toCharArray());
        }
        BrokerOptions options = EmbeddedBrokerIT.freePorts().withSecurity(BrokerSecurity.ownerOnly(OWNER, PASSWORD));

        assertThatThrownBy(() -> EmbeddedBroker.start(options.withTls(new BrokerTls(empty, "right-pw"))))
                .isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("holds no private key");
        assertThatThrownBy(() -> EmbeddedBroker.start(options.withTls(new BrokerTls(empty, "wrong-pw"))))
                .isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("cannot be read")
                .hasMessageContaining("password")
                .hasMessageNotContaining("wrong-pw");
    }

    private static Connection connect(String mechanism, String user, String password) throws Exception {
        String url = broker.amqpUrl() + "?amqp.saslMechanisms=" + (mechanism == null ? "ANONYMOUS,PLAIN" : mechanism)
                + "&transport.connectTimeout=5000";
        JmsConnectionFactory factory = new JmsConnectionFactory(url);
        factory.setConnectTimeout(5000);
        factory.setRequestTimeout(5000);
        factory.setCloseTimeout(5000);
        Connection connection = user == null ? factory.createConnection() : factory.createConnection(user, password);
        try {
            connection.start();
            return connection;
        } catch (Exception e) {
            connection.close();
            throw e;
        }
    }

    private static String stompConnect(String login, String passcode) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept-version", "1.2");
        headers.put("host", "localhost");
        if (login != null) {
            headers.put("login", login);
        }
        if (passcode != null) {
            headers.put("passcode", passcode);
        }
        try (Socket socket = socket(broker.stompPort())) {
            socket.getOutputStream().write(frame("CONNECT", headers, ""));
            return readFrame(socket.getInputStream());
        }
    }

    private static byte[] frame(String command, Map<String, String> headers, String body) {
        StringBuilder frame = new StringBuilder(command).append('\n');
        headers.forEach((key, value) -> frame.append(key).append(':').append(value).append('\n'));
        frame.append('\n').append(body).append('\0');
        return frame.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readFrame(InputStream in) throws IOException {
        StringBuilder frame = new StringBuilder();
        int b;
        while ((b = in.read()) > 0) {
            frame.append((char) b);
        }
        return frame.toString().stripLeading();
    }

    /** Sends the SASL protocol header and returns the broker's sasl-mechanisms frame as text. */
    private static String saslMechanismsFrame() throws IOException {
        try (Socket socket = socket(broker.amqpPort())) {
            socket.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[8];
            in.readFully(header);
            assertThat(header).containsExactly('A', 'M', 'Q', 'P', 3, 1, 0, 0);
            byte[] frame = new byte[in.readInt() - 4];
            in.readFully(frame);
            return new String(frame, StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The broker kept the connection open; got " + Arrays.toString(all.toByteArray()), e);
        }
        return all.toByteArray();
    }

    private static Socket socket(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static Set<String> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
