package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.swf.testbed.access.HomeBroker;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;

/**
 * A private testbed home for one integration test: its own workflows/, supervisord socket and
 * broker ports, driven through the real distribution's {@code bin/testbed} as a user would.
 * {@link #close()} stops everything the test started, including supervisord and orphans, and
 * removes the home and its runtime directory.
 */
final class TestbedHome implements AutoCloseable {

    /** The built-in data agent's table. */
    private static final String DATA_AGENT = "[agents.data]\nenabled = true\n";

    static final Path DISTRIBUTION = Path.of(System.getProperty("testbed.distribution", "target/testbed"));

    final Path home;
    final int amqpPort;
    final int stompPort;
    final String namespace;
    final TestUser user;
    private final Path launcher;
    private final Map<String, String> environment;

    TestbedHome(String namespace) {
        this(namespace, TestUser.primary());
    }

    /**
     * A home made by {@code testbed init} of the build's distribution, which it runs; {@code
     * TESTBED_HOME} names it.
     *
     * @param namespace the namespace of its configs
     * @param user who owns the home and runs its testbed
     */
    TestbedHome(String namespace, TestUser user) {
        this(namespace, user, TestUser.launcher(), user.environment(System.getenv()));
        environment.put("TESTBED_HOME", home.toString());
        try {
            assertThat(cli("init").code()).isZero();
        } catch (RuntimeException | AssertionError e) {
            // Nobody gets this home to close: it goes now.
            TestUser.deleteTree(home);
            throw e;
        }
    }

    /**
     * An empty directory for a home, which {@code testbed init} has not made one yet; the
     * commands run in it as their current directory.
     *
     * @param namespace the namespace of its configs
     * @param user who owns the home and runs its testbed
     * @param launcher the {@code bin/testbed} every command runs, e.g. of an installed distribution
     * @param environment the environment of every command (without {@code TESTBED_HOME}, the home
     *     is the current directory)
     */
    TestbedHome(String namespace, TestUser user, Path launcher, Map<String, String> environment) {
        this.user = user;
        this.launcher = launcher;
        this.home = user.newDirectory("testbed-it-");
        TempLeftovers.made(runtimeDirectory());
        System.err.println("testbed home " + home + " (runtime directory " + runtimeDirectory() + ")");
        this.environment = new HashMap<>(environment);
        this.namespace = namespace;
        this.amqpPort = freePort();
        this.stompPort = freePort();
        this.environment.remove("SWF_TESTBED_CONFIG");
        this.environment.put("TESTBED_HEARTBEAT_SECONDS", "2");
    }

    /**
     * Writes workflows/NAME exactly as given: without a [broker] table the home's broker takes the
     * standard ports when free, as a user's default config does.
     */
    TestbedHome configAsGiven(String name, String toml) {
        user.write(home.resolve("workflows").resolve(name), toml);
        return this;
    }

    /** Writes workflows/NAME with the broker ports of this home appended (unless it has [broker]). */
    TestbedHome config(String name, String toml) {
        String text = toml.contains("[broker]") ? toml
                : toml + "\n[broker]\namqp_port = " + amqpPort + "\nstomp_port = " + stompPort + "\n";
        user.write(home.resolve("workflows").resolve(name), text);
        return this;
    }

    /** A testbed.toml with a fast real-time workflow of {@code stfs} STFs and the data agent. */
    TestbedHome quickWorkflow(int stfs, String extraAgents) {
        return quickWorkflow(stfs, extraAgents, 2);
    }

    /**
     * @param leadInSeconds how long the workflow waits before its first broadcast: a test that
     *     subscribes after {@code run} has returned needs time for that on a loaded machine
     * @return this home, with a quick real-time workflow as {@link #quickWorkflow(int, String)}
     */
    TestbedHome quickWorkflow(int stfs, String extraAgents, int leadInSeconds) {
        return quickWorkflowOf(stfs, DATA_AGENT + extraAgents, leadInSeconds);
    }

    /** A quick real-time workflow as {@link #quickWorkflow(int, String, int)}, with these agent tables only. */
    TestbedHome quickWorkflowOf(int stfs, String agents, int leadInSeconds) {
        return config("testbed.toml", workflowConfig(stfs, agents, true, """
                no_beam_not_ready_delay = %d
                beam_not_ready_delay = 0.3
                beam_ready_delay = 0.2
                broadcast_delay = 0.2
                stf_interval = 0.5
                beam_not_ready_end_delay = 0.2
                """.formatted(leadInSeconds)));
    }

    /**
     * @param stfs how many STFs
     * @return a testbed.toml of this home's namespace with the data agent and a workflow on the
     *     virtual clock, and no [broker] table: append one, or leave it for the default broker
     */
    String virtualClockConfig(int stfs) {
        return workflowConfig(stfs, DATA_AGENT, false, "");
    }

    private String workflowConfig(int stfs, String agents, boolean realtime, String extraParameters) {
        return """
                [testbed]
                namespace = "%s"
                %s
                [workflow]
                name = "stf_datataking"
                config = "stf_datataking_default"
                realtime = %s
                [parameters]
                stf_count = %d
                %s""".formatted(namespace, agents, realtime, stfs, extraParameters);
    }

    String amqpUrl() {
        return "amqp://127.0.0.1:" + amqpPort;
    }

    Path conf() {
        return home.resolve("agents.supervisord.conf");
    }

    Result cli(String... args) {
        return run(environment, Duration.ofSeconds(120), args);
    }

    /** Runs a command that may take longer than the usual two minutes, such as a run with many agents. */
    Result cli(Duration timeout, String... args) {
        return run(environment, timeout, args);
    }

    /** @return the broker login of this home's embedded broker, as its programs get it */
    BrokerEndpoint endpoint() {
        // Read as the test JVM's user (root in CI), which HomeBroker rightly refuses to trust.
        Map<String, String> login = new HashMap<>();
        try {
            for (String line : Files.readAllLines(home.resolve(".testbed").resolve(HomeBroker.CREDENTIALS_FILE))) {
                int equals = line.indexOf('=');
                if (!line.startsWith("#") && equals > 0) {
                    login.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("No broker login in " + home + "/.testbed yet: " + e, e);
        }
        return new BrokerEndpoint(amqpUrl(), login.get("user"), login.get("password"), null);
    }

    /**
     * Gives this home's programs the broker login of another home (of the same user), for a
     * config whose {@code [broker] url} names that home's broker.
     *
     * @param other the home whose broker this one uses
     */
    void useLoginOf(TestbedHome other) {
        BrokerEndpoint broker = other.endpoint();
        useLogin(broker.user(), broker.password());
    }

    /**
     * @param user the external broker's user, as ACTIVEMQ_USER
     * @param password its password, as ACTIVEMQ_PASSWORD
     */
    void useLogin(String user, String password) {
        environment.put("ACTIVEMQ_USER", user);
        environment.put("ACTIVEMQ_PASSWORD", password);
    }

    /**
     * @param name an environment variable of every command run in this home, e.g. {@code TESTBED_HOST}
     * @param value its value
     * @return this home
     */
    TestbedHome withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** @return a connection to this home's broker with the home's login */
    MessageBus connect(String clientName) {
        return new JmsMessageBusFactory().connect(endpoint(), clientName, Duration.ofSeconds(10));
    }

    /**
     * @param args the arguments of {@code bin/testbed}
     * @return a process builder that runs it in this home as its user, with this home's environment
     */
    ProcessBuilder processBuilder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        return processBuilder(command);
    }

    /**
     * @param command any command line, e.g. a JVM tool that embeds the testbed
     * @return a process builder that runs it in this home as its user, with this home's environment
     */
    ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(user.command(command)).directory(home.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder;
    }

    Result run(Map<String, String> env, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("testbed-it-out", ".txt");
            err = Files.createTempFile("testbed-it-err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(user.command(command)).directory(home.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("testbed " + String.join(" ", args) + " did not finish within " + timeout);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), took);
            System.err.printf("testbed %s -> %d in %d ms%n%s%s", String.join(" ", args), result.code(),
                    took.toMillis(), result.out(), result.err());
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            for (Path file : new Path[] {out, err}) {
                if (file != null) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        // A temporary file of the test JVM; the OS cleans /tmp
                    }
                }
            }
        }
    }

    Map<String, String> environment() {
        return new HashMap<>(environment);
    }

    /** @return pids of live processes started for this home (by the markers supervisord's programs carry) */
    List<Long> processesOfThisHome() {
        String marker = "TESTBED_SUPERVISOR_CONF=" + conf();
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String environ = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                    return List.of(environ.split("\0")).contains(marker);
                } catch (IOException | SecurityException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether the process runs (a zombie, which init has not reaped yet, does not) */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    long supervisordPid() {
        try {
            String conf = Files.readString(conf());
            String pidfile = conf.lines().filter(l -> l.startsWith("pidfile=")).findFirst().orElseThrow().substring(8);
            return Long.parseLong(Files.readString(Path.of(pidfile)).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the testbed of this home as a user would ({@code stop-agents}), shuts its supervisord
     * down and waits until it has exited, ends whatever still runs for the home, and removes the
     * home and its runtime directory. Each step runs even when an earlier one failed, so the temp
     * folder is clean afterwards ({@link TempLeftovers} checks).
     */
    @Override
    public void close() {
        try {
            if (Files.exists(conf())) {
                cli("stop-agents");
                shutDownSupervisord();
            }
        } finally {
            try {
                endProcessesOfThisHome();
            } finally {
                TestUser.deleteTree(runtimeDirectory());
                TestUser.deleteTree(home);
            }
        }
    }

    /** supervisorctl shutdown, then waits until the daemon has exited, so that it writes nothing more. */
    void shutDownSupervisord() {
        List<Long> daemons = supervisordsOfThisHome();
        if (daemons.isEmpty()) {
            return;
        }
        try {
            Process shutdown = new ProcessBuilder(user.command(List.of("supervisorctl", "-c", conf().toString(),
                    "shutdown"))).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!shutdown.waitFor(30, TimeUnit.SECONDS)) {
                shutdown.destroyForcibly();
            }
        } catch (IOException e) {
            // supervisorctl missing or the daemon gone: the processes are ended below in any case.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            // supervisord gives each program stopwaitsecs (10 s) before it exits itself.
            await("supervisord " + daemons + " to exit").atMost(Duration.ofSeconds(40))
                    .until(() -> daemons.stream().noneMatch(TestbedHome::running));
        } catch (ConditionTimeoutException e) {
            System.err.println("supervisord " + daemons + " of " + home + " did not shut down; killing it");
        }
    }

    /** SIGKILL to every process still marked as this home's, and to its supervisord; waits until they are gone. */
    private void endProcessesOfThisHome() {
        List<Long> left = new ArrayList<>(processesOfThisHome());
        left.addAll(supervisordsOfThisHome());
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        await("processes " + left + " of " + home + " to end").atMost(Duration.ofSeconds(30))
                .until(() -> left.stream().noneMatch(TestbedHome::running));
    }

    /** @return pids of the supervisord processes running this home's configuration */
    private List<Long> supervisordsOfThisHome() {
        String conf = conf().toString();
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    List<String> argv = List.of(new String(Files.readAllBytes(p.resolve("cmdline")),
                            StandardCharsets.UTF_8).split("\0"));
                    return argv.stream().limit(3).anyMatch(a -> a.endsWith("supervisord")) && argv.contains(conf);
                } catch (IOException | SecurityException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).filter(TestbedHome::running).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return supervisord's private runtime directory of this home (socket, pid file), whether it exists or not */
    Path runtimeDirectory() {
        return user.runtimeDirectoryOf(home);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int code, String out, String err, Duration took) {
    }
}
