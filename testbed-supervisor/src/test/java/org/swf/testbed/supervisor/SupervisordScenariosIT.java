package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;

/** supervisord situations beyond the port contract: grouping, replacement, SIGKILL, privacy, quoting. */
class SupervisordScenariosIT {

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
    void allAgentsStartTogetherInTheirGroupAlongsideTheRunner() {
        int startSeconds = 6;
        List<ProgramSpec> programs = List.of(sleeper("runner", ProgramRole.RUNNER, startSeconds),
                sleeper("a1", ProgramRole.AGENT, startSeconds), sleeper("a2", ProgramRole.AGENT, startSeconds),
                sleeper("a3", ProgramRole.AGENT, startSeconds));
        supervisor.restart(programs, Map.of());

        supervisor.start(List.of("runner", "a1", "a2", "a3"));

        Map<String, ProgramStatus> observed = byName(supervisor.observe());
        assertThat(observed.values()).hasSize(4)
                .allSatisfy(p -> assertThat(p.state()).as(p.name()).isEqualTo(ProgramState.RUNNING));
        // One-by-one starts would space the spawns by startsecs at least; together they spawn at
        // once. startsecs is long, so that a busy machine cannot spread spawns that far.
        List<Instant> spawned = observed.values().stream()
                .map(p -> ProcessHandle.of(p.pid()).orElseThrow().info().startInstant().orElseThrow()).toList();
        Duration spread = Duration.between(spawned.stream().min(Instant::compareTo).orElseThrow(),
                spawned.stream().max(Instant::compareTo).orElseThrow());
        assertThat(spread).isLessThan(Duration.ofSeconds(startSeconds));
        assertThat(SupervisordTestSupport.copiesPerProgram(layout))
                .containsExactlyInAnyOrderEntriesOf(Map.of("runner", 1L, "a1", 1L, "a2", 1L, "a3", 1L));
    }

    @Test
    void someAgentsStartByTheirGroupedName() {
        supervisor.restart(List.of(sleeper("a1", ProgramRole.AGENT, 1), sleeper("a2", ProgramRole.AGENT, 1)), Map.of());

        supervisor.start(List.of("a2"));

        Map<String, ProgramStatus> observed = byName(supervisor.observe());
        assertThat(observed.get("a1").state()).isEqualTo(ProgramState.STOPPED);
        assertThat(observed.get("a2").state()).isEqualTo(ProgramState.RUNNING);
    }

    @Test
    void secondRestartReplacesTheDaemon() throws IOException {
        supervisor.restart(List.of(sleeper("a1", ProgramRole.AGENT, 1)), Map.of());
        long first = SupervisordTestSupport.pidFromFile(layout);

        supervisor.restart(List.of(sleeper("a1", ProgramRole.AGENT, 1)), Map.of("GENERATION", "2"));

        long second = SupervisordTestSupport.pidFromFile(layout);
        assertThat(second).isNotEqualTo(first);
        assertThat(ProcFs.isRunning(first)).isFalse();
        assertThat(SupervisordTestSupport.daemons(layout)).containsExactly(second);
        assertThat(supervisor.observe().daemonRunning()).isTrue();
        assertThat(environmentOf(second)).containsEntry("GENERATION", "2");
    }

    @Test
    void anUpdateLeavesAnUnchangedRunningProgramAloneAndGivesNewOnesTheirEnvironment() throws IOException {
        ProgramSpec broker = sleeper("broker", ProgramRole.BROKER, 1);
        supervisor.restart(List.of(broker), Map.of("DAEMON_LEVEL", "first"));
        supervisor.start(List.of("broker"));
        long daemon = SupervisordTestSupport.pidFromFile(layout);
        long brokerPid = byName(supervisor.observe()).get("broker").pid();

        supervisor.update(List.of(broker, new ProgramSpec("runner", ProgramRole.RUNNER, List.of("/bin/sleep", "600"),
                home, Map.of("CONFIG", "second"), 1, false), sleeper("a1", ProgramRole.AGENT, 1)));
        supervisor.start(List.of("runner", "a1"));

        Map<String, ProgramStatus> observed = byName(supervisor.observe());
        assertThat(SupervisordTestSupport.pidFromFile(layout)).as("the same supervisord").isEqualTo(daemon);
        assertThat(observed.get("broker").pid()).as("the broker, untouched").isEqualTo(brokerPid);
        assertThat(observed.get("runner").state()).isEqualTo(ProgramState.RUNNING);
        assertThat(observed.get("a1").state()).isEqualTo(ProgramState.RUNNING);
        assertThat(environmentOf(observed.get("runner").pid())).containsEntry("CONFIG", "second")
                .containsEntry("DAEMON_LEVEL", "first");

        assertThat(supervisor.stop(List.of("runner", "a1"))).containsExactlyInAnyOrder("runner", "a1");

        observed = byName(supervisor.observe());
        assertThat(observed.get("broker").state()).isEqualTo(ProgramState.RUNNING);
        assertThat(observed.get("broker").pid()).isEqualTo(brokerPid);
        assertThat(observed.get("runner").state()).isEqualTo(ProgramState.STOPPED);
        assertThat(observed.get("a1").state()).isEqualTo(ProgramState.STOPPED);
        assertThat(SupervisordTestSupport.copiesPerProgram(layout)).containsExactlyEntriesOf(Map.of("broker", 1L));

        // A later update without a program forgets it, and still leaves the broker alone.
        supervisor.update(List.of(broker, sleeper("a2", ProgramRole.AGENT, 1)));
        observed = byName(supervisor.observe());
        assertThat(observed.keySet()).containsExactlyInAnyOrder("broker", "a2");
        assertThat(observed.get("broker").pid()).isEqualTo(brokerPid);
    }

    @Test
    void programsOfAKilledDaemonAreReportedOrphanedStoppedAndNeverDuplicated() {
        List<ProgramSpec> programs = List.of(sleeper("plain", ProgramRole.AGENT, 1),
                new ProgramSpec("wrapped", ProgramRole.AGENT, List.of("/bin/sh", "-c", "/bin/sleep 600; echo done"),
                        home, Map.of(), 1, false));
        supervisor.restart(programs, Map.of());
        supervisor.start(List.of("plain", "wrapped"));
        Map<String, ProgramStatus> before = byName(supervisor.observe());
        List<Long> processes = SupervisordTestSupport.marked(layout).stream().map(ProcFs.MarkedProcess::pid).toList();
        assertThat(processes).hasSize(3); // plain, the wrapper shell and its sleep

        long daemon = SupervisordTestSupport.pidFromFile(layout);
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly(); // kill -9
        await().atMost(Duration.ofSeconds(10)).until(() -> !ProcFs.isRunning(daemon));

        SupervisorSnapshot orphaned = supervisor.observe();
        assertThat(orphaned.daemonRunning()).isFalse();
        assertThat(orphaned.programs()).extracting(ProgramStatus::name, ProgramStatus::state, ProgramStatus::pid)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("plain", ProgramState.ORPHANED, before.get("plain").pid()),
                        org.assertj.core.groups.Tuple.tuple("wrapped", ProgramState.ORPHANED,
                                before.get("wrapped").pid()));

        assertThat(supervisor.stopAll()).containsExactlyInAnyOrder("plain", "wrapped");

        assertThat(processes).noneMatch(ProcFs::isRunning);
        assertThat(supervisor.observe().active()).isEmpty();

        supervisor.restart(programs, Map.of());
        supervisor.start(List.of("plain", "wrapped"));

        assertThat(SupervisordTestSupport.copiesPerProgram(layout))
                .containsExactlyInAnyOrderEntriesOf(Map.of("plain", 1L, "wrapped", 1L));
        assertThat(supervisor.observe().programs())
                .allSatisfy(p -> assertThat(p.state()).as(p.name()).isEqualTo(ProgramState.RUNNING));
    }

    @Test
    void orphansStayVisibleWhenANewDaemonRuns() {
        supervisor.restart(List.of(sleeper("plain", ProgramRole.AGENT, 1)), Map.of());
        supervisor.start(List.of("plain"));
        long orphanPid = byName(supervisor.observe()).get("plain").pid();
        long daemon = SupervisordTestSupport.pidFromFile(layout);
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !ProcFs.isRunning(daemon));

        supervisor.restart(List.of(sleeper("plain", ProgramRole.AGENT, 1)), Map.of());

        SupervisorSnapshot snapshot = supervisor.observe();
        assertThat(snapshot.daemonRunning()).isTrue();
        assertThat(snapshot.active()).singleElement().satisfies(p -> {
            assertThat(p.state()).isEqualTo(ProgramState.ORPHANED);
            assertThat(p.pid()).isEqualTo(orphanPid);
        });
        assertThat(supervisor.stopAll()).containsExactly("plain");
        assertThat(ProcFs.isRunning(orphanPid)).isFalse();
    }

    @Test
    void runtimeDirectoryAndSocketArePrivate() throws IOException {
        supervisor.restart(List.of(sleeper("a1", ProgramRole.AGENT, 1)), Map.of());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.runtimeDir(),
                LinkOption.NOFOLLOW_LINKS))).isEqualTo("rwx------");
        assertThat(Files.getAttribute(layout.runtimeDir(), "unix:uid"))
                .isEqualTo(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.socket())))
                .isEqualTo("rwx------");
    }

    @Test
    void argumentsAndEnvironmentReachTheChildExactly() throws IOException {
        List<String> arguments = List.of("a b", "%(x)s", "q\"q", "it's", "", "  padded  ", "100%", "%(here)s",
                "$HOME", "`id`", "a\\b", "trail\\", "c,d", "k=v", "x ;y", "x #y", "#z", "é ✓ 日本");
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("WITH_COMMA", "a,b,c");
        environment.put("WITH_BACKSLASH", "back\\slash\\");
        environment.put("WITH_PERCENT", "100% %(ENV_HOME)s");
        environment.put("WITH_DOUBLE_QUOTE", "say \"hi\" now");
        environment.put("WITH_SINGLE_QUOTE", "it's");
        environment.put("WITH_EQUALS", "x=y=z");
        environment.put("EMPTY", "");
        Path out = home.resolve("argv.out");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "printf \"%s\\n\" \"$@\" > \"$OUT_FILE\"; exec /bin/sleep 600", "sh"));
        command.addAll(arguments);
        Map<String, String> programEnvironment = new LinkedHashMap<>(environment);
        programEnvironment.put("OUT_FILE", out.toString());
        supervisor.restart(List.of(new ProgramSpec("echo", ProgramRole.RUNNER, command, home, programEnvironment, 1,
                false)), Map.of("DAEMON_LEVEL", "from restart"));

        supervisor.start(List.of("echo"));

        List<String> expected = arguments;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.exists(out)
                ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of()).containsExactlyElementsOf(expected));
        long pid = byName(supervisor.observe()).get("echo").pid();
        assertThat(environmentOf(pid)).containsAllEntriesOf(environment)
                .containsEntry("DAEMON_LEVEL", "from restart")
                .containsEntry(SupervisordConfWriter.CONF_MARKER, layout.confFile().toString())
                .containsEntry(SupervisordConfWriter.PROGRAM_MARKER, "echo");
    }

    @Test
    void aStoppedDaemonIsHungAndStopAllEndsItAndItsProgramsInStopOrder() throws IOException {
        Path order = home.resolve("term-order.txt");
        List<ProgramSpec> programs = List.of(recordsTerm("broker", ProgramRole.BROKER, order),
                recordsTerm("runner", ProgramRole.RUNNER, order), recordsTerm("a1", ProgramRole.AGENT, order),
                recordsTerm("a2", ProgramRole.AGENT, order));
        supervisor.restart(programs, Map.of());
        supervisor.start(List.of("broker", "runner", "a1", "a2"));
        List<Long> processes = SupervisordTestSupport.marked(layout).stream().map(ProcFs.MarkedProcess::pid).toList();
        long daemon = SupervisordTestSupport.stopDaemon(layout);

        SupervisorSnapshot hung = supervisor.observe();
        assertThat(hung.daemon()).isEqualTo(DaemonState.HUNG);
        assertThat(hung.daemonPid()).isEqualTo(daemon);
        assertThat(hung.daemonDetail()).contains("stopped").contains("kill -STOP");
        assertThat(hung.programs()).hasSize(4).allSatisfy(p -> {
            assertThat(p.state()).as(p.name()).isEqualTo(ProgramState.STOPPING);
            assertThat(p.detail()).as(p.name()).contains("(pid " + daemon + ") is not answering");
        });

        long started = System.nanoTime();
        List<String> stopped = supervisor.stopAll();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(stopped).containsExactlyInAnyOrder("broker", "runner", "a1", "a2");
        // Generous: bounded at all is the behaviour, which a hang on the stopped daemon would not be.
        assertThat(took).isLessThan(Duration.ofSeconds(90));
        assertThat(ProcFs.isRunning(daemon)).isFalse();
        assertThat(processes).noneMatch(ProcFs::isRunning);
        assertThat(SupervisordTestSupport.marked(layout)).isEmpty();
        // Agents first, then the runner, then the broker: each phase ended before the next got SIGTERM.
        List<String> terminated = Files.readAllLines(order, StandardCharsets.UTF_8);
        assertThat(terminated).hasSize(4);
        assertThat(terminated.subList(0, 2)).containsExactlyInAnyOrder("a1", "a2");
        assertThat(terminated.subList(2, 4)).containsExactly("runner", "broker");
        SupervisorSnapshot after = supervisor.observe();
        assertThat(after.daemon()).isEqualTo(DaemonState.NOT_RUNNING);
        assertThat(after.active()).isEmpty();
    }

    @Test
    void aProgramIgnoringSigtermUnderAStoppedDaemonIsKilledWithinTheStopBudget() {
        supervisor.restart(List.of(new ProgramSpec("stubborn", ProgramRole.AGENT, List.of("/bin/sh", "-c",
                "trap '' TERM; while true; do /bin/sleep 0.2; done"), home, Map.of(), 1, false)), Map.of());
        supervisor.start(List.of("stubborn"));
        long daemon = SupervisordTestSupport.stopDaemon(layout);

        long started = System.nanoTime();
        assertThat(supervisor.stopAll()).containsExactly("stubborn");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // SIGTERM gets supervisord's stopwaitsecs, then SIGKILL: bounded, well under a minute.
        assertThat(took).isLessThan(Duration.ofSeconds(2L * SupervisordConfWriter.STOP_WAIT_SECONDS + 60L));
        assertThat(ProcFs.isRunning(daemon)).isFalse();
        assertThat(SupervisordTestSupport.marked(layout)).isEmpty();
    }

    /** A program that appends its name to {@code order} when SIGTERM arrives, then exits. */
    private ProgramSpec recordsTerm(String name, ProgramRole role, Path order) {
        return new ProgramSpec(name, role, List.of("/bin/sh", "-c",
                "trap 'echo " + name + " >> \"$ORDER_FILE\"; exit 0' TERM; while true; do /bin/sleep 0.2; done"),
                home, Map.of("ORDER_FILE", order.toString()), 1, false);
    }

    private ProgramSpec sleeper(String name, ProgramRole role, int startSeconds) {
        return new ProgramSpec(name, role, List.of("/bin/sleep", "600"), home, Map.of(), startSeconds, false);
    }

    private static Map<String, ProgramStatus> byName(SupervisorSnapshot snapshot) {
        return snapshot.programs().stream().collect(Collectors.toMap(ProgramStatus::name, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
    }

    private static Map<String, String> environmentOf(long pid) throws IOException {
        String text = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                StandardCharsets.UTF_8);
        return Arrays.stream(text.split("\0")).filter(e -> e.indexOf('=') > 0)
                .collect(Collectors.toMap(e -> e.substring(0, e.indexOf('=')), e -> e.substring(e.indexOf('=') + 1),
                        (a, b) -> b));
    }
}
