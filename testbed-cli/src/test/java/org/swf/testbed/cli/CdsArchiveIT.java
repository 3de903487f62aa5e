package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The class-data sharing archive of the real distribution and JVM: the first command makes it in
 * the user's cache, in the background; from then on the CLI and every program it starts map it;
 * and an archive no JVM can use costs sharing, never a command.
 */
class CdsArchiveIT {

    private final TestUser user = TestUser.primary();
    private final Path cache = user.newDirectory("testbed-it-cache-");
    private final TestbedHome testbed = new TestbedHome("it-cds", user, TestUser.launcher(),
            withCache(user.environment(System.getenv())));

    private Map<String, String> withCache(Map<String, String> environment) {
        environment.put("XDG_CACHE_HOME", cache.toString());
        environment.remove("TESTBED_JAVA_OPTS");
        return environment;
    }

    @AfterEach
    void tearDown() {
        try {
            testbed.close();
        } finally {
            TestUser.deleteTree(cache);
        }
    }

    @Test
    void theFirstCommandMakesTheArchiveOnceAndEveryProgramThenMapsIt() throws IOException {
        TestbedHome.Result init = testbed.cli("init");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.err()).isEmpty();
        testbed.quickWorkflow(1, "");

        Path archive = await("the archive made in the background").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1)).until(this::archive, found -> found != null);
        long made = Files.getLastModifiedTime(archive).toMillis();

        TestbedHome.Result version = testbed.cli("--version");
        assertThat(version.code()).isZero();
        assertThat(version.err()).as("the archive is mapped silently").isEmpty();
        TestbedHome.Result run = testbed.cli("run", "--no-workflow");
        assertThat(run.code()).as(run.err()).isZero();

        for (long pid : testbed.processesOfThisHome()) {
            String commandLine = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            if (commandLine.contains("org.swf.testbed.cli.TestbedCli")) {
                assertThat(commandLine).contains("-XX:SharedArchiveFile=" + archive);
                assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "maps")))
                        .as("program %d maps the archive", pid).contains(archive.toString());
            }
        }
        assertThat(testbed.cli("stop-agents").code()).isZero();
        assertThat(archive()).as("made once, then reused").isEqualTo(archive);
        assertThat(Files.getLastModifiedTime(archive).toMillis()).isEqualTo(made);
    }

    @Test
    void anArchiveNoJvmCanUseFailsNoCommand() throws IOException {
        assertThat(testbed.cli("init").code()).isZero();
        testbed.quickWorkflow(1, "");
        Path archive = await("the archive made in the background").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1)).until(this::archive, found -> found != null);
        user.write(archive, "not an archive ".repeat(400));

        TestbedHome.Result run = testbed.cli("run", "--no-workflow");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(testbed.cli("status").code()).isZero();
        assertThat(testbed.cli("stop-agents").code()).isZero();
    }

    /** @return the archive in the cache, once it has its name */
    private Path archive() throws IOException {
        Path directory = cache.resolve("testbed/cds");
        if (!Files.isDirectory(directory)) {
            return null;
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> archives = files.filter(file -> file.getFileName().toString().endsWith(".jsa")).toList();
            return archives.isEmpty() ? null : archives.get(0);
        }
    }
}
