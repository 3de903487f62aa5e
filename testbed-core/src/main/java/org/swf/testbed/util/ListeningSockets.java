package org.swf.testbed.util;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Which local TCP ports are taken, and by whom, found without talking to whoever holds them.
 *
 * <p>A port is tested by binding it, never by connecting: a connection would hand the listener
 * our first bytes, and a listener that is not ours must get nothing from us. The owner comes from
 * the kernel's socket tables ({@code /proc/net/tcp}, {@code /proc/net/tcp6}), which name the uid
 * of every listening socket.
 */
public final class ListeningSockets {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /**
     * @param host the local address, e.g. {@code 127.0.0.1}
     * @param port a TCP port
     * @return whether a server could listen there now
     */
    public static boolean free(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            // As a broker's acceptor does: connections of a just-stopped server in TIME_WAIT do
            // not make the port unusable; a listening socket does.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param host the local address
     * @return a port that was free a moment ago, chosen by the kernel
     */
    public static int anyFree(String host) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, 0));
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free TCP port on " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param port a TCP port
     * @return the uid of the socket listening on it (any local address), if the kernel shows one
     */
    public static OptionalInt ownerOf(int port) {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 7 && fields[1].endsWith(hexPort) && LISTEN.equals(fields[3])) {
                    try {
                        return OptionalInt.of(Integer.parseInt(fields[7]));
                    } catch (NumberFormatException e) {
                        // A line we do not understand names no owner.
                    }
                }
            }
        }
        return OptionalInt.empty();
    }

    /**
     * @param port a TCP port
     * @return who listens on it, for a message: {@code user 'bob' (uid 1002)}, or
     *     {@code another program} when the kernel does not say
     */
    public static String describeOwner(int port) {
        OptionalInt uid = ownerOf(port);
        return uid.isPresent() ? "user " + OsUser.describe(uid.getAsInt()) : "another program";
    }
}
