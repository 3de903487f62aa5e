package org.swf.testbed.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.swf.testbed.TestbedException;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.OrchestratorSettings;
import org.swf.testbed.store.SqliteExecutionStore;
import org.swf.testbed.supervisor.SupervisorLayout;
import org.swf.testbed.supervisor.SupervisordProcessSupervisor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code testbed}: starts, stops and watches the agents of a streaming workflow testbed. The
 * composition root: every front-end command gets its collaborators from here.
 */
@Command(name = "testbed",
        mixinStandardHelpOptions = true,
        versionProvider = TestbedCli.Version.class,
        description = "Start, stop and watch the agents of the ePIC streaming workflow testbed under supervisord.",
        subcommands = {
            InitCommand.class,
            RunCommand.class,
            StopAgentsCommand.class,
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
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = "%s")
public final class TestbedCli implements Runnable {

    @Option(names = "--home", description = "Testbed home: the directory holding workflows/ (default:"
            + " $TESTBED_HOME, else the current directory).")
    private Path home;

    @Option(names = "--stacktrace", description = "Print stack traces of failures.")
    private boolean stacktrace;

    private final Map<String, String> environment;
    private CommandLine commandLine;

    private TestbedCli(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
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
        TestbedCli cli = new TestbedCli(environment);
        CommandLine commandLine = new CommandLine(cli);
        cli.commandLine = commandLine;
        commandLine.getCommandSpec().usageMessage().footer(ExitCode.table());
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        commandLine.setOut(outWriter);
        commandLine.setErr(errWriter);
        commandLine.setExecutionExceptionHandler((failure, command, parsed) -> {
            report(errWriter, failure, cli.stacktrace);
            return ExitCode.of(failure).code;
        });
        commandLine.setParameterExceptionHandler((failure, arguments) -> {
            errWriter.println("testbed: " + failure.getMessage());
            errWriter.println("Try 'testbed --help'.");
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
        System.exit(run(System.out, System.err, System.getenv(), args));
    }

    @Override
    public void run() {
        commandLine.usage(commandLine.getOut());
    }

    private static void report(PrintWriter err, Throwable failure, boolean stacktrace) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        err.println("testbed: error: " + message.replace('\n', ' '));
        if (failure instanceof TestbedException testbed && !testbed.logTail().isEmpty()) {
            err.println("Last lines of its log:");
            testbed.logTail().forEach(line -> err.println("  | " + line));
        }
        if (stacktrace) {
            failure.printStackTrace(err);
        }
    }

    /** @return the process environment the CLI was started with */
    Map<String, String> environment() {
        return environment;
    }

    /** @return the testbed home */
    Path home() {
        if (home != null) {
            return home.toAbsolutePath().normalize();
        }
        String fromEnvironment = environment.get("TESTBED_HOME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment).toAbsolutePath().normalize();
        }
        return Path.of("").toAbsolutePath();
    }

    /** @return the orchestrator of this home, wired to supervisord and the AMQP broker */
    Orchestrator orchestrator() {
        return orchestrator(Duration.ofSeconds(60));
    }

    /**
     * @param readinessTimeout how long started programs may take to report READY
     * @return the orchestrator of this home
     */
    Orchestrator orchestrator(Duration readinessTimeout) {
        OrchestratorSettings defaults = OrchestratorSettings.defaults(home(), environment);
        OrchestratorSettings settings = new OrchestratorSettings(defaults.home(), defaults.environment(),
                readinessTimeout, defaults.replyTimeout(), defaults.connectTimeout());
        return new Orchestrator(settings, new SupervisordProcessSupervisor(SupervisorLayout.forHome(home())),
                new JmsMessageBusFactory(), StandardPrograms.ofThisCli(),
                executionStore());
    }

    /** @return how this home's parts reach its broker, and its embedded broker's login and ports */
    BrokerAccess brokerAccess() {
        return new BrokerAccess(OrchestratorSettings.defaults(home(), environment).stateDirectory(), environment);
    }

    /** @return the execution records of this home */
    SqliteExecutionStore executionStore() {
        return new SqliteExecutionStore(home().resolve(".testbed").resolve("testbed.db"));
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TestbedCli.class.getPackage().getImplementationVersion();
            return new String[] {"testbed " + (version == null ? "development build" : version)};
        }
    }
}
