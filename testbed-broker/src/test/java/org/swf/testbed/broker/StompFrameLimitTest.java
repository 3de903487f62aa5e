package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StompFrameLimitTest {

    private static final int MAX_BODY = 100;

    @Test
    void framesWithinTheLimitGoOnUnchanged() {
        EmbeddedChannel channel = new EmbeddedChannel(new StompFrameLimit(MAX_BODY, 1000));
        String frame = "SEND\ndestination:/queue/a\n\n" + "x".repeat(MAX_BODY) + "\0";

        channel.writeInbound(bytes(frame));

        assertThat(text(channel.readInbound())).isEqualTo(frame);
        Object nothing = channel.readOutbound();
        assertThat(nothing).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void anOversizedFrameGetsAnErrorFrameNamingItsReceiptAndTheConnectionCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new StompFrameLimit(MAX_BODY, 1000));
        String before = "SEND\ndestination:/queue/a\n\nsmall\0";
        String oversized = "SEND\ndestination:/queue/a\nreceipt:r-7\n\n" + "x".repeat(MAX_BODY + 50);

        channel.writeInbound(bytes(before + oversized), bytes("more of it\0SEND\n\nnext\0"));

        // The frame before it and no more of the oversized one than the limit reach the broker.
        String passed = text(channel.readInbound());
        assertThat(passed).startsWith(before).hasSize(before.length() + oversized.length() - 50);
        Object nothingMore = channel.readInbound();
        assertThat(nothingMore).isNull();
        String error = text(channel.readOutbound());
        assertThat(error).startsWith("ERROR\nmessage:frame too large\nreceipt-id:r-7\n")
                .contains("larger than the broker takes (" + MAX_BODY + " bytes)").endsWith("\0");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theErrorFrameCountsItsBody() {
        String frame = new String(StompFrameLimit.errorFrame("Too long.", null), StandardCharsets.UTF_8);
        String body = frame.substring(frame.indexOf("\n\n") + 2, frame.length() - 1);

        assertThat(frame).doesNotContain("receipt-id").contains("content-length:" + body.length() + "\n");
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static String text(Object buffer) {
        ByteBuf bytes = (ByteBuf) buffer;
        try {
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            bytes.release();
        }
    }
}
