package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.protocol.JsonCodec;

/** The conventions people expect from a command-line tool: completion, options anywhere, suggestions, JSON. */
class CliConventionsTest {

    @TempDir
    Path home;

    @TempDir
    Path elsewhere;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final JsonCodec codec = new JsonCodec();

    private int run(String... args) {
        out.reset();
        err.reset();
        return TestbedCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("TESTBED_HOME", home.toString()), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void completionPrintsAScriptThatCompletesEverySubcommandForBashAndZsh() {
        assertThat(run("completion")).isZero();
        String bash = out();
        assertThat(bash).contains("complete -F").contains("stop-agents").contains("start-workflow")
                .contains("--home").contains("--follow");
        assertThat(run("completion", "zsh")).isZero();
        assertThat(out()).contains("bashcompinit").contains("stop-agents");
        assertThat(run("completion", "fish")).isEqualTo(2);
        assertThat(err()).contains("fish");
    }

    @Test
    void homeIsAcceptedAfterTheSubcommandAsBeforeIt() {
        assertThat(run("init", "--home", elsewhere.toString())).isZero();
        assertThat(elsewhere.resolve("workflows/testbed.toml")).exists();
        assertThat(home.resolve("workflows")).doesNotExist();

        Path third = elsewhere.resolve("third");
        assertThat(run("--home", third.toString(), "init")).isZero();
        assertThat(third.resolve("workflows/testbed.toml")).exists();
    }

    @Test
    void aMistypedSubcommandOrOptionGetsASuggestion() {
        assertThat(run("stauts")).isEqualTo(2);
        assertThat(err()).contains("Did you mean").contains("status").contains("Try 'testbed --help'");

        assertThat(run("logs", "--folow")).isEqualTo(2);
        assertThat(err()).contains("--follow").contains("Try 'testbed logs --help'");
    }

    @Test
    void underJsonAFailureIsAJsonObjectOnStderrAndStdoutStaysEmpty() {
        // No config in the home: an invalid-config failure.
        assertThat(run("start-workflow", "--json")).isNotZero();
        assertThat(out()).isEmpty();
        Map<String, Object> error = codec.decodeObject(err().strip());
        assertThat(error).containsKeys("error", "error_code", "exit_code");
        assertThat(((Number) error.get("exit_code")).intValue()).isEqualTo(run("start-workflow", "--json"));

        assertThat(run("workflows", "--json", "--limit", "many")).isEqualTo(2);
        assertThat(codec.decodeObject(err().strip())).containsEntry("error_code", "USAGE").containsEntry("exit_code", 2);
    }

    @Test
    void initUnderJsonSaysWhatItCreatedAndKept() {
        assertThat(run("init", "--json")).isZero();
        Map<String, Object> first = codec.decodeObject(out());
        assertThat(first).containsEntry("home", home.toString()).containsEntry("kept", java.util.List.of());
        assertThat((java.util.List<?>) first.get("created")).hasSize(InitCommand.EXAMPLES.size());

        assertThat(run("init", "--json")).isZero();
        Map<String, Object> second = codec.decodeObject(out());
        assertThat((java.util.List<?>) second.get("kept")).hasSize(InitCommand.EXAMPLES.size());
        assertThat(second).containsEntry("created", java.util.List.of());
    }
}
