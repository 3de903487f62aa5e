package org.swf.testbed.orchestrator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.RunnerStatus;
import org.swf.testbed.util.ListeningSockets;
import org.swf.testbed.util.OsUser;

/**
 * Asks the workflow runner for its status over the monitor API it serves on loopback
 * ({@code GET /testbed/status/}, with the home's token), the fast way for {@code testbed status}:
 * a short-lived CLI that opens a broker connection spends most of its time loading the broker
 * client. Anything unexpected (no runner there, an older runner without the page, a listener of
 * another user) is an empty answer, and the caller asks over the broker as before.
 */
final class LoopbackRunnerStatus {

    private static final System.Logger LOG = System.getLogger(LoopbackRunnerStatus.class.getName());
    /** The runner's answers are a few kilobytes; anything larger is not the runner. */
    private static final int MAX_RESPONSE_BYTES = 4 << 20;
    private static final String PATH = "/testbed/status/";

    /**
     * The runner's status page.
     *
     * @param runner its status, as {@code status_request} answers it
     * @param brokerConnected whether its broker connection is up
     */
    record Page(RunnerStatus runner, boolean brokerConnected) {
    }

    private final HomeMonitor monitor;
    private final JsonCodec codec;
    private final Duration timeout;

    /**
     * @param monitor the home's monitor API secrets
     * @param codec the JSON codec
     * @param timeout how long the request may take
     */
    LoopbackRunnerStatus(HomeMonitor monitor, JsonCodec codec, Duration timeout) {
        this.monitor = monitor;
        this.codec = codec;
        this.timeout = timeout;
    }

    /**
     * @param port where the run record says the runner serves the monitor API
     * @return its status page, or empty when it cannot be had this way
     */
    Optional<Page> fetch(int port) {
        // The token goes only to a listener of our own: another user may hold the port now.
        OptionalInt owner = ListeningSockets.ownerOf(port);
        if (owner.isEmpty() || owner.getAsInt() != OsUser.effectiveUid()) {
            return Optional.empty();
        }
        try (Socket socket = new Socket()) {
            int millis = (int) Math.max(1, timeout.toMillis());
            socket.connect(new InetSocketAddress(BrokerSettings.EMBEDDED_HOST, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + PATH + " HTTP/1.0\r\nHost: " + BrokerSettings.EMBEDDED_HOST + ":" + port
                    + "\r\nAuthorization: Token " + monitor.secrets().token() + "\r\nAccept: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readAll(socket.getInputStream());
            int headerEnd = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || headerEnd < 0 || !response.substring(0, response.indexOf("\r\n"))
                    .matches("HTTP/1\\.\\d 200\\b.*")) {
                LOG.log(System.Logger.Level.DEBUG, "The runner's status page answered: {0}",
                        response.lines().findFirst().orElse(""));
                return Optional.empty();
            }
            Map<String, Object> page = codec.decodeObject(response.substring(headerEnd + 4));
            if (!(page.get("runner") instanceof Map<?, ?> runner)
                    || !(page.get("broker_connected") instanceof Boolean connected)) {
                return Optional.empty();
            }
            return Optional.of(new Page(codec.decode(codec.encode(runner), RunnerStatus.class), connected));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "No status page from the runner on port {0}: {1}", port, e.toString());
            return Optional.empty();
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            bytes.write(buffer, 0, read);
            if (bytes.size() > MAX_RESPONSE_BYTES) {
                throw new IOException("a response over " + MAX_RESPONSE_BYTES + " bytes");
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
