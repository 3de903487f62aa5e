package org.swf.testbed.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.swf.testbed.TestbedException;

/**
 * Reads the last lines of a log from its end, in blocks, so that a 10 MB log costs a few
 * kilobytes of reading rather than the whole file. Shared by whoever shows a program's log: the
 * supervisor adapter (failure reports, {@code testbed logs}) and the MCP server's log resources.
 */
public final class LogTail {

    private static final int BLOCK = 8192;

    /** Never read more than this from the end, even when lines are very long. */
    private static final long MAX_BYTES = 1 << 20;

    private LogTail() {
    }

    /**
     * @param file a log file
     * @param lines how many lines at most
     * @return its last lines, oldest first, without line terminators; empty when the file is absent
     */
    public static List<String> read(Path file, int lines) {
        if (lines <= 0) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long floor = Math.max(0, size - MAX_BYTES);
            long start = size;
            boolean complete = false;
            int newlines = 0;
            boolean skippedFinalNewline = false;
            ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
            // Walk back until we have passed `lines` line breaks (a final break ends the last line, not a new one).
            search:
            while (start > floor) {
                int length = (int) Math.min(BLOCK, start - floor);
                long blockStart = start - length;
                buffer.clear().limit(length);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, blockStart + buffer.position()) < 0) {
                        break;
                    }
                }
                for (int i = buffer.position() - 1; i >= 0; i--) {
                    if (buffer.get(i) == '\n') {
                        if (blockStart + i == size - 1 && !skippedFinalNewline) {
                            skippedFinalNewline = true;
                            continue;
                        }
                        newlines++;
                        if (newlines == lines) {
                            start = blockStart + i + 1;
                            complete = true;
                            break search;
                        }
                    }
                }
                start = blockStart;
            }
            ByteBuffer tail = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size - start));
            while (tail.hasRemaining()) {
                if (channel.read(tail, start + tail.position()) < 0) {
                    break;
                }
            }
            String text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
            List<String> result = new ArrayList<>();
            for (String line : text.split("\n", -1)) {
                result.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
            if (!result.isEmpty() && result.get(result.size() - 1).isEmpty() && text.endsWith("\n")) {
                result.remove(result.size() - 1);
            }
            if (!complete && start > 0 && !result.isEmpty()) {
                result.remove(0); // cut off by MAX_BYTES: its beginning is missing
            }
            if (text.isEmpty()) {
                return List.of();
            }
            return List.copyOf(result.subList(Math.max(0, result.size() - lines), result.size()));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new TestbedException("Cannot read the log " + file + ": " + e + ". Check its permissions", e);
        }
    }
}
