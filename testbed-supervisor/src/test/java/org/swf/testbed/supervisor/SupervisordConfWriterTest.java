package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.swf.testbed.lifecycle.ShutdownBudget;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;

class SupervisordConfWriterTest {

    private static final SupervisorLayout LAYOUT = SupervisorLayout.forHome(Path.of("/home/ana/testbed"));
    private static final SupervisordConfWriter WRITER = new SupervisordConfWriter(LAYOUT);
    private static final Path DIR = Path.of("/home/ana/testbed");

    static Stream<String> hostileArguments() {
        return Stream.of("plain", "a b", "", " ", "  two  spaces ", "q\"q", "'single'", "\"double\"", "%", "%%",
                "%(x)s", "%(here)s", "%(ENV_HOME)s", "$HOME", "${HOME}", "`id`", "a\\b", "\\", "\\\\", "trail\\",
                "\\\"", "c,d", "k=v", "x ;y", "x;y", "x #y", "#z", ";z", "[section]", "é ✓ 日本", "a\u00a0;b",
                "tab\u00a0", "=", ":", "a'b\"c", "*", "?", "~", "!", "&&", "|", ">", "<");
    }

    @ParameterizedTest
    @MethodSource("hostileArguments")
    void everyArgumentSurvivesSupervisordParsing(String argument) {
        List<String> command = List.of("/bin/echo", argument, "after");

        String text = WRITER.render(List.of(program("p", ProgramRole.AGENT, command, Map.of())));

        String raw = PythonConfigParsing.ini(text).get("program:p").get("command");
        assertThat(PythonConfigParsing.command(raw)).containsExactlyElementsOf(command);
    }

    @Test
    void allHostileArgumentsTogetherSurviveInOneCommand() {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "printf '%s\\n' \"$@\" > out", "sh"));
        hostileArguments().forEach(command::add);

        String text = WRITER.render(List.of(program("p", ProgramRole.RUNNER, command, Map.of())));

        String raw = PythonConfigParsing.ini(text).get("program:p").get("command");
        assertThat(PythonConfigParsing.command(raw)).containsExactlyElementsOf(command);
    }

    @Test
    void agentsStopBeforeTheRunnerAndTheRunnerBeforeTheBroker() {
        String text = WRITER.render(List.of(program("broker", ProgramRole.BROKER, List.of("/bin/true"), Map.of()),
                program("runner", ProgramRole.RUNNER, List.of("/bin/true"), Map.of()),
                program("agent", ProgramRole.AGENT, List.of("/bin/true"), Map.of())));

        Map<String, Map<String, String>> ini = PythonConfigParsing.ini(text);
        // supervisord's shutdown stops the highest priority (number) first, groups by their own
        // priority, and waits for each group before the next; it starts the lowest first.
        assertThat(Integer.parseInt(ini.get("group:agents").get("priority")))
                .isEqualTo(Integer.parseInt(ini.get("program:agent").get("priority")))
                .isGreaterThan(Integer.parseInt(ini.get("program:runner").get("priority")));
        assertThat(Integer.parseInt(ini.get("program:runner").get("priority")))
                .isGreaterThan(Integer.parseInt(ini.get("program:broker").get("priority")));
        // The broker has the lowest number: it starts first and stops last.
        assertThat(ini.values().stream().filter(section -> section.containsKey("priority"))
                .mapToInt(section -> Integer.parseInt(section.get("priority"))).min().orElseThrow())
                .isEqualTo(Integer.parseInt(ini.get("program:broker").get("priority")));
        // The adapter's own stop goes phase by phase in the same order.
        assertThat(ConfIndex.parse(text.lines().toList()).stopPhases())
                .containsExactly(List.of("agents:agent"), List.of("runner"), List.of("broker"));
    }

    @Test
    void everyProgramGetsTheSupervisorGraceAsStopWaitAndItsShutdownBudgetFitsWellInside() {
        String text = WRITER.render(List.of(program("broker", ProgramRole.BROKER, List.of("/bin/true"), Map.of()),
                program("runner", ProgramRole.RUNNER, List.of("/bin/true"), Map.of()),
                program("agent", ProgramRole.AGENT, List.of("/bin/true"), Map.of())));

        Map<String, Map<String, String>> ini = PythonConfigParsing.ini(text);
        for (String program : List.of("program:broker", "program:runner", "program:agent")) {
            assertThat(ini.get(program)).as(program)
                    .containsEntry("stopwaitsecs", Long.toString(ShutdownBudget.SUPERVISOR_GRACE.toSeconds()))
                    .containsEntry("stopsignal", "TERM");
        }
        // Well inside: a program that uses its whole budget still has a margin before SIGKILL.
        assertThat(ShutdownBudget.STANDARD.total().multipliedBy(3).dividedBy(2))
                .isLessThan(Duration.ofSeconds(SupervisordConfWriter.STOP_WAIT_SECONDS));
    }

    @Test
    void argumentsAreDoubleQuotedWithEscapes() {
        assertThat(SupervisordConfWriter.quoteArgument("a b")).isEqualTo("\"a b\"");
        assertThat(SupervisordConfWriter.quoteArgument("q\"q")).isEqualTo("\"q\\\"q\"");
        assertThat(SupervisordConfWriter.quoteArgument("a\\b")).isEqualTo("\"a\\\\b\"");
        assertThat(SupervisordConfWriter.quoteArgument("100%")).isEqualTo("\"100%%\"");
        assertThat(SupervisordConfWriter.quoteArgument("%(x)s")).isEqualTo("\"%%\"\"(x)s\"");
        assertThat(SupervisordConfWriter.quoteArgument("a ;b")).isEqualTo("\"a \"\";b\"");
    }

    static Stream<String> representableValues() {
        return Stream.of("plain", "", "a,b,c", "x=y", "with space", "back\\slash\\", "100%", "%(ENV_X)s", "$HOME",
                "q\"q", "it's", "a;b", "a#b", "é ✓", "amqp://user@host:5672/vhost?x=1&y=2", "[x]", ",", "a,\"b\",c");
    }

    @ParameterizedTest
    @MethodSource("representableValues")
    void environmentValuesSurviveSupervisordParsing(String value) {
        Map<String, String> environment = Map.of("FIRST", value, "SECOND", "after", "A_0", "before");

        String text = WRITER.render(List.of(program("p", ProgramRole.AGENT, List.of("/bin/true"), environment)));

        String raw = PythonConfigParsing.ini(text).get("program:p").get("environment");
        assertThat(PythonConfigParsing.environment(raw))
                .containsAllEntriesOf(environment)
                .containsEntry(SupervisordConfWriter.CONF_MARKER, LAYOUT.confFile().toString())
                .containsEntry(SupervisordConfWriter.PROGRAM_MARKER, "p")
                .hasSize(environment.size() + 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"leading", "trailing'", "both ' and \"", "x ;comment", "x\u00a0#comment", "%(here)s"})
    void unrepresentableEnvironmentValuesAreRefusedNamingProgramAndKey(String value) {
        ProgramSpec spec = program("p", ProgramRole.AGENT, List.of("/bin/true"), Map.of("BAD_KEY", value));

        assertThatThrownBy(() -> WRITER.render(List.of(spec)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p").hasMessageContaining("BAD_KEY");
    }

    @Test
    void reservedMarkersCannotBeSetByAProgram() {
        ProgramSpec spec = program("p", ProgramRole.AGENT, List.of("/bin/true"),
                Map.of(SupervisordConfWriter.PROGRAM_MARKER, "other"));

        assertThatThrownBy(() -> WRITER.render(List.of(spec)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SupervisordConfWriter.PROGRAM_MARKER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/work/a ;b", "/work/a #b", "/work/%(here)s", "/work/x "})
    void directoriesConfigparserWouldAlterAreRefused(String directory) {
        ProgramSpec spec = new ProgramSpec("p", ProgramRole.AGENT, List.of("/bin/true"), Path.of(directory), Map.of(),
                1, false);

        assertThatThrownBy(() -> WRITER.render(List.of(spec))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("directory");
    }

    @Test
    void directoryWithPercentIsEscaped() {
        ProgramSpec spec = new ProgramSpec("p", ProgramRole.AGENT, List.of("/bin/true"), Path.of("/work/100%/x"),
                Map.of(), 1, false);

        String raw = PythonConfigParsing.ini(WRITER.render(List.of(spec))).get("program:p").get("directory");

        assertThat(PythonConfigParsing.expand(raw)).isEqualTo("/work/100%/x");
    }

    @Test
    void rendersDaemonSectionsAndEveryProgramOption() {
        ProgramSpec runner = new ProgramSpec("workflow-runner", ProgramRole.RUNNER, List.of("/usr/bin/java", "-jar",
                "x.jar"), DIR, Map.of(), 5, true);

        Map<String, Map<String, String>> ini = PythonConfigParsing.ini(WRITER.render(List.of(runner)));

        assertThat(ini.get("unix_http_server")).containsEntry("file", LAYOUT.socket().toString())
                .containsEntry("chmod", "0700");
        assertThat(ini.get("supervisord"))
                .containsEntry("logfile", LAYOUT.logDir().resolve("supervisord.log").toString())
                .containsEntry("pidfile", LAYOUT.pidFile().toString())
                .containsEntry("childlogdir", LAYOUT.logDir().toString())
                .containsEntry("loglevel", "info");
        assertThat(ini.get("rpcinterface:supervisor"))
                .containsEntry("supervisor.rpcinterface_factory", "supervisor.rpcinterface:make_main_rpcinterface");
        assertThat(ini.get("supervisorctl")).containsEntry("serverurl", "unix://" + LAYOUT.socket());
        assertThat(ini.get("program:workflow-runner"))
                .containsEntry("directory", DIR.toString())
                .containsEntry("autostart", "false")
                .containsEntry("autorestart", "true")
                .containsEntry("startsecs", "5")
                .containsEntry("startretries", "2")
                .containsEntry("stopsignal", "TERM")
                .containsEntry("stopwaitsecs", "10")
                .containsEntry("stopasgroup", "true")
                .containsEntry("killasgroup", "true")
                .containsEntry("stdout_logfile", LAYOUT.logDir().resolve("workflow-runner.log").toString())
                .containsEntry("redirect_stderr", "true")
                .containsEntry("stdout_logfile_maxbytes", "10MB")
                .containsEntry("stdout_logfile_backups", "2");
        assertThat(ini).doesNotContainKey("group:agents");
    }

    @Test
    void agentsAreGroupedAndOthersAreNot() {
        List<ProgramSpec> programs = List.of(
                program("broker", ProgramRole.BROKER, List.of("/bin/true"), Map.of()),
                program("workflow-runner", ProgramRole.RUNNER, List.of("/bin/true"), Map.of()),
                program("agent-data", ProgramRole.AGENT, List.of("/bin/true"), Map.of()),
                program("agent-fastmon", ProgramRole.AGENT, List.of("/bin/true"), Map.of()));

        String text = WRITER.render(programs);
        Map<String, Map<String, String>> ini = PythonConfigParsing.ini(text);

        assertThat(ini.get("group:agents")).containsEntry("programs", "agent-data,agent-fastmon");
        ConfIndex index = ConfIndex.parse(text.lines().toList());
        assertThat(index.programs()).containsExactly("broker", "workflow-runner", "agent-data", "agent-fastmon");
        assertThat(index.agents()).containsExactlyInAnyOrder("agent-data", "agent-fastmon");
        assertThat(index.namespec("agent-data")).isEqualTo("agents:agent-data");
        assertThat(index.namespec("broker")).isEqualTo("broker");
        assertThat(index.startSecondsOf("broker")).isEqualTo(1);
    }

    /** Copies may come and go while the agents run: the group's membership, whose change restarts it, stays. */
    @Test
    void furtherCopiesOfAnAgentStandAloneAndStopWithTheAgents() {
        List<ProgramSpec> programs = List.of(
                program("workflow-runner", ProgramRole.RUNNER, List.of("/bin/true"), Map.of()),
                program("worker-agent", ProgramRole.AGENT, List.of("/bin/true"), Map.of()),
                program("worker-agent-2", ProgramRole.REPLICA, List.of("/bin/true"), Map.of()),
                program("worker-agent-3", ProgramRole.REPLICA, List.of("/bin/true"), Map.of()));

        String text = WRITER.render(programs);
        Map<String, Map<String, String>> ini = PythonConfigParsing.ini(text);

        assertThat(ini.get("group:agents")).containsEntry("programs", "worker-agent");
        assertThat(ini.get("program:worker-agent-2")).containsEntry("priority", ini.get("program:worker-agent")
                .get("priority")).containsEntry("autostart", "false");
        ConfIndex index = ConfIndex.parse(text.lines().toList());
        assertThat(index.namespec("worker-agent-3")).isEqualTo("worker-agent-3");
        assertThat(index.stopPhases()).containsExactly(List.of("agents:worker-agent", "worker-agent-2",
                "worker-agent-3"), List.of("workflow-runner"));
    }

    @Test
    void duplicateNamesAndAProgramNamedLikeTheGroupAreRefused() {
        ProgramSpec a = program("a", ProgramRole.AGENT, List.of("/bin/true"), Map.of());
        ProgramSpec agents = program("agents", ProgramRole.RUNNER, List.of("/bin/true"), Map.of());

        assertThatThrownBy(() -> WRITER.render(List.of(a, a))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> WRITER.render(List.of(a, agents))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agents");
    }

    @Test
    void hostileNameNeverReachesTheFile() {
        assertThatThrownBy(() -> program("x]\n[program:evil", ProgramRole.AGENT, List.of("/bin/true"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeReplacesTheFileAtomicallyAndPrivately(@TempDir Path home) throws Exception {
        SupervisorLayout layout = SupervisorLayout.forHome(home);
        SupervisordConfWriter writer = new SupervisordConfWriter(layout);
        Files.writeString(layout.confFile(), "old");

        Path written = writer.write(List.of(program("a", ProgramRole.AGENT, List.of("/bin/true"), Map.of())));

        assertThat(written).isEqualTo(layout.confFile());
        assertThat(Files.readString(written)).contains("[program:a]").doesNotContain("old");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(home)) {
            assertThat(files).extracting(p -> p.getFileName().toString())
                    .containsExactly(SupervisorLayout.CONF_FILE_NAME);
        }
    }

    private static ProgramSpec program(String name, ProgramRole role, List<String> command,
            Map<String, String> environment) {
        return new ProgramSpec(name, role, command, DIR, environment, 1, false);
    }
}
