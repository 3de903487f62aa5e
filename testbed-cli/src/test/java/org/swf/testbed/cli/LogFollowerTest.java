package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {

    @TempDir
    Path logs;

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicBoolean keepGoing = new AtomicBoolean(true);
    private Thread following;

    @AfterEach
    void stop() throws InterruptedException {
        keepGoing.set(false);
        if (following != null) {
            following.join(10_000);
            assertThat(following.isAlive()).as("the follower ends when asked").isFalse();
        }
    }

    @Test
    void reportsOnlyCompleteLinesWrittenAfterItStarted() throws IOException {
        Path log = write(logs.resolve("data-agent.log"), "old line\n");
        start(Map.of("data-agent", log));

        append(log, "first\nsecond, half");
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        append(log, " and its end\r\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("data-agent: first", "data-agent: second, half and its end");
    }

    @Test
    void aCharacterSplitAcrossTwoWritesComesOutWhole() throws IOException {
        Path log = write(logs.resolve("data-agent.log"), "");
        start(Map.of("data-agent", log));
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);

        Files.write(log, new byte[] {euro[0]}, StandardOpenOption.APPEND);
        Files.write(log, new byte[] {euro[1], euro[2], '\n'}, StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        assertThat(seen).containsExactly("data-agent: €");
    }

    @Test
    void aRotatedLogIsFollowedIntoItsNewFile() throws IOException {
        Path log = write(logs.resolve("workflow-runner.log"), "");
        start(Map.of("workflow-runner", log));
        append(log, "before rotation\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

        // As supervisord rotates: the file moves to .1 and a new one starts under the name.
        Files.move(log, logs.resolve("workflow-runner.log.1"));
        write(log, "after rotation\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
        assertThat(seen).containsExactly("workflow-runner: before rotation", "rotated workflow-runner",
                "workflow-runner: after rotation");
    }

    @Test
    void followsSeveralLogsAndOneThatAppearsLater() throws IOException {
        Path data = write(logs.resolve("data-agent.log"), "");
        Path later = logs.resolve("fast-processing-agent.log");
        start(Map.of("data-agent", data, "fast-processing-agent", later));

        write(later, "born\n");
        append(data, "still here\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactlyInAnyOrder("fast-processing-agent: born", "data-agent: still here");
    }

    private void start(Map<String, Path> files) {
        LogFollower follower = new LogFollower(files, Duration.ofMillis(20));
        follower.startAtEnd();
        following = new Thread(() -> follower.follow(new LogFollower.Listener() {
            @Override
            public void line(String program, String line) {
                seen.add(program + ": " + line);
            }

            @Override
            public void rotated(String program) {
                seen.add("rotated " + program);
            }
        }, keepGoing::get), "log-follower-test");
        following.start();
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }
}
