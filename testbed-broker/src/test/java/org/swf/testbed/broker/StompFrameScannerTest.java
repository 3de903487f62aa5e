package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StompFrameScannerTest {

    private static final int MAX_BODY = 100;
    private static final int MAX_HEADERS = 200;

    @Test
    void framesWithinTheLimitsPassWhateverTheirFragments() {
        String frames = "CONNECT\naccept-version:1.2\nlogin:u\n\n\0\n"
                + "SEND\ndestination:/queue/a\ncontent-length:5\n\nab\0de\0\r\n\n"
                + "SEND\r\ndestination:/queue/a\r\n\r\n" + "x".repeat(MAX_BODY) + "\0"
                + "DISCONNECT\nreceipt:r9\n\n\0";
        for (int fragment = 1; fragment <= frames.length(); fragment++) {
            StompFrameScanner scanner = scanner();

            for (int start = 0; start < frames.length(); start += fragment) {
                String part = frames.substring(start, Math.min(frames.length(), start + fragment));
                assertThat(scanner.scan(bytes(part))).as("fragments of %d, at %d", fragment, start).isEqualTo(-1);
            }
            assertThat(scanner.violation()).isNull();
            assertThat(scanner.receipt()).isEqualTo("r9");
        }
    }

    @Test
    void aBodyWithoutLengthIsStoppedAtTheFirstByteOverTheLimit() {
        StompFrameScanner scanner = scanner();
        String head = "SEND\ndestination:/queue/a\nreceipt:r1\n\n";

        assertThat(scanner.scan(bytes(head + "x".repeat(60)))).isEqualTo(-1);
        ByteBuf rest = bytes("x".repeat(60));
        assertThat(scanner.scan(rest)).isEqualTo(MAX_BODY - 60);

        assertThat(scanner.violation()).isEqualTo(StompFrameScanner.Violation.BODY);
        assertThat(scanner.receipt()).isEqualTo("r1");
    }

    @Test
    void aContentLengthOverTheLimitIsRefusedBeforeTheBody() {
        StompFrameScanner scanner = scanner();
        String head = "SEND\ndestination:/queue/a\ncontent-length:" + (MAX_BODY + 1) + "\n\n";

        assertThat(scanner.scan(bytes(head))).isEqualTo(head.length() - 1);
        assertThat(scanner.violation()).isEqualTo(StompFrameScanner.Violation.BODY);
    }

    @Test
    void aCountedBodyMayHoldNulBytes() {
        StompFrameScanner scanner = scanner();
        String frame = "SEND\ncontent-length:" + MAX_BODY + "\n\n" + "\0".repeat(MAX_BODY) + "\0";

        assertThat(scanner.scan(bytes(frame + frame))).isEqualTo(-1);
        assertThat(scanner.violation()).isNull();
    }

    @Test
    void endlessHeadersAreRefused() {
        StompFrameScanner scanner = scanner();

        assertThat(scanner.scan(bytes("SEND\nx-filler:" + "y".repeat(MAX_HEADERS)))).isEqualTo(MAX_HEADERS);
        assertThat(scanner.violation()).isEqualTo(StompFrameScanner.Violation.HEADERS);
    }

    @Test
    void theFirstContentLengthCounts() {
        StompFrameScanner scanner = scanner();

        assertThat(scanner.scan(bytes("SEND\ncontent-length:3\ncontent-length:1000\n\nabc\0"))).isEqualTo(-1);
        assertThat(scanner.scan(bytes("SEND\n\nok\0"))).isEqualTo(-1);
    }

    @Test
    void afterAViolationEveryBufferIsRefusedFromItsStart() {
        StompFrameScanner scanner = scanner();
        scanner.scan(bytes("SEND\ncontent-length:100000\n\n"));

        ByteBuf next = bytes("SEND\n\nok\0");
        next.readerIndex(2);
        assertThat(scanner.scan(next)).isEqualTo(2);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new StompFrameScanner(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StompFrameScanner(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static StompFrameScanner scanner() {
        return new StompFrameScanner(MAX_BODY, MAX_HEADERS);
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
