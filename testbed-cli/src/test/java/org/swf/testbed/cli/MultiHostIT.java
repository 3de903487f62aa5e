package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.swf.testbed.cli.FastProcessingMessages.count;
import static org.swf.testbed.cli.FastProcessingMessages.lastSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.util.ListeningSockets;

/**
 * One testbed on three hosts, stood in for on one machine: three homes with distinct host names
 * ({@code TESTBED_HOST} hostA, hostB, hostC), a real supervisord in each, one shared broker that
 * requires a login, and the agent managers of hostB and hostC as real processes. {@code testbed
 * run} on hostA starts its programs and has hostB's and hostC's managers start the workers the
 * config puts there; the fast-processing run's counts are exact with slices answered on both
 * hosts; {@code testbed scale} puts a new copy on the host the config names; {@code status} shows
 * every host's programs and names a host whose manager is gone; {@code run} refuses to start half
 * a testbed unless {@code --partial}; {@code stop-agents} stops every host.
 */
class MultiHostIT {

    private static final int STFS = 10;

    private final JsonCodec codec = new JsonCodec();
    private final String namespace = "it-hosts-" + ProcessHandle.current().pid();
    private final TestbedHome broker = new TestbedHome("it-hosts-broker");
    private final TestbedHome hostA = new TestbedHome(namespace).withEnvironment("TESTBED_HOST", "hostA");
    private final TestbedHome hostB = new TestbedHome(namespace).withEnvironment("TESTBED_HOST", "hostB");
    private final TestbedHome hostC = new TestbedHome(namespace).withEnvironment("TESTBED_HOST", "hostC");
    private final Map<TestbedHome, Process> managers = new ConcurrentHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (TestbedHome host : List.of(hostA, hostB, hostC)) {
            host.cli("stop-agents");
        }
        for (Process process : managers.values()) {
            process.destroy();
            process.waitFor();
        }
        for (Process process : processes) {
            process.destroy();
            process.waitFor();
        }
        for (TestbedHome home : List.of(hostA, hostB, hostC, broker)) {
            home.close();
        }
    }

    @Test
    void aTestbedSpreadOverThreeHostsStartsRunsIsObservedAndStopsAsOne() throws Exception {
        startSharedBroker();
        String config = spreadConfig();
        for (TestbedHome host : List.of(hostA, hostB, hostC)) {
            host.useLoginOf(broker);
            host.configAsGiven("spread.toml", config);
        }
        startManager(hostB);
        startManager(hostC);

        TestbedHome.Result run = hostA.cli("run", "spread", "--fast", "--no-workflow");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("hostB started worker-agent, worker-agent-3")
                .contains("hostC started worker-agent-2");
        Map<String, Map<String, Object>> programs = programsByName(hostA.cli("status", "--json").out());
        assertThat(programs).containsKeys("workflow-runner", "data-agent", "fast_processing-agent", "worker-agent",
                "worker-agent-2", "worker-agent-3");
        assertThat(programs.get("workflow-runner")).containsEntry("host", "hostA");
        assertThat(programs.get("worker-agent")).containsEntry("host", "hostB").containsEntry("agent", "worker");
        assertThat(programs.get("worker-agent-2")).containsEntry("host", "hostC");
        assertThat(programs.get("worker-agent-3")).containsEntry("host", "hostB");
        assertThat(programs.values()).allSatisfy(program -> assertThat(program).containsEntry("state", "RUNNING")
                .containsEntry("operational_state", "READY"));
        assertThat(hostA.processesOfThisHome()).isNotEmpty();
        assertThat(hostB.processesOfThisHome()).hasSize(2);
        assertThat(hostC.processesOfThisHome()).hasSize(1);
        assertThat(hostA.cli("status").out()).contains("HOST").contains("hostB").contains("hostC");

        Map<String, Set<String>> hostsOfProcessingWorkers = new ConcurrentHashMap<>();
        List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
        try (MessageBus bus = new JmsMessageBusFactory().connect(broker.endpoint(), "it-hosts",
                Duration.ofSeconds(10))) {
            bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
            bus.subscribe(Destinations.HEARTBEATS, message -> {
                Map<String, Object> heartbeat = codec.decodeObject(message.body());
                if (namespace.equals(heartbeat.get("namespace")) && "PROCESSING".equals(
                        heartbeat.get("operational_state")) && String.valueOf(heartbeat.get("program"))
                        .startsWith("worker-agent")) {
                    hostsOfProcessingWorkers.computeIfAbsent(String.valueOf(heartbeat.get("hostname")),
                            host -> ConcurrentHashMap.newKeySet()).add(String.valueOf(heartbeat.get("program")));
                }
            });
            FastProcessingMessages.runFast(bus, codec, namespace);
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                Map<String, Object> summary = lastSummary(epictopic);
                return summary != null && Boolean.TRUE.equals(summary.get("run_ended"))
                        && summary.get("slices_completed").equals(summary.get("slices_created"));
            });
            assertThat(count(epictopic, "stf_gen")).isEqualTo(STFS);
            assertThat(count(epictopic, "stf_ready")).isEqualTo(STFS);
            assertThat(count(epictopic, "tf_file_registered")).isEqualTo(7 * STFS);
            assertThat(lastSummary(epictopic)).containsEntry("slices_failed", 0)
                    .containsEntry("duplicate_answers", 0);
            // Slices were answered on both hosts, by workers whose heartbeats name them.
            assertThat(hostsOfProcessingWorkers).containsOnlyKeys("hostB", "hostC");
            assertThat(hostsOfProcessingWorkers.get("hostB")).isSubsetOf("worker-agent", "worker-agent-3");
            assertThat(hostsOfProcessingWorkers.get("hostC")).containsExactly("worker-agent-2");
        }

        // A fourth worker goes where the agent's hosts put it (hostC); nothing else restarts.
        Map<String, Map<String, Object>> beforeScale = programsByName(hostA.cli("status", "--json").out());
        TestbedHome.Result up = hostA.cli("scale", "worker", "4");
        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.out()).contains("Agent worker: 3 -> 4 copies").contains("Started (ready): worker-agent-4");
        Map<String, Map<String, Object>> scaled = programsByName(hostA.cli("status", "--json").out());
        assertThat(scaled.get("worker-agent-4")).containsEntry("host", "hostC").containsEntry("state", "RUNNING")
                .containsEntry("operational_state", "READY");
        beforeScale.forEach((name, program) -> assertThat(scaled.get(name)).as(name)
                .containsEntry("pid", program.get("pid")));
        assertThat(hostC.processesOfThisHome()).hasSize(2);
        TestbedHome.Result down = hostA.cli("scale", "worker", "3");
        assertThat(down.code()).as(down.err()).isZero();
        assertThat(down.out()).contains("Stopped: worker-agent-4");
        await().atMost(Duration.ofSeconds(20)).until(() -> hostC.processesOfThisHome().size() == 1);

        // hostC's manager goes: status names the host and what to do; its program is not observed.
        kill(managers.remove(hostC));
        TestbedHome.Result status = hostA.cli("status", "--json");
        assertThat(status.code()).isEqualTo(StatusCommand.PROGRAM_FAILING);
        Map<String, Object> observed = codec.decodeObject(status.out());
        assertThat(programsByName(status.out()).get("worker-agent-2")).containsEntry("state", "UNKNOWN")
                .containsEntry("host", "hostC").containsEntry("failing", true);
        assertThat((List<?>) observed.get("problems")).map(String::valueOf).anySatisfy(problem -> assertThat(problem)
                .contains("hostC's agent manager does not answer").contains("TESTBED_HOST=hostC"));

        // stop-agents stops every host it can reach and names the one it cannot.
        TestbedHome.Result stop = hostA.cli("stop-agents");
        assertThat(stop.code()).as(stop.err()).isEqualTo(ExitCode.UNAVAILABLE.code);
        assertThat(stop.out()).contains("worker-agent").contains("worker-agent-3").contains("workflow-runner");
        assertThat(stop.err()).contains("hostC did not stop its programs");
        assertThat(hostA.processesOfThisHome()).isEmpty();
        assertThat(hostB.processesOfThisHome()).isEmpty();
        assertThat(hostC.processesOfThisHome()).as("hostC's supervisord runs on without its manager").hasSize(1);
        startManager(hostC);
        TestbedHome.Result stopAgain = hostA.cli("stop-agents");
        assertThat(stopAgain.code()).as(stopAgain.err()).isZero();
        assertThat(stopAgain.out()).contains("worker-agent-2");
        assertThat(hostC.processesOfThisHome()).isEmpty();

        // Without hostC's manager, run starts nothing and says what to do; --partial starts the rest.
        kill(managers.remove(hostC));
        TestbedHome.Result refused = hostA.cli("run", "spread", "--no-workflow");
        assertThat(refused.code()).isEqualTo(ExitCode.UNAVAILABLE.code);
        assertThat(refused.err()).contains("Nothing started").contains("hostC's agent manager does not answer")
                .contains("worker-agent-2").contains("TESTBED_HOST=hostC").contains("--partial");
        assertThat(hostA.processesOfThisHome()).isEmpty();
        assertThat(hostB.processesOfThisHome()).isEmpty();
        TestbedHome.Result partial = hostA.cli("run", "spread", "--no-workflow", "--partial");
        assertThat(partial.code()).as(partial.err()).isZero();
        assertThat(partial.err()).contains("Started without it: hostC's agent manager does not answer");
        assertThat(hostB.processesOfThisHome()).hasSize(2);
        assertThat(hostC.processesOfThisHome()).isEmpty();
        TestbedHome.Result stopPartial = hostA.cli("stop-agents");
        assertThat(stopPartial.code()).as(stopPartial.err()).isZero();
        assertThat(hostB.processesOfThisHome()).isEmpty();
    }

    /** The shipped fast-processing testbed, with three workers on hostB and hostC and the shared broker. */
    private String spreadConfig() throws IOException {
        String shipped = Files.readString(hostA.home.resolve("workflows").resolve("fast_processing_default.toml"));
        String config = shipped.replaceFirst("namespace = \"[^\"]*\"", "namespace = \"" + namespace + "\"")
                .replaceFirst("(\\[agents\\.worker\\][^\\n]*\\n)", "$1replicas = 3\nhosts = [\"hostB\", \"hostC\"]\n"
                        + "environment = { SLICE_PROCESSING_MILLIS = \"20\" }\n")
                + "\n[broker]\nurl = \"" + broker.amqpUrl() + "\"\n";
        assertThat(config).contains("hosts = [\"hostB\", \"hostC\"]");
        return config;
    }

    private void startSharedBroker() throws IOException {
        Process process = broker.processBuilder("broker", "--amqp-port", Integer.toString(broker.amqpPort),
                "--stomp-port", Integer.toString(broker.stompPort)).redirectErrorStream(true)
                .redirectOutput(broker.home.resolve("broker-it.log").toFile()).start();
        processes.add(process);
        await().atMost(Duration.ofSeconds(60)).until(() -> !ListeningSockets.free("127.0.0.1", broker.amqpPort));
    }

    private void startManager(TestbedHome host) {
        try {
            Path log = host.home.resolve("agent-manager.log");
            long before = servingLines(log);
            Process process = host.processBuilder("agent-manager", "--config", "spread").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            managers.put(host, process);
            await().atMost(Duration.ofSeconds(60)).until(() -> servingLines(log) > before);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long servingLines(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log).lines().filter(line -> line.contains("serving /queue/"))
                .count() : 0;
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> programsByName(String statusJson) {
        Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
        for (Map<String, Object> program : (List<Map<String, Object>>) codec.decodeObject(statusJson)
                .get("programs")) {
            byName.put((String) program.get("name"), program);
        }
        return byName;
    }
}
