package org.swf.testbed.heartbeat;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Delivers heartbeats: on the heartbeat topic while the broker connection is up, and to the
 * monitor's REST API when one is configured. A heartbeat that cannot be delivered is logged,
 * never thrown, since liveness reports must not stop the work they report on.
 */
public final class HeartbeatPublisher {

    private static final System.Logger LOG = System.getLogger(HeartbeatPublisher.class.getName());

    private final MessageBus bus;
    private final JsonCodec codec;
    private final Optional<MonitorClient> monitor;

    /**
     * @param bus the bus heartbeats go out on
     * @param codec the JSON codec
     * @param monitor where heartbeats are also POSTed, when configured
     */
    public HeartbeatPublisher(MessageBus bus, JsonCodec codec, Optional<MonitorClient> monitor) {
        this.bus = bus;
        this.codec = codec;
        this.monitor = monitor;
    }

    /**
     * Sends {@code heartbeat} on the topic when it says the bus was connected as it was written (a
     * send on a bus known to be down would only fail), and POSTs it to the monitor in any case.
     *
     * @param heartbeat the heartbeat
     */
    public void publish(Heartbeat heartbeat) {
        String body = codec.encode(heartbeat);
        if (heartbeat.mqConnected()) {
            try {
                bus.send(Destinations.HEARTBEATS, body);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Heartbeat not sent: {0}", e.getMessage());
            }
        }
        monitor.ifPresent(client -> client.post(body));
    }

    /** Waits briefly (the monitor client's timeout) for the last POST, so an exit heartbeat leaves before the process does. */
    public void flush() {
        monitor.ifPresent(MonitorClient::flush);
    }

    /**
     * Waits for the last POST at most {@code deadline}, so an exit heartbeat leaves before the
     * process does without a silent monitor holding up the shutdown.
     *
     * @param deadline the longest to wait
     */
    public void flush(Duration deadline) {
        monitor.ifPresent(client -> client.flush(deadline));
    }
}
