package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.TestbedException;

/**
 * The behaviour every {@link ProcessSupervisor} must have, run against the in-memory fake and
 * against the real supervisord adapter (DESIGN 5.7).
 *
 * <p>Each test gets a fresh supervisor in a private temporary home; subclasses say how to make
 * one and what a long-running and an immediately exiting program look like for it, and release
 * what the supervisor started in {@link #dispose}.
 */
public abstract class ProcessSupervisorContract {

    private ProcessSupervisor supervisor;
    private Path home;

    /**
     * @param home a private, empty directory for this test
     * @return a supervisor that has never been restarted
     */
    protected abstract ProcessSupervisor createSupervisor(Path home);

    /**
     * @param name the program name
     * @param role its role
     * @return a program that runs until it is stopped
     */
    protected abstract ProgramSpec longRunning(String name, ProgramRole role);

    /**
     * @param name the program name
     * @return a program that prints something and exits at once with a non-zero code
     */
    protected abstract ProgramSpec exitsAtOnce(String name);

    /**
     * Makes the supervisor's daemon stop answering while its programs keep running, as
     * {@code kill -STOP} on supervisord does.
     *
     * @param supervisor the supervisor of the test, after a restart
     */
    protected abstract void hangDaemon(ProcessSupervisor supervisor);

    /**
     * Releases everything the supervisor started (daemon, programs, orphans). Called after each
     * test, also a failed one.
     *
     * @param supervisor the supervisor of the test
     */
    protected void dispose(ProcessSupervisor supervisor) {
    }

    /** @return the supervisor of the current test */
    protected final ProcessSupervisor supervisor() {
        return supervisor;
    }

    /** @return the private home of the current test */
    protected final Path home() {
        return home;
    }

    @BeforeEach
    void createContractSupervisor(@TempDir Path tempDir) {
        home = tempDir;
        supervisor = createSupervisor(tempDir);
    }

    @AfterEach
    void disposeContractSupervisor() {
        if (supervisor != null) {
            dispose(supervisor);
        }
    }

    @Test
    void observeBeforeAnyRestartShowsNothingActive() {
        SupervisorSnapshot snapshot = supervisor.observe();

        assertThat(snapshot.active()).isEmpty();
        assertThat(snapshot.daemonRunning()).isFalse();
    }

    @Test
    void restartKnowsEveryProgramButStartsNone() {
        supervisor.restart(List.of(longRunning("runner", ProgramRole.RUNNER), longRunning("alpha", ProgramRole.AGENT)),
                Map.of("CONTRACT_VARIABLE", "value"));

        SupervisorSnapshot snapshot = supervisor.observe();

        assertThat(snapshot.daemonRunning()).isTrue();
        assertThat(snapshot.programs()).extracting(ProgramStatus::name).containsExactlyInAnyOrder("runner", "alpha");
        assertThat(snapshot.active()).isEmpty();
    }

    @Test
    void startedProgramsAreObservedRunningWithTheirPid() {
        supervisor.restart(List.of(longRunning("runner", ProgramRole.RUNNER), longRunning("alpha", ProgramRole.AGENT),
                longRunning("beta", ProgramRole.AGENT)), Map.of());

        supervisor.start(List.of("runner"));
        supervisor.start(List.of("alpha", "beta"));

        SupervisorSnapshot snapshot = supervisor.observe();
        assertThat(snapshot.daemonRunning()).isTrue();
        assertThat(snapshot.programs()).hasSize(3).allSatisfy(program -> {
            assertThat(program.state()).as(program.name()).isEqualTo(ProgramState.RUNNING);
            assertThat(program.pid()).as(program.name()).isPositive();
        });
        assertThat(snapshot.programs()).extracting(ProgramStatus::pid).doesNotHaveDuplicates();
    }

    @Test
    void startingARunningProgramAgainKeepsItsProcess() {
        supervisor.restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of());
        supervisor.start(List.of("alpha"));
        long pid = pidOf("alpha");

        supervisor.start(List.of("alpha"));

        assertThat(pidOf("alpha")).isEqualTo(pid);
    }

    @Test
    void stopAllStopsEveryProgramAndNamesThem() {
        supervisor.restart(List.of(longRunning("runner", ProgramRole.RUNNER), longRunning("alpha", ProgramRole.AGENT),
                longRunning("idle", ProgramRole.AGENT)), Map.of());
        supervisor.start(List.of("runner", "alpha"));

        List<String> stopped = supervisor.stopAll();

        assertThat(stopped).containsExactlyInAnyOrder("runner", "alpha");
        SupervisorSnapshot snapshot = supervisor.observe();
        assertThat(snapshot.active()).isEmpty();
        assertThat(snapshot.programs()).hasSize(3)
                .allSatisfy(program -> assertThat(program.state()).as(program.name()).isEqualTo(ProgramState.STOPPED));
    }

    @Test
    void stopAllWithNothingRunningStopsNothing() {
        supervisor.restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of());

        assertThat(supervisor.stopAll()).isEmpty();
    }

    @Test
    void removingStaleFilesLeavesARunningSupervisorAndItsProgramsAlone() {
        supervisor.removeStaleFiles();
        supervisor.restart(List.of(longRunning("runner", ProgramRole.RUNNER)), Map.of());
        supervisor.start(List.of("runner"));

        supervisor.removeStaleFiles();

        SupervisorSnapshot snapshot = supervisor.observe();
        assertThat(snapshot.daemonRunning()).isTrue();
        assertThat(snapshot.active()).extracting(ProgramStatus::name).containsExactly("runner");
        assertThat(supervisor.stopAll()).containsExactly("runner");
        supervisor.removeStaleFiles();
        supervisor.start(List.of("runner"));
        assertThat(supervisor.observe().active()).extracting(ProgramStatus::name).containsExactly("runner");
    }

    @Test
    void stopAllBeforeAnyRestartStopsNothing() {
        assertThat(supervisor.stopAll()).isEmpty();
    }

    @Test
    void stopAllEndsEveryProgramAndTheDaemonWhenTheDaemonDoesNotAnswer() {
        supervisor.restart(List.of(longRunning("runner", ProgramRole.RUNNER), longRunning("alpha", ProgramRole.AGENT),
                longRunning("idle", ProgramRole.AGENT)), Map.of());
        supervisor.start(List.of("runner", "alpha"));
        hangDaemon(supervisor);

        SupervisorSnapshot hung = supervisor.observe();
        assertThat(hung.daemon()).isEqualTo(DaemonState.HUNG);
        assertThat(hung.daemonRunning()).isFalse();
        assertThat(hung.daemonPid()).isPositive();
        assertThat(hung.daemonDetail()).isNotEmpty();
        assertThat(hung.active()).extracting(ProgramStatus::name).containsExactlyInAnyOrder("runner", "alpha");

        assertThat(supervisor.stopAll()).containsExactlyInAnyOrder("runner", "alpha");

        SupervisorSnapshot after = supervisor.observe();
        assertThat(after.active()).isEmpty();
        assertThat(after.daemon()).isEqualTo(DaemonState.NOT_RUNNING);
        supervisor.restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of());
        supervisor.start(List.of("alpha"));
        assertThat(supervisor.observe().daemon()).isEqualTo(DaemonState.RUNNING);
    }

    @Test
    void programThatExitsAtOnceFailsNamingItselfWithItsLog() {
        supervisor.restart(List.of(exitsAtOnce("crashy"), longRunning("alpha", ProgramRole.AGENT)), Map.of());

        assertThatThrownBy(() -> supervisor.start(List.of("crashy")))
                .isInstanceOf(TestbedException.class)
                .hasMessageContaining("crashy")
                .satisfies(e -> assertThat(((TestbedException) e).logTail()).isNotEmpty());
        assertThat(supervisor.logTail("crashy", 20)).isNotEmpty();
    }

    @Test
    void startingAnUnknownProgramFailsNamingIt() {
        supervisor.restart(List.of(longRunning("alpha", ProgramRole.AGENT)), Map.of());

        assertThatThrownBy(() -> supervisor.start(List.of("nonesuch")))
                .isInstanceOf(TestbedException.class)
                .hasMessageContaining("nonesuch");
    }

    @Test
    void secondRestartReplacesTheProgramSet() {
        supervisor.restart(List.of(longRunning("first", ProgramRole.AGENT)), Map.of());

        supervisor.restart(List.of(longRunning("second", ProgramRole.AGENT)), Map.of());

        SupervisorSnapshot snapshot = supervisor.observe();
        assertThat(snapshot.daemonRunning()).isTrue();
        assertThat(snapshot.programs()).extracting(ProgramStatus::name).containsExactly("second");
    }

    @Test
    void programWithoutLogHasAnEmptyTailAndANamedLogFile() {
        assertThat(supervisor.logTail("never-ran", 10)).isEmpty();
        assertThat(supervisor.logFile("never-ran").getFileName().toString()).contains("never-ran");
    }

    private long pidOf(String name) {
        return supervisor.observe().programs().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(ProgramStatus::pid).orElseThrow();
    }
}
