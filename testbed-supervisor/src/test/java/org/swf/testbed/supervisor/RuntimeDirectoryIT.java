package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

/**
 * The runtime directory in /tmp lives as long as its supervisord: kept while the daemon runs,
 * removed once it has exited (shut down cleanly, or killed), made fresh by the next start.
 */
class RuntimeDirectoryIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private SupervisorLayout layout;
    private SupervisordProcessSupervisor supervisor;

    @BeforeEach
    void createSupervisor() {
        layout = SupervisorLayout.forHome(home);
        supervisor = new SupervisordProcessSupervisor(layout);
    }

    @AfterEach
    void destroyEverything() {
        SupervisordTestSupport.destroyEverything(layout);
    }

    @Test
    void keptWhileSupervisordRunsAndRemovedOnceItHasShutDown() throws Exception {
        supervisor.restart(List.of(sleeper("a1")), Map.of());
        supervisor.start(List.of("a1"));

        supervisor.removeStaleFiles();
        assertThat(layout.socket()).exists();
        supervisor.stopAll();
        supervisor.removeStaleFiles();
        assertThat(supervisor.observe().daemonRunning()).isTrue();

        List<Long> daemons = SupervisordTestSupport.daemons(layout);
        Process shutdown = new ProcessBuilder("supervisorctl", "-c", layout.confFile().toString(), "shutdown")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(shutdown.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(EXIT).until(() -> daemons.stream().noneMatch(ProcFs::isRunning));

        supervisor.removeStaleFiles();

        assertThat(Files.exists(layout.runtimeDir(), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(supervisor.observe().daemonRunning()).isFalse();
        assertThat(layout.confFile()).exists();
        assertThat(layout.logDir()).isDirectory();

        // The next start makes it again.
        supervisor.restart(List.of(sleeper("a1")), Map.of());
        supervisor.start(List.of("a1"));
        assertThat(supervisor.observe().daemonRunning()).isTrue();
    }

    @Test
    void aKilledSupervisordsDirectoryGoesWithTheStopOfItsOrphans() {
        supervisor.restart(List.of(sleeper("a1")), Map.of());
        supervisor.start(List.of("a1"));
        long daemon = SupervisordTestSupport.pidFromFile(layout);
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly(); // kill -9: socket and pidfile stay
        await().atMost(EXIT).until(() -> !ProcFs.isRunning(daemon));
        assertThat(layout.socket()).exists();

        assertThat(supervisor.stopAll()).containsExactly("a1");
        supervisor.removeStaleFiles();

        assertThat(Files.exists(layout.runtimeDir(), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(SupervisordTestSupport.marked(layout)).isEmpty();
    }

    @Test
    void aStaleDirectoryIsMadeFreshByTheNextStart() throws IOException {
        supervisor.restart(List.of(sleeper("a1")), Map.of());
        long daemon = SupervisordTestSupport.pidFromFile(layout);
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await().atMost(EXIT).until(() -> !ProcFs.isRunning(daemon));
        Files.writeString(layout.pidFile(), "999999999\n");

        supervisor.restart(List.of(sleeper("a1")), Map.of());

        long fresh = SupervisordTestSupport.pidFromFile(layout);
        assertThat(fresh).isNotEqualTo(daemon);
        assertThat(SupervisordTestSupport.daemons(layout)).containsExactly(fresh);
    }

    @Test
    void aDirectoryWithFilesSupervisordDidNotMakeIsLeftInPlace() throws IOException {
        supervisor.restart(List.of(sleeper("a1")), Map.of());
        long daemon = SupervisordTestSupport.pidFromFile(layout);
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await().atMost(EXIT).until(() -> !ProcFs.isRunning(daemon));
        Path foreign = Files.writeString(layout.runtimeDir().resolve("keep.txt"), "not supervisord's\n");

        supervisor.removeStaleFiles();

        assertThat(foreign).exists();
    }

    private ProgramSpec sleeper(String name) {
        return new ProgramSpec(name, ProgramRole.AGENT, List.of("/bin/sleep", "600"), home, Map.of(), 1, false);
    }
}
