package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;

/** Sample lines are copied from supervisor 4.2.5 output. */
class SupervisorctlOutputTest {

    @Test
    void parsesEveryStateAsSupervisorctlPrintsIt() {
        String output = """
                agents:agent-data                RUNNING   pid 7108, uptime 0:00:04
                agents:agent-fastmon             RUNNING   pid 12, uptime 1 day, 2:03:04
                agents:agent-proc                RUNNING   pid 13, uptime 12 days, 23:59:59
                broker                           STARTING \s
                workflow-runner                  STOPPED   Not started
                old-run                          STOPPED   Nov 23 08:21 PM
                crashy                           FATAL     Exited too quickly (process log may have details)
                flappy                           BACKOFF   Exited too quickly (process log may have details)
                done                             EXITED    Nov 23 08:22 PM
                going                            STOPPING \s
                weird                            UNKNOWN   unknown error (try "tail weird")
                """;

        List<ProgramStatus> statuses = SupervisorctlOutput.parseStatus(output);

        assertThat(statuses).extracting(ProgramStatus::name).containsExactly("agent-data", "agent-fastmon",
                "agent-proc", "broker", "workflow-runner", "old-run", "crashy", "flappy", "done", "going", "weird");
        assertThat(statuses).extracting(ProgramStatus::state).containsExactly(ProgramState.RUNNING,
                ProgramState.RUNNING, ProgramState.RUNNING, ProgramState.STARTING, ProgramState.STOPPED,
                ProgramState.STOPPED, ProgramState.FATAL, ProgramState.BACKOFF, ProgramState.EXITED,
                ProgramState.STOPPING, ProgramState.UNKNOWN);
        assertThat(statuses.get(0)).isEqualTo(new ProgramStatus("agent-data", ProgramState.RUNNING, 7108,
                Duration.ofSeconds(4), "pid 7108, uptime 0:00:04"));
        assertThat(statuses.get(1).uptime()).isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4));
        assertThat(statuses.get(2).uptime()).isEqualTo(Duration.ofDays(12).plusHours(23).plusMinutes(59)
                .plusSeconds(59));
        assertThat(statuses.get(3).pid()).isZero();
        assertThat(statuses.get(3).detail()).isEmpty();
        assertThat(statuses.get(5).detail()).isEqualTo("Nov 23 08:21 PM");
        assertThat(statuses.get(6).detail()).isEqualTo("Exited too quickly (process log may have details)");
        assertThat(statuses.get(6).pid()).isZero();
    }

    @Test
    void ignoresConnectionErrorsAndErrorLines() {
        String output = """
                unix:///tmp/testbed-ana-1234abcd/supervisor.sock no such file
                unix:///tmp/testbed-ana-1234abcd/supervisor.sock refused connection
                nonesuch: ERROR (no such process)
                error: <class 'ConnectionResetError'>, [Errno 104] Connection reset by peer: file: x line: 706
                """;

        assertThat(SupervisorctlOutput.parseStatus(output)).isEmpty();
    }

    @Test
    void parsesStartResultsWithGroupPrefixes() {
        String output = """
                agents:a: started
                agents:b: ERROR (already started)
                c: ERROR (spawn error)
                d: ERROR (abnormal termination)
                e: ERROR (no such process)
                """;

        Map<String, String> results = SupervisorctlOutput.parseStart(output);

        assertThat(results).containsOnlyKeys("a", "b", "c", "d", "e");
        assertThat(results.get("a")).isNull();
        assertThat(results.get("b")).isNull();
        assertThat(results).containsEntry("c", "spawn error").containsEntry("d", "abnormal termination")
                .containsEntry("e", "no such process");
    }

    @Test
    void readsProcessInfosAsSupervisorctlShowsThem() {
        List<Map<String, Object>> infos = List.of(
                Map.of("name", "agent-data", "group", "agents", "statename", "RUNNING", "pid", 7108, "start", 1000,
                        "now", 1004, "description", "pid 7108, uptime 0:00:04"),
                Map.of("name", "crashy", "group", "crashy", "statename", "FATAL", "pid", 0, "start", 900, "now", 1004,
                        "description", "Exited too quickly (process log may have details)"),
                Map.of("name", "going", "group", "going", "statename", "STOPPING", "pid", 42, "start", 900,
                        "now", 1004, "description", ""));

        List<ProgramStatus> statuses = SupervisorctlOutput.processInfo(infos);

        assertThat(statuses).containsExactly(
                new ProgramStatus("agent-data", ProgramState.RUNNING, 7108, Duration.ofSeconds(4),
                        "pid 7108, uptime 0:00:04"),
                new ProgramStatus("crashy", ProgramState.FATAL, 0, Duration.ZERO,
                        "Exited too quickly (process log may have details)"),
                new ProgramStatus("going", ProgramState.STOPPING, 0, Duration.ZERO, ""));
    }

    @Test
    void readsGroupStartResultsInSupervisorctlsWords() {
        List<Map<String, Object>> results = List.of(
                Map.of("name", "a", "group", "agents", "status", SupervisordRpc.SUCCESS, "description", "OK"),
                Map.of("name", "b", "group", "agents", "status", SupervisordRpc.ALREADY_STARTED, "description", "b"),
                Map.of("name", "c", "group", "agents", "status", SupervisordRpc.SPAWN_ERROR, "description", "c"),
                Map.of("name", "d", "group", "agents", "status", SupervisordRpc.ABNORMAL_TERMINATION,
                        "description", "d"));

        Map<String, String> outcomes = SupervisorctlOutput.startResults(results);

        assertThat(outcomes).containsOnlyKeys("a", "b", "c", "d");
        assertThat(outcomes.get("a")).isNull();
        assertThat(outcomes.get("b")).isNull();
        assertThat(outcomes).containsEntry("c", "spawn error").containsEntry("d", "abnormal termination");
        assertThat(SupervisorctlOutput.startFailure(SupervisordRpc.NO_FILE)).isEqualTo("no such file");
    }

    @Test
    void plainNameDropsTheGroup() {
        assertThat(SupervisorctlOutput.plainName("agents:agent-data")).isEqualTo("agent-data");
        assertThat(SupervisorctlOutput.plainName("broker")).isEqualTo("broker");
    }

    @Test
    void aStatusListingMeansTheDaemonAnswered() {
        for (int exitCode : new int[] {0, 3}) {
            SupervisorctlOutput.StatusReply reply = SupervisorctlOutput.statusReply(exitCode,
                    "broker                           RUNNING   pid 7108, uptime 0:00:04\n",
                    "broker                           RUNNING   pid 7108, uptime 0:00:04");

            assertThat(reply.kind()).isEqualTo(SupervisorctlOutput.Reply.ANSWERED);
            assertThat(reply.programs()).extracting(ProgramStatus::name).containsExactly("broker");
            assertThat(reply.daemonState(true)).isEqualTo(DaemonState.RUNNING);
        }
    }

    @Test
    void theShutdownFaultMeansShuttingDown() {
        String output = "error: <class 'xmlrpc.client.Fault'>, <Fault 6: 'SHUTDOWN_STATE'>: file:"
                + " /usr/lib/python3.11/xmlrpc/client.py line: 668";

        SupervisorctlOutput.StatusReply reply = SupervisorctlOutput.statusReply(1, output, output);

        assertThat(reply.kind()).isEqualTo(SupervisorctlOutput.Reply.SHUTTING_DOWN);
        assertThat(reply.daemonState(true)).isEqualTo(DaemonState.SHUTTING_DOWN);
    }

    @Test
    void aSocketNobodyListensOnIsHungOnlyWhileTheDaemonsProcessRuns() {
        for (String output : List.of("unix:///tmp/testbed-ana-1234abcd/supervisor.sock no such file",
                "unix:///tmp/testbed-ana-1234abcd/supervisor.sock refused connection")) {
            SupervisorctlOutput.StatusReply reply = SupervisorctlOutput.statusReply(4, output, output);

            assertThat(reply.kind()).as(output).isEqualTo(SupervisorctlOutput.Reply.NOT_LISTENING);
            assertThat(reply.daemonState(false)).as(output).isEqualTo(DaemonState.NOT_RUNNING);
            assertThat(reply.daemonState(true)).as(output).isEqualTo(DaemonState.HUNG);
        }
    }

    @Test
    void anUnexpectedFailureOrNoAnswerInTimeIsHungNotGone() {
        String output = "error: <class 'ConnectionResetError'>, [Errno 104] Connection reset by peer: file: x line: 706";
        SupervisorctlOutput.StatusReply failed = SupervisorctlOutput.statusReply(2, "", output);
        SupervisorctlOutput.StatusReply silent = SupervisorctlOutput.noAnswerWithin(Duration.ofSeconds(10));

        assertThat(failed.kind()).isEqualTo(SupervisorctlOutput.Reply.NO_ANSWER);
        assertThat(failed.detail()).isEqualTo("'supervisorctl status' failed with exit code 2 (" + output + ")");
        assertThat(failed.daemonState(false)).isEqualTo(DaemonState.HUNG);
        assertThat(silent.detail()).isEqualTo("'supervisorctl status' got no answer within 10 s");
        assertThat(silent.programs()).isEmpty();
        assertThat(silent.daemonState(true)).isEqualTo(DaemonState.HUNG);
    }
}
