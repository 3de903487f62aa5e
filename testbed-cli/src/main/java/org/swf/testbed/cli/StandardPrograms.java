package org.swf.testbed.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.swf.testbed.ConfigException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.agents.BuiltInAgents;
import org.swf.testbed.config.AgentLaunch;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.JavaOptions;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.orchestrator.ProgramFactory;
import org.swf.testbed.port.ProgramRole;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.protocol.Destination;

/**
 * The testbed's standard programs, as supervisord runs them: the embedded broker, the workflow
 * runner and the built-in agents as JVMs of the {@code testbed} entry point ({@link TestbedCli}),
 * and every agent whose config gives a {@code command} or {@code script} as that command or
 * script. The {@code testbed} CLI and its agent manager launch their programs with it; a JVM tool
 * that embeds the {@link org.swf.testbed.orchestrator.Orchestrator} passes one to it, so it never
 * writes java command lines of its own:
 *
 * <pre>{@code
 * ProgramFactory programs = StandardPrograms.fromDistribution(Path.of("/opt/testbed")); // its lib/
 * ProgramFactory programs = StandardPrograms.fromClassPath(); // this JVM's class path
 * }</pre>
 *
 * <p>Every JVM program runs on the java binary of the JVM that made the factory, with the same
 * class path for all of them, so the broker, the runner and the agents always run one build.
 * The runner and the built-in agents add the config's JVM options ({@link TestbedConfig#javaOptions()},
 * {@link AgentSpec#javaOptions()}) to the testbed's own, after them so that they win; the broker
 * keeps its own.
 * No program is told its config here: the orchestrator hands every program the one config it
 * resolved for the start, in {@code SWF_TESTBED_CONFIG}.
 */
public final class StandardPrograms implements ProgramFactory {

    /**
     * Small, quick-starting JVMs: agents are many, mostly idle, and a 2-core machine starts them
     * all at once; the optimizing compiler costs more start-up than it gains them (measured with
     * 'testbed benchmark'). Warnings go to stderr, which supervisord logs. Memory (README,
     * "Memory"): the heap starts small and is given back after a collection ({@code -Xms},
     * {@code MaxHeapFreeRatio}; the limit stays); one compiler thread; Netty's pooled allocator
     * with one arena of 1 MB chunks (8 KB pages, {@code maxOrder=7}), for a few small messages, in
     * place of one 4 MB chunk per core; and the class-data sharing archives mapped where they were
     * made ({@code ArchiveRelocationMode=0}), so their pages stay shared between the JVMs instead
     * of being copied by every JVM that relocates them. {@link CdsArchive} adds the testbed's own
     * archive when it exists.
     */
    static final List<String> AGENT_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k", "-Xms8m", "-Xmx256m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:ReservedCodeCacheSize=32m",
            "-Dio.netty.allocator.numDirectArenas=1", "-Dio.netty.allocator.numHeapArenas=1",
            "-Dio.netty.allocator.maxOrder=7", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            "-Xshare:auto", "-Xlog:all=warning:stderr");
    /**
     * The broker carries every message of every agent: more heap, whose limit also sizes its
     * global memory limit (BrokerLimits), and the allocator's defaults for its many connections.
     */
    static final List<String> BROKER_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms16m", "-Xmx512m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            "-Xshare:auto", "-Xlog:all=warning:stderr");
    private static final int JVM_START_SECONDS = 1;
    /** The jar of the entry point: a {@code lib/} without it cannot run a single program. */
    private static final String ENTRY_POINT_JAR = "testbed-cli-*.jar";

    private final String javaBinary;
    private final String classPath;
    private final Optional<CdsArchive> archive;

    /**
     * @param javaBinary the java binary every JVM program runs on
     * @param classPath the class path every JVM program runs with; it holds {@link TestbedCli}
     */
    StandardPrograms(String javaBinary, String classPath) {
        this(javaBinary, classPath, Optional.empty());
    }

    /**
     * @param archive the class-data sharing archive every JVM program maps while it exists
     *     (made for this java binary and class path)
     */
    StandardPrograms(String javaBinary, String classPath, Optional<CdsArchive> archive) {
        this.javaBinary = Objects.requireNonNull(javaBinary, "javaBinary");
        this.classPath = Objects.requireNonNull(classPath, "classPath");
        this.archive = Objects.requireNonNull(archive, "archive");
    }

    /**
     * Programs that run from an installed testbed distribution, as its {@code bin/testbed} does.
     *
     * @param distribution the distribution's directory, the one holding {@code bin/testbed} and
     *     {@code lib/} (the build makes it at {@code testbed-cli/target/testbed})
     * @return programs whose JVMs run the jars in its {@code lib/}
     * @throws TestbedException when {@code distribution/lib} holds no testbed-cli jar
     */
    public static StandardPrograms fromDistribution(Path distribution) {
        return fromLibraries(distribution.resolve("lib"));
    }

    /**
     * Programs that run on the class path this JVM was started with ({@code java -cp ...}), for a
     * tool that has the testbed's jars (testbed-cli and its runtime dependencies) on its own class
     * path. A tool that loads the testbed through class loaders of its own (an application server,
     * a build tool's plugin) uses {@link #fromDistribution} instead.
     *
     * @return programs whose JVMs run this JVM's class path, its relative entries resolved
     *     against this JVM's working directory
     */
    public static StandardPrograms fromClassPath() {
        // supervisord starts the programs in the testbed home: relative entries would point there.
        String classPath = Stream.of(System.getProperty("java.class.path", "").split(File.pathSeparator, -1))
                .map(entry -> entry.isEmpty() || Path.of(entry).isAbsolute() ? entry
                        : Path.of(entry).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
        return new StandardPrograms(thisJava(), classPath);
    }

    /**
     * The CLI's own programs: the distribution's {@code lib/} its launch script names, with the
     * class-data sharing archive it names, else (run from a build or an IDE) its class path.
     */
    static StandardPrograms ofThisCli() {
        String lib = System.getProperty("testbed.lib");
        if (lib == null || lib.isBlank()) {
            return fromClassPath();
        }
        StandardPrograms programs = fromLibraries(Path.of(lib));
        return new StandardPrograms(programs.javaBinary, programs.classPath, CdsArchive.ofThisCli());
    }

    /**
     * Starts making the class-data sharing archive {@code bin/testbed} named, in the background,
     * when it does not exist yet (see {@link CdsArchive}); does nothing for a CLI run otherwise.
     */
    static void createSharingArchiveInBackground() {
        String lib = System.getProperty("testbed.lib");
        Optional<CdsArchive> named = CdsArchive.ofThisCli();
        if (lib != null && !lib.isBlank() && named.isPresent()) {
            named.get().createInBackground(thisJava(), classPathOf(Path.of(lib)));
        }
    }

    private static String classPathOf(Path directory) {
        return directory.toAbsolutePath().normalize() + File.separator + "*";
    }

    private static StandardPrograms fromLibraries(Path directory) {
        // supervisord starts the programs in the testbed home: a relative path would point there.
        Path lib = directory.toAbsolutePath().normalize();
        if (!holdsEntryPoint(lib)) {
            throw new TestbedException(lib.getParent() + " is not a testbed distribution: there is no "
                    + lib.resolve(ENTRY_POINT_JAR) + ". Give the directory that holds bin/testbed and lib/ (the"
                    + " build makes it at testbed-cli/target/testbed)");
        }
        return new StandardPrograms(thisJava(), classPathOf(lib));
    }

    @Override
    public ProgramSpec broker(TestbedConfig config, BrokerPorts ports) {
        List<String> arguments = List.of("broker", "--amqp-port", Integer.toString(ports.amqpPort()),
                "--stomp-port", Integer.toString(ports.stompPort()));
        return new ProgramSpec(BROKER, ProgramRole.BROKER, command(BROKER_JVM_OPTIONS, JavaOptions.NONE, arguments),
                config.home(), Map.of(), JVM_START_SECONDS, true);
    }

    @Override
    public ProgramSpec workflowRunner(TestbedConfig config) {
        return new ProgramSpec(WORKFLOW_RUNNER, ProgramRole.RUNNER,
                command(AGENT_JVM_OPTIONS, config.javaOptions(), List.of("workflow-runner")), config.home(), Map.of(),
                JVM_START_SECONDS, true);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A built-in agent (by key or {@code type}) runs as a JVM; a {@code command} runs as given;
     * a {@code script} runs by its interpreter ({@code python3 -u} for {@code .py}, {@code bash}
     * for {@code .sh}, else itself). An original example script that is not present (e.g.
     * {@code example_agents/example_data_agent.py}) runs the built-in agent that replaces it.
     */
    @Override
    public ProgramSpec agent(TestbedConfig config, AgentSpec agent) {
        String name = ProgramFactory.agentProgram(agent.key());
        Optional<String> builtIn = builtInType(config, agent);
        List<String> command;
        if (builtIn.isPresent()) {
            command = command(AGENT_JVM_OPTIONS, agent.javaOptions(), List.of("agent", builtIn.get()));
        } else if (agent.launch() instanceof AgentLaunch.Command given) {
            command = given.argv();
        } else if (agent.launch() instanceof AgentLaunch.Script script) {
            Path path = config.home().resolve(script.path()).normalize();
            String file = path.getFileName().toString();
            command = file.endsWith(".py") ? List.of("python3", "-u", path.toString())
                    : file.endsWith(".sh") ? List.of("bash", path.toString()) : List.of(path.toString());
        } else {
            AgentLaunch.BuiltIn unknown = (AgentLaunch.BuiltIn) agent.launch();
            throw new ConfigException(where(config, agent) + ": there is no built-in agent '" + unknown.type()
                    + "'. Built-in agents: " + String.join(", ", BuiltInAgents.types())
                    + ". Set type to one of them, or give command = [...] or script = \"...\" to run your own");
        }
        // The run's config reaches every program through the orchestrator's environment; an agent
        // table cannot point its agent at another.
        Map<String, String> environment = new LinkedHashMap<>(agent.environment());
        environment.remove(ConfigLocator.CONFIG_VARIABLE);
        try {
            return new ProgramSpec(name, ProgramRole.AGENT, command, config.home(), environment,
                    agent.startSeconds(),
                    agent.autoRestart());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where(config, agent) + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Built-in agents do, and so do the original example scripts they replace; commands and
     * other scripts may not.
     */
    @Override
    public boolean sendsHeartbeats(AgentSpec agent) {
        return agent.launch() instanceof AgentLaunch.BuiltIn
                || agent.launch() instanceof AgentLaunch.Script script
                && BuiltInAgents.forOriginalScript(Path.of(script.path()).getFileName().toString()).isPresent();
    }

    /**
     * {@inheritDoc}
     *
     * <p>A built-in agent that subscribes to a broadcast topic runs as one copy; one that takes
     * its work from queues only (the worker) runs as many as asked. A command or script runs as
     * many copies as asked: whether its copies share work or each do all of it is its own affair.
     */
    @Override
    public Optional<String> whyNotReplicable(TestbedConfig config, AgentSpec agent) {
        Optional<String> builtIn = builtInType(config, agent);
        if (builtIn.isEmpty()) {
            return Optional.empty();
        }
        List<Destination> topics = BuiltInAgents.broadcastsHeard(builtIn.get());
        if (topics.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the built-in " + builtIn.get() + " agent subscribes to "
                + topics.stream().map(Destination::name).collect(Collectors.joining(", "))
                + ", where every copy would hear every message and act on it again (sending each of its"
                + " messages once per copy). Only agents that take their work from queues run as several"
                + " copies, e.g. the worker");
    }

    /**
     * The built-in agent an agent table means: its type, or the original example script it
     * names when that script is not present (the original's configs name
     * {@code example_agents/example_data_agent.py}, which our data agent replaces).
     */
    private static Optional<String> builtInType(TestbedConfig config, AgentSpec agent) {
        if (agent.launch() instanceof AgentLaunch.BuiltIn builtIn) {
            return BuiltInAgents.create(builtIn.type()).isPresent() ? Optional.of(builtIn.type()) : Optional.empty();
        }
        if (agent.launch() instanceof AgentLaunch.Script script) {
            Path path = config.home().resolve(script.path()).normalize();
            if (Files.isRegularFile(path)) {
                return Optional.empty();
            }
            Optional<String> replacement = BuiltInAgents.forOriginalScript(path.getFileName().toString());
            if (replacement.isEmpty()) {
                throw new ConfigException(where(config, agent) + ": script " + script.path() + " not found (looked for "
                        + path + "). Fix the path, or remove script to run the built-in agent");
            }
            return replacement;
        }
        return Optional.empty();
    }

    /** @param configured the config's options: after the testbed's, so that they win where both set one */
    private List<String> command(List<String> options, JavaOptions configured, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(options);
        archive.ifPresent(shared -> command.addAll(shared.jvmOptions()));
        command.addAll(configured.arguments());
        command.add("-cp");
        command.add(classPath);
        command.add(TestbedCli.class.getName());
        command.addAll(arguments);
        return command;
    }

    /** The running JVM's binary, so the programs run on the Java the caller chose. */
    private static String thisJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static boolean holdsEntryPoint(Path lib) {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, ENTRY_POINT_JAR)) {
            return jars.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static String where(TestbedConfig config, AgentSpec agent) {
        Path source = config.source();
        String shown = source.startsWith(config.home()) ? config.home().relativize(source).toString() : source.toString();
        return shown + ": [agents." + agent.key() + "]";
    }
}
