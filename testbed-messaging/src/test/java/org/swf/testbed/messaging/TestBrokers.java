package org.swf.testbed.messaging;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.swf.testbed.broker.BrokerOptions;

/** Free loopback ports for the brokers of integration tests. */
final class TestBrokers {

    private TestBrokers() {
    }

    /** @return broker options on two free ports, without persistence */
    static BrokerOptions onFreePorts() {
        int amqp = freePort();
        int stomp = freePort();
        while (stomp == amqp) {
            stomp = freePort();
        }
        return BrokerOptions.defaults().withPorts(amqp, stomp);
    }

    /** @return a loopback port nobody listened on a moment ago */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port on loopback", e);
        }
    }
}
