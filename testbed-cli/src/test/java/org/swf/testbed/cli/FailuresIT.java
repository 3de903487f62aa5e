package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.protocol.JsonCodec;

/** Agents that die, a supervisord killed with SIGKILL and one stopped with SIGSTOP, with the real supervisord. */
class FailuresIT {

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-fail");

    @AfterEach
    void tearDown() {
        testbed.close();
    }

    @Test
    void anAgentThatExitsAtOnceIsReportedAsFailingWithItsLogTail() {
        testbed.quickWorkflow(1, """
                [agents.crasher]
                enabled = true
                command = ["/bin/sh", "-c", "echo 'crasher: cannot open detector' >&2; exit 3"]
                """);

        TestbedHome.Result run = testbed.cli("run");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().lines().findFirst().orElseThrow()).contains("crasher-agent").contains("failed to start");
        assertThat(run.err()).contains("crasher: cannot open detector");
        // supervisord may still be retrying it (STARTING between attempts, BACKOFF after each): run
        // fails at the first exit now, so only FATAL, where the retries end, is a state that stays.
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("FATAL").contains(crasher().get("state")));
        Map<String, Object> crasher = crasher();
        assertThat(crasher).containsEntry("failing", true);
        assertThat((List<?>) crasher.get("log_tail")).anySatisfy(line ->
                assertThat(String.valueOf(line)).contains("cannot open detector"));
        assertThat(testbed.cli("status").out()).containsPattern("crasher-agent +(FATAL|BACKOFF).*FAILING");
        // As supervisorctl status: a failing program makes the status non-zero, for scripts.
        assertThat(testbed.cli("status").code()).isEqualTo(StatusCommand.PROGRAM_FAILING);
    }

    @Test
    void runAfterSupervisordWasKilledNeverDuplicatesAgents() {
        testbed.quickWorkflow(1, "");
        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        List<Long> before = testbed.processesOfThisHome();
        assertThat(before).hasSize(3);

        ProcessHandle.of(testbed.supervisordPid()).orElseThrow().destroyForcibly();
        long supervisord = testbed.supervisordPid();
        await().atMost(Duration.ofSeconds(10)).until(() -> !TestbedHome.running(supervisord));

        TestbedHome.Result refused = testbed.cli("run", "--no-workflow");
        assertThat(refused.code()).isEqualTo(5);
        assertThat(refused.err()).contains("ORPHANED").contains("Run 'testbed stop-agents' first");
        Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
        assertThat(status).containsEntry("supervisord_running", false);
        assertThat(programs(status)).extracting(p -> p.get("state")).containsOnly("ORPHANED");
        assertThat(programs(status)).extracting(p -> p.get("failing")).containsOnly(true);

        TestbedHome.Result stop = testbed.cli("stop-agents");
        assertThat(stop.code()).isZero();
        assertThat(testbed.processesOfThisHome()).isEmpty();
        // The killed supervisord's socket and pidfile went with its orphans.
        assertThat(testbed.runtimeDirectory()).doesNotExist();
        for (long pid : before) {
            assertThat(TestbedHome.running(pid)).as("pid %d", pid).isFalse();
        }

        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        assertThat(testbed.processesOfThisHome()).hasSize(3).doesNotContainAnyElementsOf(before);
    }

    @Test
    void stopAgentsEndsEverythingWithinAMinuteWhileSupervisordIsStopped() {
        testbed.quickWorkflow(1, "");
        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        List<Long> before = testbed.processesOfThisHome();
        assertThat(before).hasSize(3);
        long supervisord = testbed.supervisordPid();
        try {
            signal(supervisord, "STOP");
            await().atMost(Duration.ofSeconds(10)).until(() -> stopped(supervisord));

            TestbedHome.Result status = testbed.cli("status");
            // As supervisorctl when it cannot reach its daemon: the programs' state is unknown.
            assertThat(status.code()).isEqualTo(ExitCode.UNAVAILABLE.code);
            assertThat(status.out()).contains("supervisord: NOT ANSWERING")
                    .contains("Problem: supervisord (pid " + supervisord + ") is not answering: it is stopped")
                    .contains("'testbed stop-agents' stops them");
            Map<String, Object> json = codec.decodeObject(testbed.cli("status", "--json").out());
            assertThat(json).containsEntry("supervisord_running", false).containsEntry("supervisord_state", "HUNG");

            TestbedHome.Result stop = testbed.cli("stop-agents");

            assertThat(stop.code()).isZero();
            assertThat(stop.took()).isLessThan(Duration.ofMinutes(1));
            assertThat(stop.out()).startsWith("Stopped: ").contains("broker").contains("workflow-runner")
                    .contains("data-agent");
            assertThat(testbed.processesOfThisHome()).isEmpty();
            assertThat(before).noneMatch(TestbedHome::running);
            assertThat(TestbedHome.running(supervisord)).isFalse();
            assertThat(testbed.cli("status").out()).contains("supervisord: not running");
        } finally {
            // Gone after a passing run; a failing one must not leave a stopped daemon behind.
            signal(supervisord, "CONT");
        }
        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        assertThat(testbed.processesOfThisHome()).hasSize(3).doesNotContainAnyElementsOf(before);
    }

    /** Sends a signal the JDK cannot send, with the system's kill; a process that is gone is no error. */
    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s %d finished", signal, pid).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return whether the process is stopped (state T in /proc/PID/stat) */
    private static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
        } catch (IOException e) {
            return false;
        }
    }

    private Map<String, Object> crasher() {
        return programs(codec.decodeObject(testbed.cli("status", "--json").out())).stream()
                .filter(p -> p.get("name").equals("crasher-agent")).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> programs(Map<String, Object> status) {
        return (List<Map<String, Object>>) status.get("programs");
    }
}
