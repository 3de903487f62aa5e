package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.SupervisorSnapshot;

/** What the adapter does without running supervisord. */
class SupervisordProcessSupervisorTest {

    @TempDir
    Path home;

    @Test
    void missingBinariesAreReportedWithTheInstallCommand() {
        SupervisordProcessSupervisor supervisor =
                new SupervisordProcessSupervisor(SupervisorLayout.forHome(home).withBinDir(home));

        assertThatThrownBy(supervisor::requireInstalled).isInstanceOf(ServiceUnavailableException.class)
                .hasMessageStartingWith("supervisord is not installed (not found in " + home + ")")
                .hasMessageContaining("apt-get install -y supervisor (Debian/Ubuntu) or pip install supervisor");
    }

    @Test
    void restartRefusesBadInputBeforeTouchingAnything() {
        SupervisordProcessSupervisor supervisor = new SupervisordProcessSupervisor(SupervisorLayout.forHome(home));
        ProgramSpec bad = new ProgramSpec("p", ProgramRole.AGENT, List.of("/bin/true"), home, Map.of("K", "\"x\""),
                1, false);

        assertThatThrownBy(() -> supervisor.restart(List.of(bad), Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.exists(supervisor.layout().confFile())).isFalse();
    }

    @Test
    void withoutAConfigurationNothingIsObservedAndNothingIsStarted() {
        SupervisordProcessSupervisor supervisor = new SupervisordProcessSupervisor(SupervisorLayout.forHome(home));

        SupervisorSnapshot snapshot = supervisor.observe();

        assertThat(snapshot.daemonRunning()).isFalse();
        assertThat(snapshot.programs()).isEmpty();
        assertThatThrownBy(() -> supervisor.start(List.of("a"))).isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("testbed run");
    }

    @Test
    void logFileIsTheProgramsFileInTheLogDirectoryAndNamesCannotEscapeIt() {
        SupervisordProcessSupervisor supervisor = new SupervisordProcessSupervisor(SupervisorLayout.forHome(home));

        assertThat(supervisor.logFile("agent-data")).isEqualTo(home.resolve("logs/agent-data.log"));
        assertThatThrownBy(() -> supervisor.logFile("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThat(supervisor.logTail("agent-data", 5)).isEmpty();
    }

    @Test
    void orphansEndInStopOrderWithUnknownProgramsFirst() {
        ProcFs.MarkedProcess broker = new ProcFs.MarkedProcess(10, 1, "broker");
        ProcFs.MarkedProcess runner = new ProcFs.MarkedProcess(11, 1, "workflow-runner");
        ProcFs.MarkedProcess agent = new ProcFs.MarkedProcess(12, 1, "data-agent");
        ProcFs.MarkedProcess old = new ProcFs.MarkedProcess(13, 1, "renamed-agent");
        List<Set<String>> order = List.of(Set.of("data-agent", "fastmon-agent"), Set.of("workflow-runner"),
                Set.of("broker"));

        assertThat(SupervisordProcessSupervisor.inStopOrder(List.of(broker, runner, agent, old), order))
                .containsExactly(List.of(old), List.of(agent), List.of(runner), List.of(broker));
        assertThat(SupervisordProcessSupervisor.inStopOrder(List.of(broker, runner), List.of()))
                .containsExactly(List.of(broker, runner));
    }
}
