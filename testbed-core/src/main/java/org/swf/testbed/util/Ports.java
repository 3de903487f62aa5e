package org.swf.testbed.util;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Whether something listens on a TCP port: a cheap, definite answer before a protocol handshake. */
public final class Ports {

    private Ports() {
    }

    /**
     * @param host a host, e.g. {@code 127.0.0.1}
     * @param port a TCP port
     * @param timeout how long connecting may take
     * @return true when a connection was accepted
     */
    public static boolean listening(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
