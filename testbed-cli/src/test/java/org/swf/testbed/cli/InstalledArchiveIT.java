package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.JsonCodec;

/**
 * The installable archive, installed as the README says (unpacked into an empty directory, its
 * {@code bin/testbed} linked from a directory on the PATH) and used with Java alone: no Maven, no
 * repository, no class path but the archive's {@code lib/}. {@code --version}, {@code init} in a
 * fresh home and a real {@code run} under supervisord work, and the run's programs run from the
 * installation.
 */
class InstalledArchiveIT {

    private static final String VERSION = System.getProperty("testbed.version", "0.1.0-SNAPSHOT");
    private static final Path ARCHIVE = Path.of(System.getProperty("testbed.archive",
            "target/testbed-" + VERSION + ".tar.gz"));

    private final JsonCodec codec = new JsonCodec();
    private final TestUser user = TestUser.primary();
    /** Stands for the user's ~/.local: the archive goes to opt/, the link to bin/. */
    private final Path local = user.newDirectory("testbed-it-install-");
    private TestbedHome testbed;

    @AfterEach
    void tearDown() {
        try {
            if (testbed != null) {
                testbed.close();
            }
        } finally {
            TestUser.deleteTree(local);
        }
    }

    @Test
    void theUnpackedArchiveRunsATestbedWithJavaAlone() throws Exception {
        Path opt = ownedDirectory(local.resolve("opt"));
        unpackAsTheUser(opt);
        Path installed = opt.resolve("testbed-" + VERSION);
        try (Stream<Path> unpacked = Files.list(opt)) {
            assertThat(unpacked).as("the archive unpacks to testbed-VERSION/ alone").containsExactly(installed);
        }
        assertThat(installed.resolve("bin/testbed")).isExecutable();
        assertThat(installed.resolve("lib/testbed-cli-" + VERSION + ".jar")).isRegularFile();
        assertThat(installed.resolve("README.md")).isRegularFile();
        assertThat(installed.resolve("docs/agent-management.md")).isRegularFile();
        assertThat(installed.resolve("workflows/testbed.toml")).isRegularFile();
        Path bin = ownedDirectory(local.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("testbed"),
                Path.of("../opt/testbed-" + VERSION + "/bin/testbed"));
        user.own(link);

        testbed = new TestbedHome("example", user, link, user.environmentWithOnlyJava(bin));

        TestbedHome.Result version = testbed.cli("--version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out().lines().toList()).satisfiesExactly(
                name -> assertThat(name).isEqualTo("testbed " + VERSION),
                commit -> assertThat(commit).matches("Commit: ([0-9a-f]{40}(-dirty)?|unknown)"),
                java -> assertThat(java).isEqualTo("Java:   " + System.getProperty("java.runtime.version") + " ("
                        + System.getProperty("java.vendor") + "), " + System.getProperty("java.home")));

        TestbedHome.Result init = testbed.cli("init");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("Created " + testbed.home.resolve("workflows/testbed.toml"))
                .contains("Testbed home ready: " + testbed.home);

        TestbedHome.Result run = testbed.cli("run");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Namespace: example").contains("Started: broker, workflow-runner, data-agent")
                .contains("Workflow triggered: stf_datataking-" + user.name + "-0001");
        String conf = Files.readString(testbed.conf());
        assertThat(conf).as("every program runs the installation's jars").contains(
                installed.toRealPath().resolve("lib") + File.separator + "*")
                .doesNotContain(TestbedHome.DISTRIBUTION.toAbsolutePath().normalize().toString());
        Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
        assertThat(status).containsEntry("state", "RUNNING").containsEntry("namespace", "example");

        TestbedHome.Result stop = testbed.cli("stop-agents");
        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("Stopped:").contains("data-agent", "workflow-runner", "broker");
        assertThat(testbed.processesOfThisHome()).isEmpty();
    }

    private Path ownedDirectory(Path directory) throws IOException {
        Files.createDirectory(directory);
        user.own(directory);
        return directory;
    }

    /**
     * tar as the user, reading the archive on its standard input: the test JVM opens the archive,
     * which may sit where only the build's user can read (CI builds as root under root's home).
     */
    private void unpackAsTheUser(Path into) throws IOException, InterruptedException {
        Process tar = new ProcessBuilder(user.command(List.of("tar", "-xzf", "-", "-C", into.toString())))
                .redirectInput(ARCHIVE.toFile()).redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).as("tar finished").isTrue();
        assertThat(tar.exitValue()).as("tar -xzf %s: %s", ARCHIVE, output).isZero();
    }
}
