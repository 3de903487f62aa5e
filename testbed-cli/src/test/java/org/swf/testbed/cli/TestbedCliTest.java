package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.AgentLogRecord;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.port.StfFileRecord;
import org.swf.testbed.store.SqliteExecutionStore;

/** The entry point in-process: exit codes, help, and failures that need no running service. */
class TestbedCliTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return runWith(Map.of("TESTBED_HOME", home.toString()), args);
    }

    private int runWith(Map<String, String> environment, String... args) {
        return TestbedCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheCommandsAndTheExitCodeTable() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("run", "stop-agents", "status", "logs", "init", "broker", "workflows",
                "agent-manager", "Exit codes:", "0  OK", "3  invalid config", "4  supervisord or broker unavailable",
                "5  lifecycle conflict", "6  timed out");
        assertThat(out()).doesNotContain("workflow-runner  ");
        assertThat(err()).isEmpty();
    }

    @Test
    void versionNamesTheBuildItsCommitAndTheJavaRuntime() {
        assertThat(run("--version")).isZero();
        assertThat(out().lines().toList()).satisfiesExactly(
                version -> assertThat(version).matches("testbed \\d+\\.\\d+\\.\\d+\\S*"),
                commit -> assertThat(commit).matches("Commit: ([0-9a-f]{40}(-dirty)?|unknown)"),
                java -> assertThat(java).isEqualTo("Java:   " + System.getProperty("java.runtime.version") + " ("
                        + System.getProperty("java.vendor") + "), " + System.getProperty("java.home")));
        assertThat(err()).isEmpty();
    }

    @Test
    void runsHelpSaysWhatReadyMeansForEachKindOfProgram() {
        assertThat(run("run", "--help")).isZero();
        String help = out().replaceAll("\\s+", " ");
        assertThat(help).contains("the workflow runner and built-in agents", "then a READY heartbeat",
                "command and script agents (e.g. the original Python agents): RUNNING in supervisord, that is up for"
                        + " their startsecs (default 1 s). Whether they reached the broker is not checked");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("no-such-command")).isEqualTo(2);
        assertThat(err()).contains("testbed: ").contains("Try 'testbed --help'");
        assertThat(out()).isEmpty();
        assertThat(run("run", "--stf-count", "many")).isEqualTo(2);
    }

    @Test
    void aHomeWithoutConfigsExitsThreeAndSaysHowToFixIt() {
        assertThat(run("run")).isEqualTo(3);
        assertThat(err()).startsWith("testbed: error: No default config").contains("testbed init");
        assertThat(err().lines().count()).isEqualTo(1);
    }

    @Test
    void anExecutionsDetailListsTheStfFilesItsAgentsRegisteredAndLogsShowWhatTheyReported() {
        SqliteExecutionStore store = new SqliteExecutionStore(home.resolve(".testbed/testbed.db"));
        store.started(new ExecutionRecord("stf_datataking-alice-0001", "stf_datataking", "ns", "alice", "100010",
                ExecutionStatus.RUNNING, Instant.now(), null, Map.of(), Map.of(), 1, null, "h", null));
        long run = store.addRun(100010, "2026-01-01T10:00:00", Map.of()).orElseThrow().runId();
        for (String file : new String[] {"swf.100010.000001.stf", "swf.100010.000002.stf"}) {
            store.addStfFile(new StfFileRecord(null, run, file, null, "run", "registered", Map.of(),
                    "mine-agent-alice-1", null));
        }
        store.addLog(new AgentLogRecord("mine-agent-alice-1", "mine-agent", "2026-01-01T10:00:01", 20, "INFO",
                "registered swf.100010.000001.stf", "mine", "on_message", 7, null, "100010"));

        assertThat(run("workflows", "stf_datataking-alice-0001")).isZero();
        assertThat(out()).contains("Execution stf_datataking-alice-0001", "STF files registered (2)",
                "mine-agent-alice-1", "swf.100010.000002.stf");
        out.reset();
        assertThat(run("workflows", "stf_datataking-alice-0001", "--json")).isZero();
        assertThat(out()).contains("\"stf_files\":[", "\"created_by\":\"mine-agent-alice-1\"");
        out.reset();
        assertThat(run("logs", "mine", "--reported")).isZero();
        assertThat(out()).contains("INFO mine-agent-alice-1: registered swf.100010.000001.stf");
        out.reset();
        assertThat(run("logs", "mine-agent-alice-1", "--reported", "--json")).isZero();
        assertThat(out()).contains("\"run_id\":\"100010\"");
        assertThat(run("workflows", "stf_datataking-alice-0099")).isEqualTo(1);
        assertThat(err()).contains("There is no workflow execution 'stf_datataking-alice-0099'");
    }

    @Test
    void initWritesTheExampleConfigsAndKeepsExistingOnes() throws IOException {
        assertThat(run("init")).isZero();
        assertThat(home.resolve("workflows/testbed.toml")).exists();
        assertThat(home.resolve("workflows/daq_state_machine.toml")).exists();
        Files.writeString(home.resolve("workflows/testbed.toml"), "[testbed]\nnamespace = \"mine\"\n");
        assertThat(run("init")).isZero();
        assertThat(Files.readString(home.resolve("workflows/testbed.toml"))).contains("mine");
        assertThat(out()).contains("Kept existing");
    }

    @Test
    void everyCommandIsMadeWithItsCollaborators() {
        for (String command : new String[] {"init", "run", "stop-agents", "status", "workflows", "start-workflow",
            "stop-workflow", "logs", "broker", "agent-manager", "mcp", "benchmark", "workflow-runner", "agent"}) {
            out.reset();
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out()).as(command).contains("Usage: testbed " + command);
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void sharedOptionsAreTheSameOnEveryCommand() {
        assertThat(run("start-workflow", "--stf-count", "many")).isEqualTo(2);
        assertThat(run("run", "--help")).isZero();
        assertThat(run("start-workflow", "--help")).isZero();
        assertThat(out()).contains("--fast", "--realtime", "--stf-count=N");
    }

    @Test
    void homeComesFromTheOptionBeforeTheEnvironment(@TempDir Path other) {
        assertThat(run("--home", other.toString(), "init")).isZero();

        assertThat(other.resolve("workflows/testbed.toml")).exists();
        assertThat(home.resolve("workflows")).doesNotExist();
    }

    @Test
    void aBadHeartbeatIntervalFailsTheProcessesThatSendHeartbeatsNamingTheVariable() {
        Map<String, String> environment = Map.of("TESTBED_HOME", home.toString(), "TESTBED_HEARTBEAT_SECONDS", "soon");

        assertThat(runWith(environment, "agent-manager")).isEqualTo(3);
        assertThat(err()).startsWith("testbed: error: TESTBED_HEARTBEAT_SECONDS=soon is not a whole number")
                .contains("unset it");
        assertThat(runWith(environment, "agent", "data", "--config", home.resolve("none.toml").toString()))
                .isEqualTo(3);
        assertThat(err().lines().filter(line -> line.contains("TESTBED_HEARTBEAT_SECONDS=soon")).count()).isEqualTo(2);
        err.reset();
        assertThat(runWith(environment, "workflows")).isZero();
        assertThat(err()).isEmpty();
    }
}
