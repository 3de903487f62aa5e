package org.swf.testbed.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of the broker's STOMP decoder on one connection and stops a frame that passes the
 * size limits: the client gets an ERROR frame that says why, and the connection is closed, as STOMP
 * does after every ERROR. Frames before it are passed on as they came; of the oversized frame the
 * broker never sees more than the limit, and never its end, so it is never delivered.
 *
 * <p>The connection is not closed at once: a client still writing its frame would get a reset
 * instead of the ERROR frame (closing a socket with unread input resets it). So the broker's side
 * is shut for writing after the ERROR frame, what the client still sends is read and dropped, and
 * the connection closes when the client closes it, or after {@link #DRAIN_TIME} at the latest.
 */
final class StompFrameLimit extends ChannelInboundHandlerAdapter {

    /** The handler's name in the connection's pipeline. */
    static final String NAME = "testbed-stomp-frame-limit";

    /** How long a refused client may go on sending before the connection is closed anyway. */
    static final Duration DRAIN_TIME = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(StompFrameLimit.class);

    private final StompFrameScanner scanner;
    private boolean refused;

    StompFrameLimit(long maxBodyBytes, int maxHeaderBytes) {
        this.scanner = new StompFrameScanner(maxBodyBytes, maxHeaderBytes);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            // The rest of the refused frame, and anything after it, is read and dropped here: the
            // broker's decoder would buffer it.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf buffer)) {
            ctx.fireChannelRead(msg);
            return;
        }
        int stop = scanner.scan(buffer);
        if (stop < 0) {
            ctx.fireChannelRead(buffer);
            return;
        }
        refused = true;
        int before = stop - buffer.readerIndex();
        if (before > 0) {
            ctx.fireChannelRead(buffer.retainedSlice(buffer.readerIndex(), before));
        }
        buffer.release();
        String reason = reason();
        LOG.warn("Refused a STOMP frame from {}: {} Closing the connection.", ctx.channel().remoteAddress(), reason);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(errorFrame(reason, scanner.receipt()))).addListener(written -> {
            if (written.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
        ctx.executor().schedule(() -> {
            ctx.close();
        }, DRAIN_TIME.toMillis(), TimeUnit.MILLISECONDS);
    }

    private String reason() {
        return scanner.violation() == StompFrameScanner.Violation.HEADERS
                ? "Its command and headers are longer than the broker reads (" + scanner.maxHeaderBytes() + " bytes)."
                : "Its body is larger than the broker takes (" + scanner.maxBodyBytes() + " bytes).";
    }

    /**
     * An ERROR frame; the receipt of the refused frame, if it asked for one, tells the client which.
     * Header values hold no ':' or end of line, which STOMP 1.1 and 1.2 would want escaped.
     */
    static byte[] errorFrame(String reason, String receipt) {
        byte[] body = ("The frame is refused. " + reason + " Send smaller messages.\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder headers = new StringBuilder("ERROR\n")
                .append("message:frame too large\n");
        if (receipt != null) {
            headers.append("receipt-id:").append(receipt).append('\n');
        }
        headers.append("content-type:text/plain\n")
                .append("content-length:").append(body.length).append("\n\n");
        byte[] head = headers.toString().getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[head.length + body.length + 1];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(body, 0, frame, head.length, body.length);
        return frame;
    }
}
