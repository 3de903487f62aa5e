package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every bad input gets one line naming the file, key or value and the fix, and the right exit code. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

    private final TestbedHome testbed = new TestbedHome("it-bad");

    @AfterAll
    void tearDown() {
        testbed.close();
    }

    private TestbedHome.Result runWith(String toml) {
        testbed.config("bad.toml", toml);
        return testbed.cli("run", "bad");
    }

    private static void assertOneLine(TestbedHome.Result result, int code, String... fragments) {
        assertThat(result.code()).as(result.err()).isEqualTo(code);
        assertThat(result.err().lines().count()).as(result.err()).isEqualTo(1);
        assertThat(result.err()).startsWith("testbed: error: ").contains(fragments);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void noOrEmptyNamespace() {
        assertOneLine(runWith("[agents.data]\nenabled = true\n"), 3, "workflows/bad.toml",
                "[testbed] namespace is missing", "namespace = ");
        assertOneLine(runWith("[testbed]\nnamespace = \"\"\n"), 3, "workflows/bad.toml", "namespace is empty");
    }

    @Test
    void tomlSyntaxErrorWithLineAndColumn() {
        assertOneLine(runWith("[testbed]\nnamespace = \"x\"\n[agents.data\n"), 3, "workflows/bad.toml:3:",
                "invalid TOML", "line 3, column");
    }

    @Test
    void unknownConfigNameAndEscapingName() {
        assertOneLine(testbed.cli("run", "nosuch"), 3, "Unknown config 'nosuch'", "workflows/nosuch_default.toml",
                "Available:");
        assertOneLine(testbed.cli("run", "../etc/passwd"), 3, "'../etc/passwd' is refused", "inside workflows/");
    }

    @Test
    void agentKeysAndValuesWithNewlinesOrBrackets() {
        assertOneLine(runWith("[testbed]\nnamespace = \"n\"\n[agents.\"evil\\n[program:x]\"]\nenabled = true\n"), 3,
                "workflows/bad.toml", "agent key 'evil\\n[program:x]' is invalid");
        assertOneLine(runWith("[testbed]\nnamespace = \"n\"\n[agents.\"a]b\"]\nenabled = true\n"), 3,
                "agent key 'a]b' is invalid");
        assertOneLine(runWith("[testbed]\nnamespace = \"n\"\n[agents.x]\nenabled = true\n"
                + "command = [\"/bin/true\", \"a\\n[program:evil]\"]\n"), 3, "[agents.x]", "line break");
        assertOneLine(runWith("[testbed]\nnamespace = \"n\"\n[agents.x]\nenabled = true\n"
                + "environment = { A = \"x]y\" }\n"), 3, "[agents.x]", "environment.A", "']'");
        assertThat(testbed.conf()).doesNotExist();
    }

    @Test
    void supervisordNotInstalled() throws IOException {
        Path bin = Files.createTempDirectory(testbed.home, "bin");
        testbed.user.own(bin);
        for (String tool : new String[] {"bash", "dirname", "readlink", "env"}) {
            Path target = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(target) ? target : Path.of("/bin", tool));
        }
        Map<String, String> env = testbed.environment();
        env.put("PATH", bin.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        testbed.quickWorkflow(1, "");
        TestbedHome.Result result = testbed.run(env, Duration.ofSeconds(60), "run");
        assertOneLine(result, 4, "supervisord is not installed", "apt-get install -y supervisor");
    }

    @Test
    void brokerNobodyListensOnFailsAtTheConnectTimeoutNotTheReadinessTimeout() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestbedHome.Result result = runWith("[testbed]\nnamespace = \"n\"\n[broker]\nurl = \"amqp://127.0.0.1:" + port
                + "\"\n");
        assertOneLine(result, 4, "amqp://127.0.0.1:" + port, "[broker] url");
        // It gives up at its connect timeout (5 s), not after the readiness timeout (60 s) of the
        // programs it would start; the room between them is for a busy machine.
        assertThat(result.took()).isLessThan(Duration.ofSeconds(40));
        assertThat(testbed.conf()).doesNotExist();
    }
}
