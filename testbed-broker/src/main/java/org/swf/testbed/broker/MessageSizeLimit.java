package org.swf.testbed.broker;

import io.netty.channel.Channel;
import java.util.NoSuchElementException;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnection;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerConnectionPlugin;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's cap on message size: a message larger than the cap is refused before it is routed,
 * so no queue holds it and no consumer ever receives it; its sender gets the refusal.
 *
 * <p>Neither Artemis acceptor limits a message's size itself: AMQP's {@code maxFrameSize} bounds
 * frames, not messages, and {@code stompMaxFramePayloadLength} applies to STOMP over WebSocket only.
 * So:
 * <ul>
 *   <li>AMQP: a message whose encoding (header, properties, body) is larger than the cap is
 *       rejected with {@code amqp:resource-limit-exceeded}; Qpid JMS throws a
 *       {@code ResourceAllocationException} from a synchronous send and hands it to the
 *       connection's exception listener for an asynchronous one. It is received whole before it
 *       is refused, and held in memory meanwhile.</li>
 *   <li>STOMP: every connection gets a {@link StompFrameLimit} in front of the broker's decoder
 *       (which would buffer a frame of any size): a body larger than the cap, or headers longer
 *       than their own limit, get the sender an ERROR frame as they arrive. That is the STOMP cap;
 *       it counts the body's bytes on the wire, whereas the broker keeps a text body as UTF-16,
 *       twice as large, so the check here leaves STOMP messages alone.</li>
 * </ul>
 */
final class MessageSizeLimit implements ActiveMQServerMessagePlugin, ActiveMQServerConnectionPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(MessageSizeLimit.class);
    /** What Artemis' protocol handler calls the handler that hands bytes to the protocol. */
    private static final String ARTEMIS_HANDLER = "handler";
    private static final String STOMP = "STOMP";

    private final long maxMessageBytes;
    private final int maxStompHeaderBytes;

    MessageSizeLimit(long maxMessageBytes, int maxStompHeaderBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxStompHeaderBytes = maxStompHeaderBytes;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueue) throws ActiveMQException {
        if (session != null && STOMP.equals(session.getRemotingConnection().getProtocolName())) {
            return;
        }
        long size = message.getWholeMessageSize();
        if (size > maxMessageBytes) {
            String address = message.getAddress();
            LOG.warn("Refused a message of {} bytes to {} from {}: the broker takes at most {} bytes", size, address,
                    session == null ? "a broker-internal sender" : session.getRemotingConnection().getRemoteAddress(),
                    maxMessageBytes);
            // "Address full" is how Artemis tells AMQP senders about a resource limit
            // (amqp:resource-limit-exceeded); the text says which limit.
            throw new ActiveMQAddressFullException("Message of " + size + " bytes to " + address
                    + " refused: the broker takes messages of at most " + maxMessageBytes + " bytes");
        }
    }

    @Override
    public void afterCreateConnection(RemotingConnection connection) {
        if (!STOMP.equals(connection.getProtocolName())
                || !(connection.getTransportConnection() instanceof NettyConnection netty)) {
            return;
        }
        Channel channel = netty.getChannel();
        try {
            // After the protocol detection, which hands the first bytes on once it is done, so the
            // limit sees every byte of the connection.
            channel.pipeline().addBefore(ARTEMIS_HANDLER, StompFrameLimit.NAME,
                    new StompFrameLimit(maxMessageBytes, maxStompHeaderBytes));
        } catch (NoSuchElementException | IllegalArgumentException e) {
            LOG.warn("Cannot limit STOMP frame sizes on {} ({}); oversized messages are refused only once read whole",
                    channel.remoteAddress(), e.toString());
        }
    }
}
