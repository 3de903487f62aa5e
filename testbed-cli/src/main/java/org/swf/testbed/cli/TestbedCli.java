package org.swf.testbed.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.swf.testbed.config.TestbedEnvironment;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code testbed}: starts, stops and watches the agents of a streaming workflow testbed. The
 * composition root: the process environment is read here, once, and every command gets its
 * collaborators through its constructor from the factory made here.
 */
@Command(name = "testbed",
        mixinStandardHelpOptions = true,
        versionProvider = TestbedCli.Version.class,
        description = "Start, stop and watch the agents of the ePIC streaming workflow testbed under supervisord.",
        subcommands = {
            InitCommand.class,
            RunCommand.class,
            StopAgentsCommand.class,
            ScaleCommand.class,
            StatusCommand.class,
            WorkflowsCommand.class,
            WorkflowCommands.Start.class,
            WorkflowCommands.Stop.class,
            LogsCommand.class,
            BrokerCommand.class,
            AgentManagerCommand.class,
            McpCommand.class,
            BenchmarkCommand.class,
            WorkflowRunnerCommand.class,
            AgentCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = "%s")
public final class TestbedCli implements Runnable {

    // Inherited: accepted before or after the subcommand, as git and systemctl take theirs.
    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR", description = "Testbed home: the"
            + " directory holding workflows/ (default: $TESTBED_HOME, else the current directory).")
    private Path home;

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    private boolean stacktrace;

    private CommandLine commandLine;

    private TestbedCli() {
    }

    /**
     * Runs the CLI; only {@link #main} exits the JVM.
     *
     * @param out where results go
     * @param err where errors and progress go
     * @param environment the process environment
     * @param args the command line
     * @return the exit code
     */
    public static int run(PrintStream out, PrintStream err, Map<String, String> environment, String... args) {
        TestbedCli cli = new TestbedCli();
        HomeServices services = new HomeServices(TestbedEnvironment.of(environment), () -> cli.home);
        CommandLine commandLine = new CommandLine(cli, new CommandFactory(services));
        cli.commandLine = commandLine;
        commandLine.getCommandSpec().usageMessage().footer(ExitCode.table());
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        commandLine.setOut(outWriter);
        commandLine.setErr(errWriter);
        commandLine.setExecutionExceptionHandler((failure, command, parsed) -> {
            ExitCode exit = ExitCode.of(failure);
            if (JsonOption.requested(command)) {
                ErrorReport.json(errWriter, failure, exit);
            } else {
                ErrorReport.text(errWriter, failure);
            }
            if (cli.stacktrace) {
                failure.printStackTrace(errWriter);
            }
            return exit.code;
        });
        commandLine.setParameterExceptionHandler((failure, arguments) -> {
            if (Arrays.asList(arguments).contains(JsonOption.NAME)) {
                ErrorReport.json(errWriter, failure, ExitCode.USAGE);
                return ExitCode.USAGE.code;
            }
            errWriter.println("testbed: " + failure.getMessage());
            // picocli's "Did you mean ...?" for a mistyped subcommand or option.
            UnmatchedArgumentException.printSuggestions(failure, errWriter);
            String command = failure.getCommandLine().getCommandSpec().qualifiedName();
            errWriter.println("Try '" + command + " --help'.");
            return ExitCode.USAGE.code;
        });
        int code = commandLine.execute(args);
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        logThroughSlf4j();
        StandardPrograms.createSharingArchiveInBackground();
        System.exit(run(System.out, System.err, System.getenv(), args));
    }

    /**
     * Gives java.util.logging's records (proton-j, under Qpid JMS, logs only there) to SLF4J, in
     * place of its console handler, so that a process logs in one format (simplelogger.properties)
     * whichever API a class uses: System.Logger reaches SLF4J through its LoggerFinder already.
     * Process-wide, so main does it and {@link #run} does not.
     */
    private static void logThroughSlf4j() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    @Override
    public void run() {
        commandLine.usage(commandLine.getOut());
    }

    /**
     * Makes every subcommand with what it needs, through its constructor; picocli asks it for the
     * subcommands while building the command line, and for mixins and help, which it makes as
     * picocli would.
     */
    private static final class CommandFactory implements CommandLine.IFactory {

        private final Map<Class<?>, Supplier<?>> commands;

        CommandFactory(HomeServices home) {
            AgentHost agents = new AgentHost(home);
            this.commands = Map.ofEntries(
                    Map.entry(InitCommand.class, () -> new InitCommand(home)),
                    Map.entry(RunCommand.class, () -> new RunCommand(home)),
                    Map.entry(StopAgentsCommand.class, () -> new StopAgentsCommand(home)),
                    Map.entry(ScaleCommand.class, () -> new ScaleCommand(home)),
                    Map.entry(StatusCommand.class, () -> new StatusCommand(home)),
                    Map.entry(WorkflowsCommand.class, () -> new WorkflowsCommand(home)),
                    Map.entry(WorkflowCommands.Start.class, () -> new WorkflowCommands.Start(home)),
                    Map.entry(WorkflowCommands.Stop.class, () -> new WorkflowCommands.Stop(home)),
                    Map.entry(LogsCommand.class, () -> new LogsCommand(home)),
                    Map.entry(BrokerCommand.class, () -> new BrokerCommand(home)),
                    Map.entry(AgentManagerCommand.class, () -> new AgentManagerCommand(home)),
                    Map.entry(McpCommand.class, () -> new McpCommand(home)),
                    Map.entry(BenchmarkCommand.class, () -> new BenchmarkCommand(home)),
                    Map.entry(WorkflowRunnerCommand.class, () -> new WorkflowRunnerCommand(home, agents)),
                    Map.entry(AgentCommand.class, () -> new AgentCommand(agents, home.environment())),
                    Map.entry(CompletionCommand.class, CompletionCommand::new));
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            Supplier<?> command = commands.get(type);
            return command != null ? type.cast(command.get()) : CommandLine.defaultFactory().create(type);
        }
    }

    /** Reports the version, the commit of the build and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            // picocli formats each line (String.format): a '%' in a path must come out as itself.
            return BuildInfo.ofThisBuild().describe().stream().map(line -> line.replace("%", "%%"))
                    .toArray(String[]::new);
        }
    }
}
