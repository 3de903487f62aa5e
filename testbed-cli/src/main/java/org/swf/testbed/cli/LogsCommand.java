package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.port.AgentLogRecord;
import org.swf.testbed.orchestrator.ProgramFactory;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.store.SqliteExecutionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed logs [-f] [AGENT]}: the last lines of a program's log, or of every program's, and what follows. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print the last lines of a program's log (AGENT is an agent key such as 'data', or a program"
                + " name such as 'workflow-runner'); without AGENT, of every program.",
            "With -f, go on printing lines as they are written, until Ctrl-C; a log that supervisord rotates is"
                + " followed into its new file. Under --json each line is one JSON object: {\"program\", \"line\"}.",
            "With --reported, print instead the log records AGENT sent to the monitor API (agents written on the"
                + " original's BaseAgent send their logger's records there); AGENT may also be an instance name."})
final class LogsCommand implements Callable<Integer> {

    /** How often a followed log is looked at. */
    private static final Duration FOLLOW_POLL = Duration.ofMillis(250);

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "AGENT")
    private String agent;

    @Option(names = {"-n", "--lines"}, defaultValue = "50", description = "How many lines (default ${DEFAULT-VALUE}).")
    private int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they are written, until Ctrl-C.")
    private boolean follow;

    @Option(names = "--reported", description = "The log records AGENT sent to the monitor API, not its log file.")
    private boolean reported;

    @Mixin
    private JsonOption json;


    LogsCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        if (reported) {
            return reported();
        }
        Orchestrator orchestrator = home.orchestrator();
        PrintWriter out = spec.commandLine().getOut();
        List<String> programs = agent != null ? List.of(programOf(agent))
                : orchestrator.status().programs().stream().map(ProgramReport::name).toList();
        Map<String, Path> files = new LinkedHashMap<>();
        programs.forEach(program -> files.put(program, orchestrator.logFile(program)));
        // Where following starts is taken before the tails are read: a line written in between
        // may show twice, none is lost.
        LogFollower follower = new LogFollower(files, FOLLOW_POLL);
        follower.startAtEnd();
        if (json.enabled() && !follow) {
            List<Map<String, Object>> logs = programs.stream().map(program -> {
                Map<String, Object> log = new LinkedHashMap<>();
                log.put("program", program);
                log.put("file", files.get(program).toString());
                log.put("lines", orchestrator.logTail(program, lines));
                return log;
            }).toList();
            out.println(new JsonCodec().encode(Map.of("logs", logs)));
            return ExitCode.OK.code;
        }
        if (programs.isEmpty() && !json.enabled()) {
            out.println("No programs. Start the testbed with 'testbed run'.");
        }
        for (String program : programs) {
            List<String> tail = orchestrator.logTail(program, lines);
            if (json.enabled()) {
                tail.forEach(line -> printJsonLine(out, program, line));
                continue;
            }
            if (agent == null) {
                out.println("==> " + files.get(program) + " <==");
            }
            if (tail.isEmpty()) {
                out.println("(no log yet at " + files.get(program) + ")");
            }
            tail.forEach(out::println);
        }
        out.flush();
        if (follow) {
            follower.follow(new Printer(out, files), () -> !out.checkError());
        }
        return ExitCode.OK.code;
    }

    private int reported() {
        if (agent == null || follow) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--reported needs an AGENT and"
                    + " does not follow (-f): e.g. 'testbed logs mine --reported'");
        }
        SqliteExecutionStore store = home.executionStore();
        List<AgentLogRecord> records = store.logs(programOf(agent), lines);
        if (records.isEmpty()) {
            records = store.logs(agent, lines);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonCodec codec = new JsonCodec();
            out.println(codec.encode(Map.of("records", records.stream().map(codec::toFields).toList())));
            return ExitCode.OK.code;
        }
        if (records.isEmpty()) {
            out.println("No log records from " + agent + " in the monitor API. Agents written on the original's"
                    + " BaseAgent send them there; others log to their file ('testbed logs " + agent + "').");
        }
        records.forEach(record -> out.println(record.timestamp() + " " + record.levelName() + " "
                + record.instanceName() + ": " + record.message()));
        return ExitCode.OK.code;
    }

    private String programOf(String name) {
        String program = name.equals(ProgramFactory.BROKER) || name.equals(ProgramFactory.WORKFLOW_RUNNER)
                || name.endsWith("-agent") ? name : ProgramFactory.agentProgram(name);
        if (!program.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid agent name '" + name + "': use an agent key such as 'data'");
        }
        return program;
    }

    private void printJsonLine(PrintWriter out, String program, String line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("program", program);
        fields.put("line", line);
        out.println(new JsonCodec().encode(fields));
    }

    /** Prints followed lines as they come: a header when the program changes (several logs), or JSON lines. */
    private final class Printer implements LogFollower.Listener {
        private final PrintWriter out;
        private final Map<String, Path> files;
        private String lastProgram;

        Printer(PrintWriter out, Map<String, Path> files) {
            this.out = out;
            this.files = files;
            this.lastProgram = files.size() == 1 ? files.keySet().iterator().next() : null;
        }

        @Override
        public void line(String program, String line) {
            if (json.enabled()) {
                printJsonLine(out, program, line);
            } else {
                if (!program.equals(lastProgram)) {
                    out.println("==> " + files.get(program) + " <==");
                    lastProgram = program;
                }
                out.println(line);
            }
            out.flush();
        }

        @Override
        public void rotated(String program) {
            spec.commandLine().getErr().println("testbed: " + files.get(program) + " was rotated; following the new"
                    + " file");
        }
    }
}
