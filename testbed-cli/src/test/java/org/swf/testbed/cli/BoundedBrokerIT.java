package org.swf.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swf.testbed.TestbedException;
import org.swf.testbed.control.AgentManagerClient;
import org.swf.testbed.control.RunnerClient;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.RunnerStatus;

/**
 * The home's supervised broker under the faults it is bounded against, with the real runner, agent
 * and agent manager: a work queue nobody consumes filled past its limit, and messages far larger
 * than the broker takes sent to the runner's queue.
 */
class BoundedBrokerIT {

    private static final String USER = TestUser.primary().name;
    private static final Duration ANSWER = Duration.ofSeconds(10);
    /** The broker's message cap (BrokerLimits.MAX_MESSAGE_BYTES), which the CLI's tests do not see. */
    private static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
    /** What the issue saw kill a 256 MiB agent. */
    private static final long HUGE = 150_000_000L;

    private final JsonCodec codec = new JsonCodec();
    private final TestbedHome testbed = new TestbedHome("it-bounded");
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Process manager;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
        if (manager != null && manager.isAlive()) {
            manager.destroy();
            manager.waitFor(30, TimeUnit.SECONDS);
        }
        testbed.close();
    }

    @Test
    void aQueueNobodyConsumesAndAnOversizedMessageLeaveTheTestbedServing() throws Exception {
        testbed.quickWorkflow(1, "");
        assertThat(testbed.cli("run", "--no-workflow").code()).isZero();
        startManager();
        MessageBus bus = connect("it-bounded-client");
        AgentManagerClient agentManager = new AgentManagerClient(bus, codec, USER, "it");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> agentManager.ping(Duration.ofSeconds(2)) != null);
        Set<String> heartbeatsFrom = ConcurrentHashMap.newKeySet();
        bus.subscribe(Destinations.HEARTBEATS, message -> {
            Map<String, Object> heartbeat = codec.decodeObject(message.body());
            heartbeatsFrom.add(String.valueOf(heartbeat.get("instance_name")));
        });
        long runnerPid = pidOf("workflow-runner");

        // Slices for workers that do not exist, twice what their queue holds.
        Destination slices = Destinations.sliceQueue(testbed.namespace);
        String slice = "s".repeat(MAX_MESSAGE_BYTES / 2);
        for (int i = 0; i < 64; i++) {
            bus.send(slices, slice);
        }

        // The agent manager answers ping, and every program still sends heartbeats.
        assertThat(agentManager.ping(ANSWER)).isNotNull();
        heartbeatsFrom.clear();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(heartbeatsFrom)
                .anySatisfy(name -> assertThat(name).startsWith("data-agent"))
                .anySatisfy(name -> assertThat(name).contains("agent-manager"))
                .hasSizeGreaterThanOrEqualTo(3));

        // 150 MB to the runner's queue: over STOMP, as an original Python agent would send it ...
        Destination runnerQueue = Destinations.workflowControl(testbed.namespace);
        assertThat(stompSendHuge(runnerQueue, HUGE)).startsWith("ERROR").contains("message:frame too large");
        // ... and over AMQP, just over the cap.
        assertThatThrownBy(() -> bus.send(runnerQueue, "o".repeat(MAX_MESSAGE_BYTES + 1)))
                .isInstanceOf(TestbedException.class).hasMessageContaining("refused the message");

        // The runner never saw them: same process, and it answers status_request.
        RunnerStatus status = new RunnerClient(bus, codec, testbed.namespace, "it", ANSWER).status();
        assertThat(status.namespace()).isEqualTo(testbed.namespace);
        assertThat(pidOf("workflow-runner")).isEqualTo(runnerPid);
        assertThat(testbed.cli("status").code()).isZero();
        assertThat(Files.readString(testbed.home.resolve("logs").resolve("workflow-runner.log")))
                .doesNotContain("OutOfMemoryError");
        assertThat(Files.readString(testbed.home.resolve("logs").resolve("broker.log")))
                .contains("Refused a STOMP frame", "Refused a message of");
    }

    private void startManager() {
        try {
            Path log = testbed.home.resolve("agent-manager.log");
            manager = testbed.processBuilder("agent-manager").redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MessageBus connect(String name) {
        MessageBus bus = testbed.connect(name);
        cleanup.add(0, bus);
        return bus;
    }

    /**
     * Sends one STOMP frame with a body of {@code size} bytes, written as it goes (the test holds
     * 64 KiB of it at a time), and reads the broker's answer.
     */
    private String stompSendHuge(Destination destination, long size) throws IOException {
        BrokerEndpoint login = testbed.endpoint();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", testbed.stompPort), 5000);
            socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("CONNECT\naccept-version:1.2\nhost:localhost\nlogin:" + login.user() + "\npasscode:"
                    + login.password() + "\n\n\0").getBytes(StandardCharsets.UTF_8));
            assertThat(readFrame(in)).startsWith("CONNECTED");
            out.write(("SEND\ndestination:" + destination.stompAddress() + "\nreceipt:huge\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'h');
            for (long left = size; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            out.write(0);
            out.flush();
            return readFrame(in);
        }
    }

    private static String readFrame(InputStream in) throws IOException {
        StringBuilder frame = new StringBuilder();
        int b = in.read();
        while (b == '\n' || b == '\r') {
            b = in.read();
        }
        for (; b > 0; b = in.read()) {
            frame.append((char) b);
        }
        return frame.toString();
    }

    /** @return the pid supervisord reports for the program */
    private long pidOf(String program) throws IOException, InterruptedException {
        Process ctl = new ProcessBuilder(testbed.user.command(List.of("supervisorctl", "-c", testbed.conf().toString(),
                "pid", program))).redirectErrorStream(true).start();
        String out = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(ctl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return Long.parseLong(out);
    }
}
