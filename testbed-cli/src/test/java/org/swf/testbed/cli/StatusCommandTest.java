package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static TestbedStatus status(String daemon, ProgramReport... programs) {
        return new TestbedStatus("RUNNING", "RUNNING".equals(daemon), "testbed.toml", "alice", null, null, null,
                List.of(programs), null, null, List.of(), daemon);
    }

    private static ProgramReport program(boolean failing) {
        return new ProgramReport(failing ? "crasher" : "data-agent", failing ? "FATAL" : "RUNNING", failing ? 0 : 42,
                failing ? 0 : 10, "", failing, null, null, List.of());
    }
}
