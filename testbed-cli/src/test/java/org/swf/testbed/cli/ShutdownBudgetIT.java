package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Every built-in program shuts down gracefully inside supervisord's stopwaitsecs, whatever the
 * monitor does, and supervisord's own shutdown stops agents before the runner before the broker:
 * the exit heartbeats reach the topic, the running execution ends terminated, and supervisord
 * never has to SIGKILL a program.
 */
class ShutdownBudgetIT {

    /** The programs of {@link TestbedHome#quickWorkflow}'s config that send heartbeats. */
    private static final List<String> HEARTBEAT_PROGRAMS = List.of("data-agent", "workflow-runner");

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-budget");
    private final List<Map<String, Object>> heartbeats = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> epictopic = new CopyOnWriteArrayList<>();
    private SilentMonitor monitor;
    private MessageBus bus;

    @AfterEach
    void tearDown() {
        if (bus != null) {
            bus.close();
        }
        testbed.close();
        if (monitor != null) {
            monitor.close();
        }
    }

    @Test
    void stopAgentsWithAMonitorThatNeverAnswersEndsEveryProgramGracefully() {
        monitor = new SilentMonitor();
        String executionId = startRealTimeWorkflow(Map.of("SWF_MONITOR_HTTP_URL", monitor.url()));
        // The programs do talk to it: their heartbeat POSTs hang there.
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.accepted() >= HEARTBEAT_PROGRAMS.size());

        TestbedHome.Result stop = testbed.cli("stop-agents");

        assertThat(stop.code()).as(stop.err()).isZero();
        assertExitHeartbeatFromEveryProgram();
        assertThat(count("end_run")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "terminated".equals(execution(executionId).get("status")));
        assertThat(testbed.cli("workflows").out()).containsPattern(executionId + " +terminated");
        assertNoProgramWasKilled();
    }

    @Test
    void supervisordShutdownStopsAgentsThenTheRunnerThenTheBroker() {
        String executionId = startRealTimeWorkflow(Map.of());

        supervisorctl("shutdown");
        long supervisord = testbed.supervisordPid();
        await().atMost(Duration.ofSeconds(60)).until(() -> !TestbedHome.running(supervisord));

        // Exit heartbeats travel through the broker: they arrive only when it stops last.
        assertExitHeartbeatFromEveryProgram();
        assertThat(count("end_run")).isEqualTo(1);
        assertThat(execution(executionId)).containsEntry("status", "terminated");
        List<String> stopped = supervisordLog().lines().filter(line -> line.contains(" stopped: "))
                .map(line -> line.replaceAll(".* stopped: (\\S+) .*", "$1")).toList();
        assertThat(stopped).containsExactly("data-agent", "workflow-runner", "broker");
        assertNoProgramWasKilled();
    }

    /**
     * Starts the home's testbed with {@code environment} added to the CLI's (supervisord and so
     * every program inherits it), and a real-time workflow that runs well past the test.
     */
    private String startRealTimeWorkflow(Map<String, String> environment) {
        testbed.quickWorkflow(200, "");
        Map<String, String> env = testbed.environment();
        env.putAll(environment);
        TestbedHome.Result run = testbed.run(env, Duration.ofSeconds(120), "run", "--no-workflow");
        assertThat(run.code()).as(run.err()).isZero();
        bus = testbed.connect("it-budget");
        bus.subscribe(Destinations.HEARTBEATS, message -> heartbeats.add(codec.decodeObject(message.body())));
        bus.subscribe(Destinations.EPICTOPIC, message -> epictopic.add(codec.decodeObject(message.body())));
        TestbedHome.Result started = testbed.cli("start-workflow");
        assertThat(started.code()).as(started.err()).isZero();
        String executionId = started.out().replaceAll("(?s).*Workflow triggered: (\\S+) .*", "$1").strip();
        await().atMost(Duration.ofSeconds(30)).until(() -> count("stf_gen") >= 2);
        return executionId;
    }

    private void assertExitHeartbeatFromEveryProgram() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(heartbeats.stream()
                .filter(h -> "EXITED".equals(h.get("operational_state"))).map(h -> h.get("program")).distinct())
                .containsExactlyInAnyOrderElementsOf(HEARTBEAT_PROGRAMS));
    }

    /** supervisord says how each program stopped: by its own exit, or by SIGKILL after stopwaitsecs. */
    private void assertNoProgramWasKilled() {
        String log = supervisordLog();
        System.err.println("supervisord.log:\n" + log);
        // For the record, not asserted: how long each program's own shutdown took.
        for (String program : HEARTBEAT_PROGRAMS) {
            programLog(program).lines().filter(line -> line.contains(" exited after ")).forEach(System.err::println);
        }
        assertThat(log).contains("stopped: workflow-runner").doesNotContain("SIGKILL");
    }

    private String programLog(String program) {
        try {
            return Files.readString(testbed.home.resolve("logs").resolve(program + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String supervisordLog() {
        return programLog("supervisord");
    }

    private void supervisorctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("supervisorctl", "-c", testbed.conf().toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(testbed.user.command(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("supervisorctl %s finished", command).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private long count(String type) {
        return epictopic.stream().filter(m -> type.equals(m.get("msg_type"))).count();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> execution(String executionId) {
        List<Object> executions = (List<Object>) codec.decodeObject("{\"e\":" + testbed.cli("workflows", "--json").out()
                + "}").get("e");
        return executions.stream().map(e -> (Map<String, Object>) e)
                .filter(e -> executionId.equals(e.get("execution_id"))).findFirst().orElse(Map.of());
    }

    /** A monitor that accepts every connection and never answers: each POST hangs until its client gives up. */
    private static final class SilentMonitor implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> connections = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentMonitor() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        // Held open, never read from or written to.
                        connections.add(server.accept());
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "silent-monitor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        int accepted() {
            return connections.size();
        }

        @Override
        public void close() {
            try {
                server.close();
                for (Socket connection : connections) {
                    connection.close();
                }
                acceptor.join(TimeUnit.SECONDS.toMillis(10));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
