package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.messaging.JmsMessageBusFactory;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.WireReply;

/**
 * The agent manager under faults: a second one for the same user, a kill in the middle of a start,
 * and who owns the broker when the manager goes.
 */
class AgentManagerFaultsIT {

    private static final String USER = TestUser.primary().name;

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-manager-faults");
    private final List<Process> managers = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process manager : managers) {
            manager.destroy();
            if (!manager.waitFor(30, TimeUnit.SECONDS)) {
                manager.destroyForcibly();
            }
        }
        testbed.close();
    }

    @Test
    void aSecondAgentManagerOfTheUserLeavesAtOnceNamingTheFirst() throws Exception {
        testbed.quickWorkflow(1, "");
        startManager("first");
        long firstPid = ((Number) awaitPing().result().get("pid")).longValue();

        Process second = startManager("second");

        assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("the second manager exits within seconds").isTrue();
        String said = log("second");
        assertThat(second.exitValue()).as(said).isEqualTo(5);
        assertThat(said).contains("An agent manager for " + USER + " already runs").contains("pid " + firstPid);
        assertThat(awaitPing().result()).containsEntry("pid", (int) firstPid);
    }

    @Test
    void killedInTheMiddleOfAStartThenRestartedARetriedStartLeavesOneCopyOfEachProgram() throws Exception {
        testbed.quickWorkflow(1, "");
        Process first = startManager("first");
        awaitPing();
        CompletableFuture<WireReply> start = CompletableFuture.supplyAsync(() -> command("start_testbed",
                Duration.ofSeconds(90)));
        // In the middle: the runner's process runs, the manager still waits for the agents' READY.
        await().atMost(Duration.ofSeconds(90)).until(() -> programCounts().containsKey("workflow-runner"));
        assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(first.pid())).start().waitFor()).isZero();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        start.handle((reply, failure) -> null).get(120, TimeUnit.SECONDS);

        startManager("restarted");
        awaitPing();
        WireReply retried = command("start_testbed", Duration.ofSeconds(90));

        // Either it finds the testbed running and says so, or it starts what is missing: never a second copy.
        if (!retried.success()) {
            assertThat(retried.errorCode().name()).isEqualTo("ALREADY_RUNNING");
            assertThat(retried.error()).contains("workflow-runner");
        }
        Map<String, Long> counts = programCounts();
        assertThat(counts).as("processes per program").containsEntry("workflow-runner", 1L)
                .containsEntry("data-agent", 1L);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isEqualTo(1L));
    }

    @Test
    void theBrokerTheManagerStartedOutlivesItAndEveryStopWhileItHoldsIt() throws Exception {
        testbed.quickWorkflow(1, "");
        Process first = startManager("first");
        awaitPing();
        // The manager found no broker: supervisord runs one for it, outside the manager's JVM.
        long broker = onlyBrokerProcess();
        assertThat(broker).isNotEqualTo(first.pid());
        assertThat(log("first")).contains("Started the embedded broker as the supervised program 'broker'");
        assertThat(command("start_testbed", Duration.ofSeconds(90)).success()).isTrue();

        // Killed however hard, the manager takes neither the broker nor the agents with it.
        assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(first.pid())).start().waitFor()).isZero();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Map<String, Object> status = codec.decodeObject(testbed.cli("status", "--json").out());
        assertThat(status).containsEntry("state", "RUNNING");
        assertThat(programStates(status)).containsEntry("broker", "RUNNING").containsEntry("workflow-runner", "RUNNING")
                .containsEntry("data-agent", "RUNNING");
        assertThat(onlyBrokerProcess()).isEqualTo(broker);

        // A new manager takes the running broker over; its stop_testbed, and the CLI's stop, leave the
        // broker to it, and it still answers afterwards.
        Process second = startManager("second");
        awaitPing();
        assertThat(log("second")).doesNotContain("Started the embedded broker");
        WireReply stopped = command("stop_testbed", Duration.ofSeconds(60));
        assertThat(stopped.result().get("stopped")).asList().containsExactlyInAnyOrder("workflow-runner", "data-agent");
        assertThat(onlyBrokerProcess()).isEqualTo(broker);
        assertThat(command("start_testbed", Duration.ofSeconds(90)).success()).isTrue();

        // Stopped gracefully (SIGTERM, as the documented 'pkill -f user_agent_manager') while agents
        // run, the manager leaves them and their broker running too.
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(log("second")).doesNotContain("Stopped the embedded broker");
        assertThat(programStates(codec.decodeObject(testbed.cli("status", "--json").out())))
                .containsEntry("broker", "RUNNING").containsEntry("workflow-runner", "RUNNING")
                .containsEntry("data-agent", "RUNNING");
        assertThat(onlyBrokerProcess()).isEqualTo(broker);

        Process third = startManager("third");
        awaitPing();
        assertThat(log("third")).doesNotContain("Started the embedded broker");
        TestbedHome.Result stop = testbed.cli("stop-agents");
        assertThat(stop.out()).contains("Stopped: ").doesNotContain("broker,").doesNotContain(", broker")
                .contains("Left running for the agent manager: broker");
        assertThat(onlyBrokerProcess()).isEqualTo(broker);
        assertThat(command("ping", Duration.ofSeconds(10)).result()).containsEntry("pid", (int) third.pid());

        // A manager that leaves with nothing running takes the broker it held along.
        third.destroy();
        assertThat(third.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(log("third")).contains("Stopped the embedded broker: no agent uses it");
        assertThat(TestbedHome.running(broker)).isFalse();
        assertThat(programStates(codec.decodeObject(testbed.cli("status", "--json").out())))
                .containsEntry("broker", "STOPPED");
    }

    /** @return the pid of the one broker process supervisord runs for this home */
    private long onlyBrokerProcess() {
        List<Long> brokers = testbed.processesOfThisHome().stream().filter(TestbedHome::running)
                .filter(pid -> programOf(pid).equals("broker")).toList();
        assertThat(brokers).as("broker processes").hasSize(1);
        return brokers.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> programStates(Map<String, Object> status) {
        return ((List<Map<String, Object>>) status.get("programs")).stream()
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> p.get("state")));
    }

    private Process startManager(String name) throws IOException {
        Process manager = testbed.processBuilder("agent-manager").redirectErrorStream(true)
                .redirectOutput(logFile(name).toFile()).start();
        managers.add(manager);
        return manager;
    }

    private Path logFile(String name) {
        return testbed.home.resolve("agent-manager-" + name + ".log");
    }

    private String log(String name) throws IOException {
        return Files.readString(logFile(name));
    }

    private WireReply awaitPing() {
        List<WireReply> answered = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> answered.add(command("ping", Duration.ofSeconds(3))));
        return answered.get(0);
    }

    private WireReply command(String name, Duration timeout) {
        try (MessageBus bus = new JmsMessageBusFactory().connect(testbed.endpoint(), "it-" + name,
                Duration.ofSeconds(10))) {
            return WireReply.of(bus.request(Destinations.agentManagerControl(USER),
                    codec.encode(Map.of("command", name, "source", "it")), timeout).body());
        }
    }

    /** @return how many live processes each program of this home has, by supervisord's own name for them */
    private Map<String, Long> programCounts() {
        return testbed.processesOfThisHome().stream().filter(TestbedHome::running)
                .map(AgentManagerFaultsIT::programOf).filter(name -> !name.isEmpty())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String programOf(long pid) {
        try {
            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                    StandardCharsets.UTF_8);
            for (String variable : environ.split("\0")) {
                if (variable.startsWith("SUPERVISOR_PROCESS_NAME=")) {
                    return variable.substring("SUPERVISOR_PROCESS_NAME=".length());
                }
            }
        } catch (IOException e) {
            // Gone meanwhile.
        }
        return "";
    }
}
