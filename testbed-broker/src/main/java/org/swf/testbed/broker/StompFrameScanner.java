package org.swf.testbed.broker;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Follows the frames of one STOMP connection as its bytes arrive, to find a frame that is larger
 * than the broker takes before the broker has read it whole.
 *
 * <p>Artemis' STOMP decoder has no size limit: it buffers a frame until its end, growing its
 * buffer by each read, so a 150 MB frame costs minutes of copying and ends in an
 * {@link OutOfMemoryError}. This scanner only counts: a frame is a command line, header lines, an
 * empty line, then a body that ends after {@code content-length} bytes or at the first NUL byte;
 * end-of-line bytes between frames are heart-beats. It does not check anything else: the broker's
 * decoder still reads the frames and reports what is malformed.
 */
final class StompFrameScanner {

    /** What the frame in progress exceeded, if anything. */
    enum Violation {
        /** The body is larger than the broker takes. */
        BODY,
        /** The command and header lines are longer than the broker reads. */
        HEADERS
    }

    private enum State { BETWEEN_FRAMES, HEADERS, BODY_BY_LENGTH, TERMINATOR, BODY_TO_NUL }

    private static final byte NUL = 0;
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final long maxBodyBytes;
    private final int maxHeaderBytes;

    private State state = State.BETWEEN_FRAMES;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int headerBytes;
    private boolean commandRead;
    private long contentLength;
    private long bodyBytes;
    private String receipt;
    private Violation violation;

    /**
     * @param maxBodyBytes the largest body the broker takes
     * @param maxHeaderBytes the longest command and header section it reads
     */
    StompFrameScanner(long maxBodyBytes, int maxHeaderBytes) {
        if (maxBodyBytes <= 0 || maxHeaderBytes <= 0) {
            throw new IllegalArgumentException("STOMP frame limits must be positive, got " + maxBodyBytes + " and "
                    + maxHeaderBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /**
     * Reads the readable bytes of {@code buffer} (without consuming them) as the next bytes of the
     * connection.
     *
     * @param buffer the bytes that arrived
     * @return the index in {@code buffer} of the first byte past a limit, or -1 when every frame
     *     so far is within the limits; once a limit is broken, every later call returns the
     *     buffer's reader index
     */
    int scan(ByteBuf buffer) {
        int index = buffer.readerIndex();
        int end = buffer.writerIndex();
        if (violation != null) {
            return index;
        }
        while (index < end) {
            switch (state) {
                case BETWEEN_FRAMES -> {
                    byte b = buffer.getByte(index);
                    if (b == LF || b == CR) {
                        index++;
                    } else {
                        startFrame();
                    }
                }
                case HEADERS -> {
                    if (!header(buffer.getByte(index))) {
                        return index;
                    }
                    index++;
                }
                case BODY_BY_LENGTH -> {
                    long skip = Math.min(contentLength - bodyBytes, end - index);
                    bodyBytes += skip;
                    index += (int) skip;
                    if (bodyBytes == contentLength) {
                        state = State.TERMINATOR;
                    }
                }
                case TERMINATOR -> {
                    // The NUL after a counted body; anything else is the decoder's to report.
                    state = State.BETWEEN_FRAMES;
                    index++;
                }
                case BODY_TO_NUL -> {
                    int nul = buffer.indexOf(index, end, NUL);
                    int stop = nul < 0 ? end : nul;
                    if (bodyBytes + (stop - index) > maxBodyBytes) {
                        violation = Violation.BODY;
                        return index + (int) (maxBodyBytes - bodyBytes);
                    }
                    bodyBytes += stop - index;
                    index = stop;
                    if (nul >= 0) {
                        state = State.BETWEEN_FRAMES;
                        index++;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return -1;
    }

    /** @return what the frame in progress exceeded, or null while everything is within the limits */
    Violation violation() {
        return violation;
    }

    /** @return the {@code receipt} header of the frame in progress, or null */
    String receipt() {
        return receipt;
    }

    /** @return the largest body the broker takes */
    long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** @return the longest command and header section the broker reads */
    int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    private void startFrame() {
        state = State.HEADERS;
        line.reset();
        headerBytes = 0;
        commandRead = false;
        contentLength = -1;
        bodyBytes = 0;
        receipt = null;
    }

    /** @return false when this byte makes the header section too long */
    private boolean header(byte b) {
        if (++headerBytes > maxHeaderBytes) {
            violation = Violation.HEADERS;
            return false;
        }
        if (b != LF) {
            line.write(b);
            return true;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (!commandRead) {
            commandRead = true;
        } else if (text.isEmpty()) {
            return startBody();
        } else {
            headerLine(text);
        }
        return true;
    }

    /** STOMP 1.2: of repeated headers, the first one counts. */
    private void headerLine(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return;
        }
        String name = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1);
        if (name.equals("content-length") && contentLength < 0) {
            try {
                contentLength = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                // Not a length: the body then runs to the NUL, as for the decoder.
                contentLength = -1;
            }
        } else if (name.equals("receipt") && receipt == null) {
            receipt = value;
        }
    }

    private boolean startBody() {
        if (contentLength > maxBodyBytes) {
            // Said up front: no need to wait for the body.
            violation = Violation.BODY;
            return false;
        }
        bodyBytes = 0;
        state = contentLength >= 0 ? (contentLength == 0 ? State.TERMINATOR : State.BODY_BY_LENGTH)
                : State.BODY_TO_NUL;
        return true;
    }
}
