package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.JsonCodec;

/**
 * The command line on a running testbed: {@code --json} on every command that prints a result,
 * {@code logs -f} following what a program writes, {@code status} exit codes, and
 * {@code workflows} agreeing with {@code status} on a running execution.
 */
class CliConventionsIT {

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-conventions");
    private Process follower;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (follower != null) {
            follower.destroy();
            follower.waitFor(30, TimeUnit.SECONDS);
        }
        testbed.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCommandSpeaksJsonAndLogsFollowWhatTheAgentsWrite() throws Exception {
        testbed.quickWorkflow(40, "");
        TestbedHome.Result run = testbed.cli("run", "--no-workflow", "--json");
        assertThat(run.code()).isZero();
        Map<String, Object> ran = codec.decodeObject(run.out());
        assertThat(ran).containsEntry("namespace", testbed.namespace).containsKeys("config", "step_millis");
        assertThat(ran.get("execution_id")).as("no workflow triggered").isNull();
        assertThat((List<String>) ran.get("programs")).contains("broker", "workflow-runner", "data-agent");
        TestbedHome.Result healthy = testbed.cli("status");
        assertThat(healthy.code()).as(healthy.out()).isZero();

        // Following starts now: only what the runner writes from here on may appear.
        List<String> followed = new CopyOnWriteArrayList<>();
        follower = testbed.processBuilder("logs", "-f", "-n", "0", "--home", testbed.home.toString(),
                "workflow-runner")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(follower.getInputStream(),
                    StandardCharsets.UTF_8))) {
                lines.lines().forEach(followed::add);
            } catch (IOException e) {
                // The follower was stopped.
            }
        }, "logs-follow-reader");
        reader.setDaemon(true);
        reader.start();

        TestbedHome.Result start = testbed.cli("start-workflow", "--json");
        assertThat(start.code()).as(start.err()).isZero();
        Map<String, Object> started = codec.decodeObject(start.out());
        String executionId = (String) started.get("execution_id");
        assertThat(executionId).startsWith("stf_datataking-");
        assertThat(started).containsEntry("namespace", testbed.namespace).containsKey("run_id");

        // The runner logs the execution it starts: the follower prints that line as it comes.
        await().atMost(Duration.ofSeconds(60)).until(() -> followed.stream()
                .anyMatch(line -> line.contains("Starting " + executionId)));
        assertThat(follower.isAlive()).as("logs -f keeps following").isTrue();

        // A running execution: workflows counts its STFs as the runner does, as status does.
        await().atMost(Duration.ofSeconds(60)).until(() -> stfs(codec.decodeObject(testbed.cli("status", "--json")
                .out())) >= 2);
        List<Map<String, Object>> executions = codec.decode(testbed.cli("workflows", "--json").out(), List.class);
        Map<String, Object> running = executions.stream().filter(e -> executionId.equals(e.get("execution_id")))
                .findFirst().orElseThrow();
        assertThat(running).containsEntry("status", "running");
        assertThat(((Map<String, Number>) running.get("message_counts")).get("stf_gen").intValue())
                .isGreaterThanOrEqualTo(2);
        assertThat(testbed.cli("workflows").out()).containsPattern(executionId + " +running +\\S+ .* +[1-9]\\d*\\s*$");

        Map<String, Object> logs = codec.decodeObject(testbed.cli("logs", "--json", "-n", "5", "data").out());
        Map<String, Object> dataLog = ((List<Map<String, Object>>) logs.get("logs")).get(0);
        assertThat(dataLog).containsEntry("program", "data-agent");
        assertThat((List<String>) dataLog.get("lines")).hasSizeBetween(1, 5);

        TestbedHome.Result stop = testbed.cli("stop-workflow", "--json", executionId);
        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(codec.decodeObject(stop.out())).containsEntry("execution_id", executionId)
                .containsEntry("status", "stopping");
        TestbedHome.Result unknown = testbed.cli("stop-workflow", "--json", "no-such-execution");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.out()).isEmpty();
        assertThat(codec.decodeObject(unknown.err().strip())).containsEntry("exit_code", unknown.code())
                .containsKey("error_code").containsKey("error");

        TestbedHome.Result stopped = testbed.cli("stop-agents", "--json");
        assertThat(stopped.code()).isZero();
        assertThat(codec.decodeObject(stopped.out()).get("stopped")).asList()
                .contains("broker", "workflow-runner", "data-agent");
        assertThat(testbed.cli("status").code()).as("nothing runs, nothing fails").isZero();
    }

    @SuppressWarnings("unchecked")
    private static long stfs(Map<String, Object> status) {
        Map<String, Object> execution = (Map<String, Object>) status.get("execution");
        return execution == null ? 0 : ((Number) execution.get("stf_generated")).longValue();
    }
}
