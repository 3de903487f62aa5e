package org.swf.testbed.supervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.util.Await;

/**
 * Calls supervisord's XML-RPC interface over its control socket, as supervisorctl does, without
 * starting a Python process per call: a supervisorctl call costs a few hundred milliseconds of
 * interpreter start-up, about as much CPU as a JVM agent's start, on every status and every step
 * of a start. Every call runs under a deadline: when it passes, the socket is closed and the call
 * fails with {@link NoAnswer}, so a stopped or deadlocked supervisord cannot hang the caller.
 */
final class SupervisordRpc {

    /** supervisord's fault codes ({@code supervisor.xmlrpc.Faults}) that callers act on or name. */
    static final int SHUTDOWN_STATE = 6;
    static final int BAD_NAME = 10;
    static final int NO_FILE = 20;
    static final int NOT_EXECUTABLE = 21;
    static final int ABNORMAL_TERMINATION = 40;
    static final int SPAWN_ERROR = 50;
    static final int ALREADY_STARTED = 60;
    static final int SUCCESS = 80;

    /** Closes the sockets of calls that outlived their deadline; one thread for every call of this JVM. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "supervisord-rpc-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final Path socket;

    /** @param socket supervisord's unix control socket ({@code [unix_http_server] file}) */
    SupervisordRpc(Path socket) {
        this.socket = socket;
    }

    /** Nobody listens on the socket: it is missing or refuses connections. */
    static final class NotListening extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NotListening(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** supervisord took the connection but gave no usable answer within the deadline. */
    static final class NoAnswer extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param method e.g. {@code supervisor.getAllProcessInfo}
     * @param timeout how long the whole call may take
     * @param parameters strings, booleans or integers
     * @return the decoded result (see {@link XmlRpcCodec#response})
     * @throws XmlRpcCodec.Fault when supervisord answers with a fault
     * @throws NotListening when nothing accepts on the socket
     * @throws NoAnswer when it accepted but did not answer in time, or answered nonsense
     */
    Object call(String method, Duration timeout, Object... parameters) {
        byte[] body = XmlRpcCodec.methodCall(method, List.of(parameters)).getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /RPC2 HTTP/1.0\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new NotListening("cannot open a unix socket: " + e.getMessage(), e);
        }
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> closeQuietly(channel), timeout.toNanos(),
                TimeUnit.NANOSECONDS);
        try (channel) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (ClosedChannelException e) {
                throw noAnswer(method, timeout, e);
            } catch (IOException e) {
                throw new NotListening("its control socket " + socket + " refuses connections (" + e.getMessage()
                        + ")", e);
            }
            ByteBuffer request = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            return XmlRpcCodec.response(responseBody(channel, method));
        } catch (ClosedChannelException e) {
            throw noAnswer(method, timeout, e);
        } catch (IOException | XmlRpcCodec.MalformedResponse e) {
            throw new NoAnswer(method + " failed: " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    private NoAnswer noAnswer(String method, Duration timeout, Exception cause) {
        return new NoAnswer(method + " got no answer within " + Await.seconds(timeout), cause);
    }

    /** Reads the HTTP response to its end (HTTP/1.0: the server closes) and returns its body. */
    private static String responseBody(SocketChannel channel, String method) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream(8192);
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            response.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        String text = response.toString(StandardCharsets.UTF_8);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0 || !text.startsWith("HTTP/")) {
            throw new IOException("not an HTTP response to " + method + ": '" + abbreviate(text) + "'");
        }
        String statusLine = text.substring(0, text.indexOf("\r\n"));
        if (!statusLine.matches("HTTP/\\d\\.\\d 200\\b.*")) {
            throw new IOException("supervisord answered " + method + " with '" + statusLine + "'");
        }
        return text.substring(headerEnd + 4);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // It is being abandoned: nothing to do.
        }
    }
}
