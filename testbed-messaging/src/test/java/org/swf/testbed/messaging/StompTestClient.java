package org.swf.testbed.messaging;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A minimal STOMP 1.2 client over a plain socket, standing in for the original Python agents
 * (stomp.py) in interoperability tests. No STOMP library, so the frames on the wire are exactly
 * the ones written here.
 *
 * <p>Every SUBSCRIBE, UNSUBSCRIBE and SEND asks for a receipt and waits for it, so once a call
 * returns the broker has acted on the frame. {@link #send} writes a {@code content-length} header
 * as stomp.py does (Artemis then makes a bytes message); {@link #sendWithoutContentLength} does not
 * (Artemis makes a text message).
 */
public final class StompTestClient implements AutoCloseable {

    private static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final BlockingQueue<Frame> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<Frame> errors = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Frame>> receipts = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean closing;
    private volatile boolean closedByBroker;

    private StompTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
        this.reader = new Thread(this::readFrames, "stomp-test-client reader");
        this.reader.setDaemon(true);
    }

    /**
     * Connects and waits for CONNECTED.
     *
     * @param host the broker host
     * @param port its STOMP port
     * @return the connected client
     * @throws IOException when the broker cannot be reached or refuses the connection
     */
    public static StompTestClient connect(String host, int port) throws IOException {
        return connect(host, port, null, null);
    }

    /**
     * Connects with {@code login} and {@code passcode} headers, as stomp.py does for a broker that
     * requires a login, and waits for CONNECTED.
     *
     * @param host the broker host
     * @param port its STOMP port
     * @param login the user name, or null for none
     * @param passcode the password, or null for none
     * @return the connected client
     * @throws IOException when the broker cannot be reached or refuses the connection
     */
    public static StompTestClient connect(String host, int port, String login, String passcode) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), (int) RECEIPT_TIMEOUT.toMillis());
        StompTestClient client = new StompTestClient(socket);
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("accept-version", "1.2");
            headers.put("host", "localhost");
            headers.put("heart-beat", "0,0");
            if (login != null) {
                headers.put("login", login);
            }
            if (passcode != null) {
                headers.put("passcode", passcode);
            }
            client.write("CONNECT", headers, "", false);
            socket.setSoTimeout((int) RECEIPT_TIMEOUT.toMillis());
            Frame connected = client.readFrame();
            if (!"CONNECTED".equals(connected.command())) {
                throw new IOException("STOMP CONNECT refused: " + connected);
            }
            socket.setSoTimeout(0);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        client.reader.start();
        return client;
    }

    /**
     * Subscribes with automatic acknowledgement.
     *
     * @param id the subscription id
     * @param destination e.g. {@code /topic/epictopic}
     */
    public void subscribe(String id, String destination) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("id", id);
        headers.put("destination", destination);
        headers.put("ack", "auto");
        request("SUBSCRIBE", headers, "", false);
    }

    /** @param id the subscription to end */
    public void unsubscribe(String id) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("id", id);
        request("UNSUBSCRIBE", headers, "", false);
    }

    /**
     * Sends a frame with a {@code content-length} header, as stomp.py does.
     *
     * @param destination e.g. {@code /queue/some.queue}
     * @param body the UTF-8 body
     * @param extraHeaders more headers (e.g. {@code reply-to}, {@code correlation-id})
     */
    public void send(String destination, String body, Map<String, String> extraHeaders) {
        send(destination, body, extraHeaders, true);
    }

    /**
     * Sends a frame without {@code content-length}; the body ends at the first NUL.
     *
     * @param destination e.g. {@code /topic/epictopic}
     * @param body the UTF-8 body, without NUL
     */
    public void sendWithoutContentLength(String destination, String body) {
        send(destination, body, Map.of(), false);
    }

    /**
     * @param timeout how long to wait
     * @return the next MESSAGE frame, or null when none came in time
     * @throws InterruptedException when interrupted
     */
    public Frame receive(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the ERROR frames received so far, removing them */
    public java.util.List<Frame> drainErrors() {
        java.util.List<Frame> drained = new java.util.ArrayList<>();
        errors.drainTo(drained);
        return drained;
    }

    /** Sends DISCONNECT, waits briefly for its receipt, closes the socket. */
    @Override
    public void close() throws IOException {
        try {
            // After the broker has closed the connection (e.g. after an ERROR frame) no receipt can come.
            if (!socket.isClosed() && !closedByBroker) {
                request("DISCONNECT", new LinkedHashMap<>(), "", false);
            }
        } catch (RuntimeException e) {
            // The broker may already be gone; the socket is closed below either way.
        } finally {
            closing = true;
            socket.close();
        }
    }

    private void send(String destination, String body, Map<String, String> extraHeaders, boolean contentLength) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("destination", destination);
        headers.put("content-type", "application/json;charset=utf-8");
        headers.putAll(extraHeaders);
        request("SEND", headers, body, contentLength);
    }

    private Frame request(String command, Map<String, String> headers, String body, boolean contentLength) {
        String receipt = UUID.randomUUID().toString();
        headers.put("receipt", receipt);
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        receipts.put(receipt, answer);
        try {
            write(command, headers, body, contentLength);
            return answer.get(RECEIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("STOMP " + command + " got no receipt: " + e
                    + (errors.isEmpty() ? "" : "; ERROR frames: " + errors), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for a STOMP receipt", e);
        } finally {
            receipts.remove(receipt);
        }
    }

    private synchronized void write(String command, Map<String, String> headers, String body, boolean contentLength)
            throws IOException {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(command).append('\n');
        // CONNECT and CONNECTED headers are not escaped in STOMP 1.2.
        boolean escape = !"CONNECT".equals(command);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            head.append(escape ? escape(header.getKey()) : header.getKey()).append(':')
                    .append(escape ? escape(header.getValue()) : header.getValue()).append('\n');
        }
        if (contentLength) {
            head.append("content-length:").append(bodyBytes.length).append('\n');
        }
        head.append('\n');
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(bodyBytes);
        out.write(0);
        out.flush();
    }

    private void readFrames() {
        try {
            while (!closing) {
                Frame frame = readFrame();
                switch (frame.command()) {
                    case "MESSAGE" -> messages.add(frame);
                    case "RECEIPT" -> {
                        CompletableFuture<Frame> waiting = receipts.get(frame.header("receipt-id"));
                        if (waiting != null) {
                            waiting.complete(frame);
                        }
                    }
                    case "ERROR" -> {
                        errors.add(frame);
                        String receiptId = frame.header("receipt-id");
                        if (receiptId != null && receipts.containsKey(receiptId)) {
                            receipts.get(receiptId).completeExceptionally(new IOException("ERROR " + frame));
                        }
                    }
                    default -> errors.add(frame);
                }
            }
        } catch (IOException e) {
            closedByBroker = true;
            if (!closing) {
                receipts.values().forEach(f -> f.completeExceptionally(e));
            }
        }
    }

    private Frame readFrame() throws IOException {
        String command;
        do {
            command = readLine(); // empty lines between frames are heart-beats
        } while (command.isEmpty());
        Map<String, String> headers = new LinkedHashMap<>();
        boolean unescape = !"CONNECTED".equals(command);
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            String key = unescape ? unescape(line.substring(0, colon)) : line.substring(0, colon);
            String value = unescape ? unescape(line.substring(colon + 1)) : line.substring(colon + 1);
            headers.putIfAbsent(key, value); // STOMP 1.2: the first of repeated headers counts
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
            if (read() != 0) {
                throw new IOException("STOMP frame body longer than its content-length");
            }
        } else {
            for (int b = read(); b != 0; b = read()) {
                body.write(b);
            }
        }
        return new Frame(command, headers, body.toString(StandardCharsets.UTF_8));
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = read(); b != '\n'; b = read()) {
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("STOMP connection closed by the broker");
        }
        return b;
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace(":", "\\c");
    }

    private static String unescape(String text) {
        StringBuilder result = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                result.append(switch (next) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 'c' -> ':';
                    default -> next;
                });
            } else {
                result.append(c);
            }
        }
        return result.toString();
    }

    /**
     * A received frame.
     *
     * @param command e.g. MESSAGE
     * @param headers its headers, first occurrence of each
     * @param body its body as UTF-8 text
     */
    public record Frame(String command, Map<String, String> headers, String body) {

        /** Copies the headers. */
        public Frame {
            headers = Map.copyOf(headers);
        }

        /**
         * @param name a header name
         * @return its value, or null
         */
        public String header(String name) {
            return headers.get(name);
        }
    }
}
