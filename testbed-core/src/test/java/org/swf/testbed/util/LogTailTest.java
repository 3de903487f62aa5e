package org.swf.testbed.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void lastLinesOfALargeLog() throws IOException {
        Path log = dir.resolve("big.log");
        try (Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= 300_000; i++) {
                out.write("line " + i + " ✓\n");
            }
        }

        assertThat(LogTail.read(log, 3)).containsExactly("line 299998 ✓", "line 299999 ✓", "line 300000 ✓");
    }

    @Test
    void fewerLinesThanAskedAndNoFinalNewline() throws IOException {
        Path log = Files.writeString(dir.resolve("small.log"), "one\r\ntwo\nthree");

        assertThat(LogTail.read(log, 10)).containsExactly("one", "two", "three");
        assertThat(LogTail.read(log, 1)).containsExactly("three");
    }

    @Test
    void keepsEmptyLinesInside() throws IOException {
        Path log = Files.writeString(dir.resolve("gaps.log"), "a\n\nb\n");

        assertThat(LogTail.read(log, 3)).containsExactly("a", "", "b");
        assertThat(LogTail.read(log, 2)).containsExactly("", "b");
    }

    @Test
    void missingOrEmptyLogHasNoLines() throws IOException {
        assertThat(LogTail.read(dir.resolve("absent.log"), 5)).isEmpty();
        assertThat(LogTail.read(Files.writeString(dir.resolve("empty.log"), ""), 5)).isEmpty();
        assertThat(LogTail.read(Files.writeString(dir.resolve("x.log"), "x\n"), 0)).isEmpty();
    }

    @Test
    void aHugeSingleLineIsCutNotReadWhole() throws IOException {
        Path log = dir.resolve("one-line.log");
        Files.writeString(log, "x".repeat(3 << 20) + "\nlast\n");

        assertThat(LogTail.read(log, 5)).containsExactly("last");
    }

    @Test
    void blockBoundariesDoNotLoseLines() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            text.append("y".repeat(8191)).append('\n');
        }
        Path log = Files.writeString(dir.resolve("blocks.log"), text.toString());

        assertThat(LogTail.read(log, 50)).hasSize(50).allSatisfy(line -> assertThat(line).hasSize(8191));
    }
}
