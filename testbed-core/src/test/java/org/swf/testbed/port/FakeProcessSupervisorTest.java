package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.swf.testbed.ServiceUnavailableException;

/** The fake passes the same contract as the supervisord adapter, plus its own switches. */
class FakeProcessSupervisorTest extends ProcessSupervisorContract {

    private FakeProcessSupervisor fake;

    @Override
    protected ProcessSupervisor createSupervisor(Path home) {
        fake = new FakeProcessSupervisor(home.resolve("logs"));
        return fake;
    }

    @Override
    protected ProgramSpec longRunning(String name, ProgramRole role) {
        return new ProgramSpec(name, role, List.of("/bin/sleep", "600"), home(), Map.of(), 1, true);
    }

    @Override
    protected ProgramSpec exitsAtOnce(String name) {
        fake.failStartOf(name, "spawn error", List.of("boom"));
        return new ProgramSpec(name, ProgramRole.AGENT, List.of("/bin/sh", "-c", "echo boom; exit 3"), home(),
                Map.of(), 1, false);
    }

    @Override
    protected void hangDaemon(ProcessSupervisor supervisor) {
        fake.hangDaemon();
    }

    @Test
    void notInstalledFailsWithTheInstallCommand() {
        fake.setInstalled(false);

        assertThatThrownBy(fake::requireInstalled).isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("apt-get install -y supervisor");
    }

    @Test
    void killedDaemonLeavesOrphansThatStopAllEnds() {
        fake.restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of());
        fake.start(List.of("alpha"));

        fake.killDaemon();

        SupervisorSnapshot snapshot = fake.observe();
        assertThat(snapshot.daemonRunning()).isFalse();
        assertThat(snapshot.active()).singleElement()
                .satisfies(p -> assertThat(p.state()).isEqualTo(ProgramState.ORPHANED));
        assertThat(fake.stopAll()).containsExactly("alpha");
        assertThat(fake.observe().active()).isEmpty();
    }

    @Test
    void recordsWhatWasAsked() {
        fake.restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of("K", "v"));
        fake.start(List.of("alpha"));
        fake.stopAll();

        assertThat(fake.events()).containsExactly("restart alpha", "start alpha", "stopAll");
        assertThat(fake.lastEnvironment()).containsEntry("K", "v");
    }

    @Test
    void crashedProgramIsReportedFailing() {
        fake.restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of());
        fake.start(List.of("alpha"));

        fake.setState("alpha", ProgramState.BACKOFF, "Exited too quickly (process log may have details)");

        assertThat(fake.observe().programs()).singleElement()
                .satisfies(p -> assertThat(p.state().isFailing()).isTrue());
    }
}
