package org.swf.testbed.agents;

import java.lang.System.Logger.Level;
import java.util.Optional;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;

/**
 * Delivers heartbeats: on the heartbeat topic while the broker connection is up, and to the
 * monitor's REST API when one is configured. A heartbeat that cannot be delivered is logged,
 * never thrown, since liveness reports must not stop the work they report on.
 */
public final class HeartbeatPublisher {

    private static final System.Logger LOG = System.getLogger(HeartbeatPublisher.class.getName());

    private final MessageBus bus;
    private final Optional<MonitorClient> monitor;

    /**
     * @param bus the bus heartbeats go out on
     * @param monitor where heartbeats are also POSTed, when configured
     */
    public HeartbeatPublisher(MessageBus bus, Optional<MonitorClient> monitor) {
        this.bus = bus;
        this.monitor = monitor;
    }

    /**
     * @param connected whether the bus was connected when the heartbeat was written (it says so)
     * @param body the heartbeat JSON
     */
    public void publish(boolean connected, String body) {
        if (connected) {
            try {
                bus.send(Destinations.HEARTBEATS, body);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Heartbeat not sent: {0}", e.getMessage());
            }
        }
        monitor.ifPresent(client -> client.post(body));
    }

    /** Waits briefly for the last POST, so an exit heartbeat leaves before the process does. */
    public void flush() {
        monitor.ifPresent(MonitorClient::flush);
    }
}
