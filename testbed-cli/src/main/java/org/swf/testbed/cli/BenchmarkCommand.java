package org.swf.testbed.cli;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.swf.testbed.TestbedException;
import org.swf.testbed.broker.BrokerOptions;
import org.swf.testbed.broker.BrokerSecurity;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.cli.BenchmarkRow.Unit;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.RunOptions;
import org.swf.testbed.orchestrator.RunResult;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.util.Await;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code testbed benchmark}: where the time goes, measured the way users meet it, each figure next
 * to a floor measured in the same invocation, so that the figures mean something on a busy
 * machine. Every figure is measured where it happens (a child's output line as it arrives, a
 * counter at the broker, {@code /proc}), after one unmeasured warm-up run of its kind, and printed
 * with its unit as median, min and max over {@code --runs}.
 *
 * <p>It stops this home's agents before and after, and removes every scratch home, runtime
 * directory and process it made, also when a measurement fails. It prints figures; it asserts
 * nothing, and tests never time anything.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Measure the testbed against floors measured in the same run (a supervisord restart with a group"
                + " start of trivial programs; a bare 'java -version'), and print each figure as median / min / max"
                + " over --runs, with its unit and its ratio to the floor, after --warmups unmeasured runs of each"
                + " kind.",
            "Parts (--only): run (this home's 'testbed run --fast' to its execution id, by step), trivial (runner"
                + " and 4 sleep agents on an external broker), jvm (runner and 4 built-in agents), fresh (default"
                + " 'testbed run' on a fresh home), pipeline (fast-processing throughput counted at the broker), fast"
                + " ('run --fast --wait fast_processing' end to end), pss (memory of each program), status, version,"
                + " mcp (MCP round trips).",
            "Stops this home's agents before and after; removes every scratch home and process it made."})
final class BenchmarkCommand implements Callable<Integer> {

    /** Every part, in the order they run. */
    static final List<String> PARTS = List.of("run", "trivial", "jvm", "fresh", "pipeline", "fast", "pss", "status",
            "version", "mcp");

    static final String SUPERVISORD_FLOOR = "floor S: supervisord restart + start of 4 trivial programs";
    static final String JAVA_FLOOR = "floor J: bare java -version";

    private static final Pattern STEP_LINE = Pattern.compile("^\\s+(\\S.*?)\\s+(\\d+) ms$");
    private static final String TRIGGERED = "Workflow triggered:";
    private static final Duration CHILD_LIMIT = Duration.ofMinutes(10);
    /**
     * Readiness timeout of every measured 'testbed run', in seconds: a busy machine makes slow
     * figures, not a failed benchmark.
     */
    private static final String SLOW_MACHINE_TIMEOUT = "300";

    /** How long a pipeline run that is short of messages may carry nothing before it counts as over. */
    private static final Duration PIPELINE_QUIET = Duration.ofSeconds(10);

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N",
            description = "Measured runs of each figure, after one warm-up run (default ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--warmups", defaultValue = "1", paramLabel = "N",
            description = "Unmeasured warm-up runs of each kind before the measured ones (default ${DEFAULT-VALUE}).")
    private int warmups;

    @Option(names = "--only", split = ",", paramLabel = "PART",
            description = "Run only these parts: run, trivial, jvm, fresh, pipeline, fast, pss, status, version, mcp"
                    + " (default: all). The floors are always measured.")
    private List<String> only = PARTS;

    @Option(names = "--stfs", defaultValue = "1000", paramLabel = "N",
            description = "STFs for the pipeline throughput (default ${DEFAULT-VALUE}).")
    private int stfs;

    @Option(names = "--pipeline-config", defaultValue = "fast_processing", paramLabel = "CONFIG",
            description = "Config of the pipeline and of the fast end-to-end run (default ${DEFAULT-VALUE}).")
    private String pipelineConfig;

    private String launcher;
    private BenchmarkRow supervisordFloor;
    private BenchmarkRow javaFloor;

    BenchmarkCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() throws Exception {
        launcher = System.getProperty("testbed.launcher");
        if (launcher == null) {
            throw new TestbedException("The benchmark runs the installed 'testbed' launcher, but this JVM was not"
                    + " started by it. Run it as bin/testbed benchmark");
        }
        if (runs < 1) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, not " + runs);
        }
        if (warmups < 0) {
            throw new ParameterException(spec.commandLine(), "--warmups must be 0 or more, not " + warmups);
        }
        for (String part : only) {
            if (!PARTS.contains(part)) {
                throw new ParameterException(spec.commandLine(), "Unknown part '" + part + "' in --only: use "
                        + String.join(", ", PARTS));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("testbed benchmark: %d measured run(s) of each figure after %d warm-up run(s)%n", runs, warmups);
        section(out, "Floors, measured now");
        supervisordFloor = measureSupervisordFloor();
        javaFloor = measureJavaFloor();
        print(out, supervisordFloor);
        print(out, javaFloor);
        Orchestrator orchestrator = home.orchestrator();
        orchestrator.stopAgents();
        try {
            if (only.contains("run")) {
                benchmarkRun(out, orchestrator);
            }
            if (only.contains("trivial") || only.contains("jvm") || only.contains("pipeline")) {
                try (ExternalBroker broker = ExternalBroker.start()) {
                    if (only.contains("trivial") || only.contains("jvm")) {
                        benchmarkExternalBrokerRuns(out, broker);
                    }
                    if (only.contains("pipeline")) {
                        benchmarkPipeline(out, broker);
                    }
                }
            }
            if (only.contains("fresh")) {
                benchmarkFreshHome(out);
            }
            if (only.contains("fast") || only.contains("pss") || only.contains("status")) {
                benchmarkFastRun(out, orchestrator);
            }
            if (only.contains("version")) {
                section(out, "testbed --version");
                List<Long> versions = new ArrayList<>();
                for (int i = 0; i < warmups + runs; i++) {
                    long millis = child(List.of(launcher, "--version"), childEnvironment(Map.of()), null).millis();
                    measured(i, versions, millis);
                }
                print(out, row("testbed --version, to exit", Unit.MILLISECONDS, versions).against(javaFloor));
            }
            if (only.contains("mcp")) {
                benchmarkMcp(out, orchestrator);
            }
        } finally {
            orchestrator.stopAgents();
        }
        out.println();
        out.println("Ratios are medians over the floor's median. Figures depend on the machine and its load: compare"
                + " ratios, not milliseconds, between machines.");
        out.flush();
        return ExitCode.OK.code;
    }

    // ---------------------------------------------------------------------------------------
    // floors

    /**
     * What supervisord alone costs: shut down a running supervisord, start a new one, and start a
     * group of four programs that are up at once (startsecs=0), on a scratch config of its own.
     */
    private BenchmarkRow measureSupervisordFloor() throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("testbed-bench-floor-");
        Path conf = directory.resolve("supervisord.conf");
        Path pidFile = directory.resolve("supervisord.pid");
        Path socket = directory.resolve("s.sock");
        StringBuilder text = new StringBuilder()
                .append("[unix_http_server]\nfile=").append(socket).append("\nchmod=0700\n\n")
                .append("[supervisord]\nlogfile=").append(directory.resolve("supervisord.log"))
                .append("\npidfile=").append(pidFile).append("\nchildlogdir=").append(directory)
                .append("\nnodaemon=false\n\n")
                .append("[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory"
                        + " = supervisor.rpcinterface:make_main_rpcinterface\n\n")
                .append("[supervisorctl]\nserverurl=unix://").append(socket).append("\n\n");
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            names.add("trivial" + i);
            text.append("[program:trivial").append(i).append("]\ncommand=sleep 600\nautostart=false\nstartsecs=0\n")
                    .append("stdout_logfile=").append(directory.resolve("trivial" + i + ".log"))
                    .append("\nredirect_stderr=true\n\n");
        }
        text.append("[group:trivial]\nprograms=").append(String.join(",", names)).append('\n');
        Files.writeString(conf, text.toString());
        List<Long> millis = new ArrayList<>();
        try {
            for (int i = 0; i < warmups + runs; i++) {
                long start = System.nanoTime();
                shutDownSupervisord(conf, pidFile);
                child(List.of("supervisord", "-c", conf.toString()), childEnvironment(Map.of()), null);
                // Polled on its socket: a supervisorctl per poll would add a Python start to the floor.
                Await.until("the floor's supervisord to listen", Duration.ofSeconds(30),
                        () -> accepts(socket) ? Optional.of(true) : Optional.empty());
                child(List.of("supervisorctl", "-c", conf.toString(), "start", "trivial:*"),
                        childEnvironment(Map.of()), null);
                measured(i, millis, millisSince(start));
            }
        } finally {
            try {
                shutDownSupervisord(conf, pidFile);
            } finally {
                deleteTree(directory);
            }
        }
        return row(SUPERVISORD_FLOOR, Unit.MILLISECONDS, millis);
    }

    /** A bare start of the JVM that runs the testbed, to its exit. */
    private BenchmarkRow measureJavaFloor() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            measured(i, millis, child(List.of(java, "-version"), childEnvironment(Map.of()), null).millis());
        }
        return row(JAVA_FLOOR, Unit.MILLISECONDS, millis);
    }

    /** @return whether {@code supervisorctl ARGUMENT} succeeded, i.e. the daemon answers */
    private static boolean ctl(Path conf, String argument) {
        try {
            Process process = new ProcessBuilder("supervisorctl", "-c", conf.toString(), argument)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor() == 0;
        } catch (IOException e) {
            throw new TestbedException("Cannot run supervisorctl for the benchmark's floor: " + e.getMessage()
                    + ". Install supervisor (pip install supervisor)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("Interrupted", e);
        }
    }

    private static boolean accepts(Path socket) {
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            return channel.connect(java.net.UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /** Shuts the supervisord of {@code conf} down, if it runs, and waits until it has exited. */
    private static void shutDownSupervisord(Path conf, Path pidFile) {
        Optional<ProcessHandle> daemon = pidOf(pidFile);
        if (daemon.isEmpty()) {
            return;
        }
        ctl(conf, "shutdown");
        try {
            Await.until("supervisord " + daemon.get().pid() + " to exit", Duration.ofSeconds(40),
                    () -> daemon.get().isAlive() ? Optional.empty() : Optional.of(true));
        } catch (RuntimeException e) {
            // It did not listen to shutdown: its programs end with it, as they are in its group.
            daemon.get().destroyForcibly();
            throw e;
        }
    }

    private static Optional<ProcessHandle> pidOf(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------
    // parts

    /** This home's {@code testbed run --fast} to its execution id, and its steps as the CLI measures them. */
    private void benchmarkRun(PrintWriter out, Orchestrator orchestrator) {
        section(out, "testbed run --fast on this home (" + home.home() + ")");
        List<Long> totals = new ArrayList<>();
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        for (int i = 0; i < warmups + runs; i++) {
            Child run = child(List.of(launcher, "--home", home.home().toString(), "run", "--fast", "-v", "--timeout",
                    SLOW_MACHINE_TIMEOUT), childEnvironment(Map.of()), TRIGGERED);
            orchestrator.stopAgents();
            if (i < warmups) {
                continue;
            }
            totals.add(run.millis());
            for (String line : run.err()) {
                Matcher step = STEP_LINE.matcher(line);
                if (step.matches()) {
                    steps.computeIfAbsent(step.group(1), s -> new ArrayList<>()).add(Long.parseLong(step.group(2)));
                }
            }
        }
        print(out, row("testbed run --fast, invocation to execution id", Unit.MILLISECONDS, totals)
                .against(supervisordFloor));
        steps.forEach((step, values) -> print(out, row("  step (measured by the CLI): " + step, Unit.MILLISECONDS,
                values)));
    }

    /** Runner and four agents on a broker that is up already: first sleep programs, then built-in JVM agents. */
    private void benchmarkExternalBrokerRuns(PrintWriter out, ExternalBroker broker) throws IOException {
        section(out, "testbed run on a scratch home, external broker already up");
        try (ScratchHome scratch = ScratchHome.create(this, broker.login(), true)) {
            StringBuilder sleepers = new StringBuilder();
            for (int i = 1; i <= 4; i++) {
                sleepers.append("[agents.sleep").append(i)
                        .append("]\ncommand = [\"sleep\", \"600\"]\nstartsecs = 0\n\n");
            }
            scratch.writeConfig("bench_trivial", "bench-trivial", sleepers.toString(), broker);
            scratch.writeConfig("bench_jvm", "bench-jvm", """
                    [agents.data]
                    enabled = true
                    [agents.processing]
                    enabled = true
                    [agents.fastmon]
                    enabled = true
                    [agents.fast_processing]
                    enabled = true
                    """, broker);
            if (only.contains("trivial")) {
                print(out, row("testbed run, runner + 4 sleep agents, to execution id", Unit.MILLISECONDS,
                        timeRuns(scratch, "bench_trivial")).against(supervisordFloor));
            }
            if (only.contains("jvm")) {
                print(out, row("testbed run, runner + 4 built-in agents READY, to execution id", Unit.MILLISECONDS,
                        timeRuns(scratch, "bench_jvm")).against(supervisordFloor));
            }
        }
    }

    private List<Long> timeRuns(ScratchHome scratch, String config) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            Child run = child(List.of(launcher, "--home", scratch.home.toString(), "run", config, "--timeout",
                    SLOW_MACHINE_TIMEOUT), scratch.environment, TRIGGERED);
            scratch.orchestrator().stopAgents();
            measured(i, millis, run.millis());
        }
        return millis;
    }

    /** The default {@code testbed run} of a home {@code testbed init} has just made, embedded broker included. */
    private void benchmarkFreshHome(PrintWriter out) throws IOException {
        section(out, "testbed run on a fresh home (testbed init, then run; embedded broker)");
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            try (ScratchHome scratch = ScratchHome.create(this, Map.of(), false)) {
                Child run = child(List.of(launcher, "--home", scratch.home.toString(), "run", "--timeout",
                        SLOW_MACHINE_TIMEOUT), scratch.environment, TRIGGERED);
                measured(i, millis, run.millis());
            }
        }
        print(out, row("testbed run, fresh home, embedded broker, to execution id", Unit.MILLISECONDS, millis)
                .against(supervisordFloor));
    }

    /**
     * The fast-processing pipeline on a virtual clock, its agents started once on a scratch home
     * whose broker is the benchmark's own, so that every message the pipeline sends is counted at
     * the broker: the broadcasts on epictopic, the slices and the slice results.
     */
    private void benchmarkPipeline(PrintWriter out, ExternalBroker broker) throws IOException, InterruptedException {
        section(out, "Fast-processing pipeline, virtual clock, " + stfs + " STFs (" + pipelineConfig + ")");
        try (ScratchHome scratch = ScratchHome.create(this, broker.login(), true)) {
            scratch.withBrokerUrl(pipelineConfig, broker);
            Orchestrator orchestrator = scratch.orchestrator();
            TestbedConfig config = orchestrator.loadConfig(pipelineConfig);
            String namespace = config.namespace();
            List<String> addresses = List.of(Destinations.EPICTOPIC.name(), Destinations.sliceQueue(namespace).name(),
                    Destinations.sliceResults(namespace).name());
            // Started by a child, as its programs take the external broker's login from the environment
            // of whoever starts supervisord.
            child(List.of(launcher, "--home", scratch.home.toString(), "run", pipelineConfig, "--no-workflow",
                    "--timeout", SLOW_MACHINE_TIMEOUT), scratch.environment, null);
            Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
            Map<String, Object> summary = new ConcurrentHashMap<>();
            List<Long> millis = new ArrayList<>();
            List<Long> messages = new ArrayList<>();
            List<Long> rates = new ArrayList<>();
            JsonCodec codec = new JsonCodec();
            try (MessageBus bus = new JmsMessageBusFactory().connect(broker.endpoint(), "benchmark",
                    Duration.ofSeconds(10))) {
                // Subscribed only to see the run end; the messages are counted at the broker.
                bus.subscribe(Destinations.EPICTOPIC, message -> {
                    Map<String, Object> fields = codec.decodeObject(message.body());
                    if (!namespace.equals(fields.get("namespace"))) {
                        return;
                    }
                    String type = String.valueOf(fields.get("msg_type"));
                    counts.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
                    if ("processing_summary".equals(type)) {
                        summary.putAll(fields);
                    }
                });
                for (int i = 0; i < warmups + runs; i++) {
                    counts.clear();
                    summary.clear();
                    Map<String, Long> before = broker.messagesSent(addresses);
                    long start = System.nanoTime();
                    RunResult run = orchestrator.startWorkflow(new RunOptions(null, true, false,
                            Map.of("stf_count", stfs, "physics_period_count", 1), "benchmark"));
                    // A run whose messages were partly dropped (a lagging subscriber's epictopic ring)
                    // never reaches the full counts: once its last summary says every slice is
                    // answered and the broker has carried nothing for a while, it is over, short.
                    long[] lastTraffic = {System.nanoTime(), -1};
                    Await.until(stfs + " STFs through the pipeline", Duration.ofMinutes(30), () -> {
                        if (done(counts, summary, run.executionId())) {
                            return Optional.of(true);
                        }
                        long total = broker.messagesSent(addresses).values().stream().mapToLong(Long::longValue).sum();
                        if (total != lastTraffic[1]) {
                            lastTraffic[0] = System.nanoTime();
                            lastTraffic[1] = total;
                        }
                        boolean quiet = System.nanoTime() - lastTraffic[0] > PIPELINE_QUIET.toNanos();
                        return quiet && allAnswered(summary, run.executionId()) ? Optional.of(false) : Optional.empty();
                    });
                    long took = Math.max(1, millisSince(start));
                    if (!done(counts, summary, run.executionId())) {
                        // Its time ends with its last message, not with the wait for the missing ones.
                        took = Math.max(1, (lastTraffic[0] - start) / 1_000_000);
                        long files = ((Number) summary.getOrDefault("tf_files_received", 0)).longValue();
                        out.printf("  (run %d is short: fast processing received %d of %d TF files; the rest were"
                                + " dropped on the way)%n", i + 1, files, 7L * stfs);
                    }
                    Map<String, Long> after = broker.messagesSent(addresses);
                    Map<String, Long> byAddress = new LinkedHashMap<>();
                    addresses.forEach(a -> byAddress.put(a, after.get(a) - before.get(a)));
                    long sent = byAddress.values().stream().mapToLong(Long::longValue).sum();
                    out.printf("  (run %d: %d ms, messages by address %s)%n", i + 1, took, byAddress);
                    out.flush();
                    if (i >= warmups) {
                        millis.add(took);
                        messages.add(sent);
                        rates.add(sent * 1000 / took);
                    }
                }
            }
            print(out, row("pipeline, " + stfs + " STFs, trigger to its last summary", Unit.MILLISECONDS, millis));
            print(out, row("pipeline, messages counted at the broker", Unit.MESSAGES, messages));
            print(out, row("pipeline throughput", Unit.MESSAGES_PER_SECOND, rates));
        }
    }

    /** @return whether fast processing's summary says the run ended with every slice it made answered */
    private static boolean allAnswered(Map<String, Object> summary, String executionId) {
        return executionId.equals(summary.get("execution_id")) && Boolean.TRUE.equals(summary.get("run_ended"))
                && summary.get("slices_completed") != null
                && summary.get("slices_completed").equals(summary.get("slices_created"));
    }

    private boolean done(Map<String, AtomicLong> counts, Map<String, Object> summary, String executionId) {
        // Fast monitoring registers 7 TF files per STF; a summary before the last of them arrived
        // would end the clock while slices are still to come.
        return count(counts, "end_run") >= 1 && count(counts, "stf_ready") >= stfs
                && count(counts, "tf_file_registered") >= 7L * stfs
                && executionId.equals(summary.get("execution_id")) && Boolean.TRUE.equals(summary.get("run_ended"))
                && summary.get("slices_completed") != null
                && summary.get("slices_completed").equals(summary.get("slices_created"))
                && ((Number) summary.getOrDefault("tf_files_received", 0)).longValue() >= 7L * stfs;
    }

    /**
     * {@code testbed run --fast --wait CONFIG} on this home, end to end; then, with its programs
     * still running, the memory of each and a {@code testbed status}.
     */
    private void benchmarkFastRun(PrintWriter out, Orchestrator orchestrator) {
        section(out, "testbed run --fast --wait " + pipelineConfig + " on this home, then its programs' memory and"
                + " testbed status");
        List<Long> ends = new ArrayList<>();
        List<Long> statuses = new ArrayList<>();
        Map<String, List<Double>> pss = new LinkedHashMap<>();
        List<Double> totals = new ArrayList<>();
        int programs = 0;
        for (int i = 0; i < warmups + runs; i++) {
            Child run = child(List.of(launcher, "--home", home.home().toString(), "run", "--fast", "--wait",
                    pipelineConfig, "--timeout", SLOW_MACHINE_TIMEOUT), childEnvironment(Map.of()), null);
            Map<String, Double> memory = new LinkedHashMap<>();
            for (ProgramReport program : orchestrator.status().programs()) {
                if (program.pid() > 0) {
                    memory.put(program.name(), pssMegabytes(program.pid()));
                }
            }
            Child status = child(List.of(launcher, "--home", home.home().toString(), "status"),
                    childEnvironment(Map.of()), null);
            orchestrator.stopAgents();
            if (i < warmups) {
                continue;
            }
            ends.add(run.millis());
            statuses.add(status.millis());
            memory.forEach((name, megabytes) -> pss.computeIfAbsent(name, n -> new ArrayList<>()).add(megabytes));
            totals.add(memory.values().stream().mapToDouble(Double::doubleValue).sum());
            programs = memory.size();
        }
        if (only.contains("fast")) {
            print(out, row("testbed run --fast --wait " + pipelineConfig + ", end to end", Unit.MILLISECONDS, ends)
                    .against(supervisordFloor));
        }
        if (only.contains("pss")) {
            pss.forEach((name, values) -> print(out, row("PSS of " + name, Unit.MEGABYTES, values)));
            print(out, row("PSS, total of the " + programs + " programs", Unit.MEGABYTES, totals));
        }
        if (only.contains("status")) {
            print(out, row("testbed status, running testbed, to exit", Unit.MILLISECONDS, statuses)
                    .against(javaFloor));
        }
    }

    /** @return the proportional set size of a process in MB (1024 kB), from /proc/PID/smaps_rollup */
    static double pssMegabytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            throw new TestbedException("No Pss line in /proc/" + pid + "/smaps_rollup");
        } catch (IOException e) {
            throw new TestbedException("Cannot read the memory of process " + pid + " (/proc/" + pid
                    + "/smaps_rollup): " + e.getMessage() + ". It needs Linux 4.14 or later", e);
        }
    }

    private void benchmarkMcp(PrintWriter out, Orchestrator orchestrator) throws Exception {
        section(out, "MCP tools through 'testbed mcp' and the agent manager");
        Path logs = Files.createDirectories(home.home().resolve("logs"));
        Process manager = new ProcessBuilder(launcher, "--home", home.home().toString(), "agent-manager")
                .redirectErrorStream(true).redirectOutput(logs.resolve("agent-manager.log").toFile()).start();
        ServerParameters server = ServerParameters.builder(launcher).args("--home", home.home().toString(), "mcp")
                .build();
        StdioClientTransport transport = new StdioClientTransport(server, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> { });
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(90))
                .initializationTimeout(Duration.ofSeconds(30)).build();
        try {
            client.initialize();
            // Also the warm-up of check_agent_manager.
            Await.until("the agent manager to answer check_agent_manager", Duration.ofSeconds(60),
                    () -> Boolean.TRUE.equals(call(client, "check_agent_manager").isError()) ? Optional.empty()
                            : Optional.of(true));
            List<Long> pings = new ArrayList<>();
            for (int i = 0; i < Math.max(5, runs * 5); i++) {
                long start = System.nanoTime();
                requireOk(call(client, "check_agent_manager"), "check_agent_manager");
                pings.add(millisSince(start));
            }
            List<Long> starts = new ArrayList<>();
            for (int i = 0; i < warmups + runs; i++) {
                long start = System.nanoTime();
                requireOk(call(client, "start_user_testbed"), "start_user_testbed");
                measured(i, starts, millisSince(start));
                requireOk(call(client, "stop_user_testbed"), "stop_user_testbed");
            }
            print(out, row("MCP check_agent_manager round trip", Unit.MILLISECONDS, pings));
            print(out, row("MCP start_user_testbed round trip", Unit.MILLISECONDS, starts).against(supervisordFloor));
        } finally {
            client.closeGracefully();
            manager.destroy();
            manager.waitFor();
            orchestrator.stopAgents();
        }
    }

    // ---------------------------------------------------------------------------------------
    // helpers

    private static void section(PrintWriter out, String title) {
        out.println();
        out.println(title + ":");
        out.println(BenchmarkRow.header());
        out.flush();
    }

    private static void print(PrintWriter out, BenchmarkRow row) {
        out.println(row.format());
        out.flush();
    }

    private static BenchmarkRow row(String label, Unit unit, List<? extends Number> values) {
        return BenchmarkRow.of(label, unit, values);
    }

    /** Keeps {@code value} unless it is of a warm-up run, which come first. */
    private void measured(int run, List<Long> values, long value) {
        if (run >= warmups) {
            values.add(value);
        }
    }

    private static long count(Map<String, AtomicLong> counts, String type) {
        AtomicLong count = counts.get(type);
        return count == null ? 0 : count.get();
    }

    private static CallToolResult call(McpSyncClient client, String tool) {
        return client.callTool(new CallToolRequest(tool, Map.of()));
    }

    private static void requireOk(CallToolResult result, String tool) {
        if (Boolean.TRUE.equals(result.isError())) {
            throw new TestbedException(tool + " failed during the benchmark: " + result.content());
        }
    }

    /**
     * @param extra variables to add, e.g. an external broker's login
     * @return this process's environment for a child that names its home with {@code --home} and
     *     finds its config as a user's would
     */
    Map<String, String> childEnvironment(Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(home.environment().variables());
        environment.remove(TestbedEnvironment.HOME_VARIABLE);
        environment.remove(TestbedEnvironment.CONFIG_VARIABLE);
        environment.putAll(extra);
        return environment;
    }

    /**
     * What a child printed, and how long it took to print the awaited line (or to exit).
     *
     * @param millis from its start to the awaited line, or to its exit
     * @param out its stdout lines
     * @param err its stderr lines
     */
    record Child(long millis, List<String> out, List<String> err) {
    }

    /**
     * Runs a command and reads its output as it comes.
     *
     * @param command the command line
     * @param environment its whole environment
     * @param until stop the clock when a stdout line starts with this; null to stop it at the exit
     * @return the time and output
     * @throws TestbedException when it fails, never prints the line, or outlives {@link #CHILD_LIMIT}
     */
    static Child child(List<String> command, Map<String, String> environment, String until) {
        String shown = String.join(" ", command);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        List<String> out = new ArrayList<>();
        List<String> err = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            long start = System.nanoTime();
            Process process = builder.start();
            Thread errors = new Thread(() -> process.errorReader(StandardCharsets.UTF_8).lines().forEach(err::add),
                    "benchmark-stderr");
            errors.setDaemon(true);
            errors.start();
            Thread watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor(CHILD_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            }, "benchmark-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            long atLine = -1;
            try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (until != null && atLine < 0 && line.startsWith(until)) {
                        atLine = millisSince(start);
                    }
                    out.add(line);
                }
            }
            int code = process.waitFor();
            long atExit = millisSince(start);
            errors.join(10_000);
            watchdog.interrupt();
            if (code != 0) {
                throw new TestbedException("'" + shown + "' exited with " + code + " during the benchmark: "
                        + String.join(" | ", tail(err)));
            }
            if (until != null && atLine < 0) {
                throw new TestbedException("'" + shown + "' never printed '" + until + "' during the benchmark: "
                        + String.join(" | ", tail(out)));
            }
            return new Child(until == null ? atExit : atLine, out, List.copyOf(err));
        } catch (IOException e) {
            throw new TestbedException("Cannot run '" + shown + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("Interrupted", e);
        }
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 10), lines.size());
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new TestbedException("Cannot remove the benchmark's " + root + ": " + e.getMessage()
                    + ". Remove it by hand", e);
        }
    }

    HomeServices home() {
        return home;
    }

    String launcher() {
        return launcher;
    }

    /**
     * A broker that is up before the runs that use it, as an external broker would be: in this
     * JVM, on free ports, with a login of its own, so that it can count what is sent to it.
     */
    static final class ExternalBroker implements AutoCloseable {

        private final EmbeddedBroker broker;
        private final String user;
        private final String password;

        private ExternalBroker(EmbeddedBroker broker, String user, String password) {
            this.broker = broker;
            this.user = user;
            this.password = password;
        }

        static ExternalBroker start() {
            String user = "benchmark";
            String password = java.util.UUID.randomUUID().toString();
            int[] ports = freePorts();
            EmbeddedBroker broker = EmbeddedBroker.start(BrokerOptions.defaults().withPorts(ports[0], ports[1])
                    .withSecurity(BrokerSecurity.ownerOnly(user, password)));
            return new ExternalBroker(broker, user, password);
        }

        /** @return the login programs get for a config whose {@code [broker] url} names this broker */
        Map<String, String> login() {
            return Map.of("ACTIVEMQ_USER", user, "ACTIVEMQ_PASSWORD", password);
        }

        String url() {
            return broker.amqpUrl();
        }

        BrokerEndpoint endpoint() {
            return new BrokerEndpoint(broker.amqpUrl(), user, password, null);
        }

        /** @return for each address, the messages sent to it so far */
        Map<String, Long> messagesSent(List<String> addresses) {
            Map<String, Long> counts = new LinkedHashMap<>();
            addresses.forEach(address -> counts.put(address, broker.messagesSent(address)));
            return counts;
        }

        @Override
        public void close() {
            broker.close();
        }

        private static int[] freePorts() {
            try (var amqp = new java.net.ServerSocket(0); var stomp = new java.net.ServerSocket(0)) {
                return new int[] {amqp.getLocalPort(), stomp.getLocalPort()};
            } catch (IOException e) {
                throw new TestbedException("No free port for the benchmark's broker: " + e.getMessage(), e);
            }
        }
    }

    /**
     * A testbed home in the temp folder that {@code testbed init} made, optionally with this home's
     * configs copied in. {@link #close()} stops its programs and its supervisord and removes the
     * home and its runtime directory, each step even when an earlier one failed.
     */
    static final class ScratchHome implements AutoCloseable {

        final Path home;
        final Map<String, String> environment;
        private final HomeServices services;

        private ScratchHome(Path home, Map<String, String> environment) {
            this.home = home;
            this.environment = environment;
            this.services = new HomeServices(TestbedEnvironment.of(environment), () -> home);
        }

        /**
         * @param benchmark the running benchmark
         * @param extra environment variables of the home's commands, e.g. a broker login
         * @param withConfigsOfThisHome whether to copy the benchmark home's workflows/ in
         * @return the new home
         */
        static ScratchHome create(BenchmarkCommand benchmark, Map<String, String> extra, boolean withConfigsOfThisHome)
                throws IOException {
            Path directory = Files.createTempDirectory("testbed-bench-");
            ScratchHome scratch = new ScratchHome(directory, benchmark.childEnvironment(extra));
            try {
                child(List.of(benchmark.launcher(), "--home", directory.toString(), "init"), scratch.environment, null);
                Path ours = benchmark.home().home().resolve("workflows");
                if (withConfigsOfThisHome && Files.isDirectory(ours)) {
                    try (var files = Files.list(ours)) {
                        for (Path file : files.filter(Files::isRegularFile).toList()) {
                            Files.copy(file, directory.resolve("workflows").resolve(file.getFileName()),
                                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                return scratch;
            } catch (RuntimeException | IOException e) {
                scratch.close();
                throw e;
            }
        }

        Orchestrator orchestrator() {
            return services.orchestrator();
        }

        /** Writes workflows/NAME.toml: these agents, a one-STF workflow on the virtual clock, and the broker. */
        void writeConfig(String name, String namespace, String agents, ExternalBroker broker) throws IOException {
            Files.writeString(home.resolve("workflows").resolve(name + ".toml"), """
                    [testbed]
                    namespace = "%s"

                    %s
                    [workflow]
                    name = "stf_datataking"
                    config = "stf_datataking_default"
                    realtime = false

                    [parameters]
                    stf_count = 1

                    [broker]
                    url = "%s"
                    """.formatted(namespace, agents, broker.url()));
        }

        /** Points the config CONFIG of this home at {@code broker}. */
        void withBrokerUrl(String config, ExternalBroker broker) throws IOException {
            Path file = services.configLocator().locate(config);
            String text = Files.readString(file);
            if (text.lines().anyMatch(line -> line.strip().equals("[broker]"))) {
                throw new TestbedException(file + " has a [broker] table of its own: the pipeline benchmark counts"
                        + " messages at a broker of its own. Use a config without one (--pipeline-config)");
            }
            Files.writeString(file, text + "\n[broker]\nurl = \"" + broker.url() + "\"\n");
        }

        @Override
        public void close() {
            Path conf = home.resolve("agents.supervisord.conf");
            var layout = org.swf.testbed.supervisor.SupervisorLayout.forHome(home);
            try {
                if (Files.exists(conf)) {
                    services.orchestrator().stopAgents();
                }
            } finally {
                try {
                    if (Files.exists(conf)) {
                        shutDownSupervisord(conf, layout.pidFile());
                    }
                } finally {
                    deleteTree(layout.runtimeDir());
                    deleteTree(home);
                }
            }
        }
    }
}
