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

/** The agent manager under faults: a second one for the same user, and a kill in the middle of a start. */
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
