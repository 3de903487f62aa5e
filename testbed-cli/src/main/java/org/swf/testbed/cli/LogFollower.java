package org.swf.testbed.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Follows program logs as {@code tail -F} does: prints every complete line appended after the
 * moment it starts, and goes on with the new file when supervisord rotates a log (renames it to
 * {@code NAME.log.1} and starts a new one) or it is truncated. A log that does not exist yet is
 * waited for.
 *
 * <p>Polls: a log lives on whatever file system the home is on, where change notification may
 * not work (NFS), and a person reading a log does not notice a quarter of a second.
 */
final class LogFollower {

    /** Receives what the follower finds. */
    interface Listener {
        /**
         * @param program whose log it is
         * @param line a complete line, without its line break
         */
        void line(String program, String line);

        /**
         * @param program whose log was rotated or truncated; what follows comes from the new file
         */
        void rotated(String program);
    }

    private static final int READ_CHUNK = 64 * 1024;

    private final Map<String, Followed> logs = new LinkedHashMap<>();
    private final Duration poll;

    /**
     * @param files each program's log, in the order to report them
     * @param poll how often to look for new lines
     */
    LogFollower(Map<String, Path> files, Duration poll) {
        files.forEach((program, file) -> logs.put(program, new Followed(program, file)));
        this.poll = Objects.requireNonNull(poll, "poll");
    }

    /** Takes every log's current end as the place to follow from; what is there already is not reported. */
    void startAtEnd() {
        logs.values().forEach(Followed::skipToEnd);
    }

    /**
     * Reports new lines until {@code keepGoing} says stop or the thread is interrupted.
     *
     * @param listener told each line, and each rotation
     * @param keepGoing asked before every look
     */
    void follow(Listener listener, BooleanSupplier keepGoing) {
        while (keepGoing.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            boolean found = false;
            for (Followed log : logs.values()) {
                found |= log.readNew(listener);
            }
            if (!found) {
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One log: where its file is, which file it was (inode), and how far it has been read. */
    private static final class Followed {
        private final String program;
        private final Path file;
        private Object fileKey;
        private long position;
        /** The bytes of a line whose end has not been written yet. */
        private byte[] unfinished = new byte[0];

        Followed(String program, Path file) {
            this.program = program;
            this.file = file;
        }

        void skipToEnd() {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                fileKey = attributes.fileKey();
                position = attributes.size();
            } catch (IOException e) {
                // Not there yet: followed from its start once it appears.
                fileKey = null;
                position = 0;
            }
        }

        /** @return whether anything new was read */
        boolean readNew(Listener listener) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (IOException e) {
                return false;
            }
            boolean replaced = fileKey != null && !fileKey.equals(attributes.fileKey());
            if (replaced || attributes.size() < position) {
                // Rotated (a new file under the name) or truncated: the rest of the old line is gone with it.
                listener.rotated(program);
                position = 0;
                unfinished = new byte[0];
            }
            fileKey = attributes.fileKey();
            if (attributes.size() <= position) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.position(position);
                ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
                boolean any = false;
                int read;
                while ((read = channel.read(buffer)) > 0) {
                    position += read;
                    buffer.flip();
                    byte[] bytes = new byte[unfinished.length + buffer.remaining()];
                    System.arraycopy(unfinished, 0, bytes, 0, unfinished.length);
                    buffer.get(bytes, unfinished.length, bytes.length - unfinished.length);
                    buffer.clear();
                    any |= emitLines(bytes, listener);
                }
                return any;
            } catch (IOException e) {
                // Gone between the look and the read (rotated): the next look finds the new file.
                return false;
            }
        }

        /**
         * Reports each complete line. The bytes after the last line break wait for the rest of their
         * line, so neither a line nor a character split across two reads comes out in pieces.
         */
        private boolean emitLines(byte[] bytes, Listener listener) {
            int start = 0;
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                    lines.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            unfinished = Arrays.copyOfRange(bytes, start, bytes.length);
            lines.forEach(line -> listener.line(program, line));
            return !lines.isEmpty();
        }
    }
}
