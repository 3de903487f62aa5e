package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code testbed mcp}'s command line; the server itself runs in McpStdioIT. */
class McpCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TestbedCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), args);
    }

    @Test
    void anInvalidBrokerUrlIsAUsageErrorBeforeAnythingStarts() {
        int code = run("mcp", "--broker-url", "http://example.org");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid broker URL").contains("amqp://host:port");
        assertThat(out.size()).isZero();
    }

    @Test
    void helpNamesTheToolsAndTheOptions() {
        assertThat(run("mcp", "--help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--broker-url").contains("--config")
                .contains("check_agent_manager").contains("stdout carries only JSON-RPC");
    }

    @Test
    void isACommandOfTestbed() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("mcp ");
    }
}
