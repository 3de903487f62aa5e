package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.TestbedException;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProcessSupervisorContract;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramState;

/** The supervisord adapter passes the port's contract against a real supervisord in a private home. */
class SupervisordProcessSupervisorIT extends ProcessSupervisorContract {

    private SupervisorLayout layout;

    @Override
    protected ProcessSupervisor createSupervisor(Path home) {
        layout = SupervisorLayout.forHome(home);
        return new SupervisordProcessSupervisor(layout);
    }

    @Override
    protected ProgramSpec longRunning(String name, ProgramRole role) {
        return new ProgramSpec(name, role, List.of("/bin/sleep", "600"), home(), Map.of(), 1, false);
    }

    @Override
    protected ProgramSpec exitsAtOnce(String name) {
        return new ProgramSpec(name, ProgramRole.AGENT, List.of("/bin/sh", "-c", "echo boom; exit 3"), home(),
                Map.of(), 1, false);
    }

    @Override
    protected void hangDaemon(ProcessSupervisor supervisor) {
        SupervisordTestSupport.stopDaemon(layout);
    }

    @Override
    protected void dispose(ProcessSupervisor supervisor) {
        SupervisordTestSupport.destroyEverything(layout);
    }

    @Test
    void failedStartSaysWhatSupervisordSaidAndCarriesTheProgramsOutput() {
        supervisor().restart(List.of(exitsAtOnce("crashy")), Map.of());

        assertThatThrownBy(() -> supervisor().start(List.of("crashy")))
                .isInstanceOf(TestbedException.class)
                .hasMessageStartingWith("Program 'crashy' failed to start: ")
                .hasMessageContaining("Log: " + layout.logDir().resolve("crashy.log"))
                .satisfies(e -> assertThat(((TestbedException) e).logTail()).contains("boom"));
        // Usually "spawn error" and BACKOFF/FATAL; when supervisord's 1 s loop tick passes startsecs before it
        // reaps the child, it is "abnormal termination" and EXITED. Either way nothing runs.
        assertThat(supervisor().observe().programs()).singleElement()
                .satisfies(p -> assertThat(p.state()).as(p.toString())
                        .isIn(ProgramState.BACKOFF, ProgramState.FATAL, ProgramState.EXITED));
    }

    @Test
    void stopAllKeepsTheDaemonRunning() {
        supervisor().restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of());
        supervisor().start(List.of("alpha"));

        supervisor().stopAll();

        assertThat(supervisor().observe().daemonRunning()).isTrue();
        assertThat(SupervisordTestSupport.daemons(layout)).hasSize(1);
        assertThat(SupervisordTestSupport.marked(layout)).isEmpty();
    }
}
