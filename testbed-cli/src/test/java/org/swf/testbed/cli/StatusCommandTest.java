package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.status.TestbedStatus;

/** What {@code testbed status} prints and exits with: scripts branch on its exit status, as supervisorctl's. */
class StatusCommandTest {

    @Test
    void runningProgramsOrNoneAreZero() {
        assertThat(StatusCommand.exitCode(status("RUNNING", program(false)))).isZero();
        assertThat(StatusCommand.exitCode(status("NOT_RUNNING"))).isZero();
    }

    @Test
    void aFailingProgramIsThree() {
        assertThat(StatusCommand.exitCode(status("RUNNING", program(false), program(true))))
                .isEqualTo(StatusCommand.PROGRAM_FAILING).isEqualTo(3);
        // Orphaned programs (supervisord gone) are failing too.
        assertThat(StatusCommand.exitCode(status("NOT_RUNNING", program(true)))).isEqualTo(3);
    }

    @Test
    void aSupervisordThatDoesNotAnswerIsFourWhateverItsProgramsLookLike() {
        assertThat(StatusCommand.exitCode(status("HUNG", program(false)))).isEqualTo(ExitCode.UNAVAILABLE.code)
                .isEqualTo(4);
        assertThat(StatusCommand.exitCode(status("HUNG", program(true)))).isEqualTo(4);
    }

    @Test
    void messageCountsReadAsPeopleWriteThemNotAsJavaMaps() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        assertThat(StatusCommand.messageCounts(counts)).isEqualTo("none yet");
        counts.put("run_imminent", 1);
        counts.put("stf_gen", 4);
        assertThat(StatusCommand.messageCounts(counts)).isEqualTo("run_imminent 1, stf_gen 4");
    }

    @Test
    void anAgentThatRunsAsSeveralCopiesGetsARowWithItsCopiesIndentedBelow() {
        StringWriter text = new StringWriter();
        StatusCommand.print(new PrintWriter(text), status("RUNNING",
                new ProgramReport("workflow-runner", "RUNNING", 40, 10, "", false, "READY", 1L, List.of(), null, null),
                new ProgramReport("data-agent", "RUNNING", 41, 10, "", false, "READY", 1L, List.of(), "data", null),
                new ProgramReport("worker-agent", "RUNNING", 42, 10, "", false, "PROCESSING", 1L, List.of(), "worker",
                        null),
                new ProgramReport("worker-agent-2", "RUNNING", 43, 10, "", false, "READY", 1L, List.of(), "worker",
                        null),
                new ProgramReport("worker-agent-3", "STARTING", 44, 1, "", false, null, null, List.of(), "worker",
                        null)));

        List<String> lines = text.toString().lines().toList();
        int header = lines.indexOf(lines.stream().filter(line -> line.startsWith("PROGRAM")).findFirst().orElseThrow());
        assertThat(lines.subList(header + 1, header + 7)).satisfiesExactly(
                line -> assertThat(line).startsWith("workflow-runner "),
                line -> assertThat(line).startsWith("data-agent "),
                line -> assertThat(line).startsWith("worker (3 copies) ").contains("2 RUNNING, 1 STARTING")
                        .contains("1 -, 1 PROCESSING, 1 READY"),
                line -> assertThat(line).startsWith("  worker-agent ").contains("42"),
                line -> assertThat(line).startsWith("  worker-agent-2 ").contains("43"),
                line -> assertThat(line).startsWith("  worker-agent-3 ").contains("STARTING"));
    }

    private static TestbedStatus status(String daemon, ProgramReport... programs) {
        return new TestbedStatus("RUNNING", "RUNNING".equals(daemon), "testbed.toml", "alice", null, null, null,
                List.of(programs), null, null, List.of(), daemon);
    }

    private static ProgramReport program(boolean failing) {
        return new ProgramReport(failing ? "crasher" : "data-agent", failing ? "FATAL" : "RUNNING", failing ? 0 : 42,
                failing ? 0 : 10, "", failing, null, null, List.of());
    }
}
